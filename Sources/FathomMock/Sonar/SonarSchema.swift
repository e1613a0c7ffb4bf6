import FathomCore
import GraphQL

/// What every resolver sees: the data snapshot of this request and who is asking.
final class SonarContext: Sendable {
    let store: SonarStore
    let model: SonarModel
    let userID: Int64
    private let current: Locked<SonarData>
    private let served = Locked(0)
    /// The most entity rows one request may return (nested relations included).
    static let recordBudget = 10_000

    init(store: SonarStore, model: SonarModel, userID: Int64) {
        self.store = store
        self.model = model
        self.userID = userID
        current = Locked(store.snapshot)
    }

    var data: SonarData { current.withLock { $0 } }

    /// Counts rows against the request's budget: a deeply nested query cannot run forever.
    func spend(_ rows: Int) throws {
        let total = served.withLock { total -> Int in
            total += rows
            return total
        }
        if total > Self.recordBudget {
            throw SonarError("The query returns more than \(Self.recordBudget) records; ask for fewer (use the paginator) or nest less.")
        }
    }
    var query: SonarQuery { SonarQuery(model: model, data: data, spend: { [self] in try spend($0) }) }

    /// Runs a mutation on the store and lets the rest of the request see its result.
    func mutate<R>(_ body: (inout SonarData) throws -> R) throws -> R {
        let (result, data) = try store.mutate { data -> (R, SonarData) in
            let result = try body(&data)
            return (result, data)
        }
        current.withLock { $0 = data }
        return result
    }
}

/// The executable schema of the slice: built by the GraphQL engine's types from the
/// project's SDL (`SonarSDL.text`), with resolvers over `SonarStore`.
final class SonarSchema: Sendable {
    let schema: GraphQLSchema
    let model: SonarModel

    /// The schema is the same for every instance: built once per process.
    static let shared = Result { try SonarSchema() }

    init() throws {
        let document = try parse(source: SonarSDL.text, noLocation: true)
        let builder = try Builder(document: document)
        schema = try builder.build()
        model = builder.model
    }

    /// Builds engine types from the SDL, wiring resolvers on the way.
    private final class Builder: @unchecked Sendable {
        var named: [String: GraphQLNamedType] = [
            "String": GraphQLString, "Int": GraphQLInt, "Float": GraphQLFloat, "Boolean": GraphQLBoolean, "ID": GraphQLID,
        ]
        var enums: Set<String> = []
        var fieldMaps: [String: GraphQLFieldMap] = [:]
        var inputMaps: [String: InputObjectFieldMap] = [:]
        var interfaceLists: [String: [GraphQLInterfaceType]] = [:]
        let objects: [ObjectTypeDefinition]
        let interfaces: [InterfaceTypeDefinition]
        let inputs: [InputObjectTypeDefinition]
        var model = SonarModel(columns: [:], textColumns: [:])

        init(document: Document) throws {
            var objects: [ObjectTypeDefinition] = []
            var interfaces: [InterfaceTypeDefinition] = []
            var inputs: [InputObjectTypeDefinition] = []
            for definition in document.definitions {
                switch definition {
                case let d as ScalarTypeDefinition:
                    named[d.name.value] = try SonarScalars.make(d.name.value)
                case let d as EnumTypeDefinition:
                    var values: GraphQLEnumValueMap = [:]
                    for v in d.values { values[v.name.value] = GraphQLEnumValue(value: .string(v.name.value)) }
                    named[d.name.value] = try GraphQLEnumType(name: d.name.value, values: values)
                    enums.insert(d.name.value)
                case let d as ObjectTypeDefinition: objects.append(d)
                case let d as InterfaceTypeDefinition: interfaces.append(d)
                case let d as InputObjectTypeDefinition: inputs.append(d)
                default: break
                }
            }
            self.objects = objects
            self.interfaces = interfaces
            self.inputs = inputs
        }

        func build() throws -> GraphQLSchema {
            // Create every named type first (their fields are thunks), then fill the maps.
            for d in inputs {
                let name = d.name.value
                named[name] = try GraphQLInputObjectType(name: name, fields: { [unowned self] in self.inputMaps[name] ?? [:] })
            }
            for d in interfaces {
                let name = d.name.value
                named[name] = try GraphQLInterfaceType(
                    name: name, fields: { [unowned self] in self.fieldMaps[name] ?? [:] },
                    resolveType: { value, _ in (value as? Row)?.type ?? "" }
                )
            }
            for d in objects {
                let name = d.name.value
                named[name] = try GraphQLObjectType(
                    name: name, fields: { [unowned self] in self.fieldMaps[name] ?? [:] },
                    interfaces: { [unowned self] in self.interfaceLists[name] ?? [] }
                )
            }
            var columns: [String: [String: ColumnKind]] = [:]
            var texts: [String: [String]] = [:]
            for d in objects {
                for f in d.fields where f.arguments.isEmpty {
                    guard let leaf = leafName(f.type) else { continue }
                    let kind = ColumnKind(typeName: leaf, isEnum: enums.contains(leaf))
                    columns[d.name.value, default: [:]][f.name.value] = kind
                    if kind == .string, f.name.value != "_version", f.name.value != "sonar_unique_id" {
                        texts[d.name.value, default: []].append(f.name.value)
                    }
                }
            }
            model = SonarModel(columns: columns, textColumns: texts)
            for d in inputs {
                var map: InputObjectFieldMap = [:]
                for f in d.fields {
                    map[f.name.value] = InputObjectField(type: try inputType(f.type), defaultValue: f.defaultValue.map(literal))
                }
                inputMaps[d.name.value] = map
            }
            for d in interfaces {
                fieldMaps[d.name.value] = try fields(d.fields, owner: d.name.value)
            }
            for d in objects {
                fieldMaps[d.name.value] = try fields(d.fields, owner: d.name.value)
                interfaceLists[d.name.value] = d.interfaces.compactMap { named[$0.name.value] as? GraphQLInterfaceType }
            }
            let types = named.keys.sorted().compactMap { named[$0] }
            let schema = try GraphQLSchema(
                query: named["Query"] as? GraphQLObjectType,
                mutation: named["Mutation"] as? GraphQLObjectType,
                types: types
            )
            // Resolve the thunks once now, while the builder is alive.
            for type in types {
                if let t = type as? GraphQLObjectType { _ = try t.fields(); _ = try t.interfaces() }
                if let t = type as? GraphQLInterfaceType { _ = try t.fields() }
            }
            let frozenFields = fieldMaps
            let frozenInputs = inputMaps
            let frozenInterfaces = interfaceLists
            for type in types {
                if let t = type as? GraphQLObjectType {
                    let f = frozenFields[t.name] ?? [:]
                    let i = frozenInterfaces[t.name] ?? []
                    t.fields = { f }
                    t.interfaces = { i }
                } else if let t = type as? GraphQLInterfaceType {
                    let f = frozenFields[t.name] ?? [:]
                    t.fields = { f }
                } else if let t = type as? GraphQLInputObjectType {
                    let f = frozenInputs[t.name] ?? [:]
                    t.fields = { f }
                }
            }
            let problems = validateSchema(schema: schema)
            if let first = problems.first { throw SonarError("invalid Sonar slice schema: \(first.message)") }
            return schema
        }

        private func fields(_ definitions: [FieldDefinition], owner: String) throws -> GraphQLFieldMap {
            var map: GraphQLFieldMap = [:]
            for f in definitions {
                var args: GraphQLArgumentConfigMap = [:]
                for a in f.arguments {
                    args[a.name.value] = GraphQLArgument(type: try inputType(a.type), defaultValue: a.defaultValue.map(literal))
                }
                map[f.name.value] = GraphQLField(
                    type: try outputType(f.type), args: args, resolve: resolver(owner: owner, field: f.name.value)
                )
            }
            return map
        }

        /// The resolver of one field, or `nil` for the engine's default (dictionaries).
        private func resolver(owner: String, field: String) -> GraphQLFieldResolve? {
            if owner == "Query" {
                if field == "me" {
                    return { _, _, context, _ in
                        guard let context = context as? SonarContext, let user = context.data.row("User", context.userID) else {
                            throw SonarError("Unauthenticated.")
                        }
                        var me = user
                        me.cells["report_builder"] = .bool(user["super_admin"] == .bool(true))
                        me.cells["report_viewer"] = .bool(true)
                        if me["language"].isNull { me.cells["language"] = .string("en") }
                        return me
                    }
                }
                guard let type = Relation.roots[field] else { return nil }
                return { _, args, context, _ in
                    guard let context = context as? SonarContext else { return nil }
                    return try context.query.connection(type, args: args)
                }
            }
            if owner == "Mutation" {
                return SonarMutations.resolver(field)
            }
            if let relation = Relation.all[owner]?[field] {
                return Self.relationResolver(relation, field: field)
            }
            // Entities (and `Me`, a user) are rows; PageInfo, connections and SuccessResponse are dictionaries.
            if owner == "Me" || Self.entityTypes.contains(owner), let kind = model.kind(owner, field) {
                return { source, _, _, _ in
                    guard let row = source as? Row else { return nil }
                    return Self.output(row[field], kind: kind)
                }
            }
            return nil
        }

        static let entityTypes = Set(Relation.roots.values)

        private static func relationResolver(_ relation: Relation, field: String) -> GraphQLFieldResolve {
            switch relation {
            case .toOne(let target, let key):
                return { source, args, context, _ in
                    guard let row = source as? Row, let context = context as? SonarContext, let id = row[key].int else { return nil }
                    return try one(context, target, id, args)
                }
            case .toOneAny(let typeColumn, let key):
                return { source, args, context, _ in
                    guard let row = source as? Row, let context = context as? SonarContext,
                        let target = row[typeColumn].string, let id = row[key].int,
                        context.model.columns[target] != nil
                    else { return nil }
                    return try one(context, target, id, args)
                }
            case .toMany(let target, let foreignKey, let typeColumn, let typeValue):
                return { source, args, context, _ in
                    guard let row = source as? Row, let context = context as? SonarContext else { return nil }
                    let data = context.data
                    let table = data[target]
                    var ids = table.ids(where: foreignKey, equals: row.id)
                    if let typeColumn, let typeValue {
                        ids = ids.filter { table[$0]?[typeColumn] == .string(typeValue) }
                    }
                    return try SonarQuery(model: context.model, data: data, spend: { try context.spend($0) })
                        .connection(target, args: args, candidates: ids, includeArchived: field == "archived_accounts")
                }
            }
        }

        /// A relation to one: the row, or null when it is missing or fails the field's filters.
        private static func one(_ context: SonarContext, _ target: String, _ id: Int64, _ args: Map) throws -> Row? {
            let data = context.data
            guard let row = data.row(target, id) else { return nil }
            let filtered = (args.dictionary ?? [:]).contains { !$0.value.isUndefined && !$0.value.isNull }
            if !filtered { return row }
            return try SonarQuery(model: context.model, data: data)
                .filter(target, args: args, candidates: [id], includeArchived: true).first
        }

        static func output(_ cell: Cell, kind: ColumnKind) -> (any Sendable)? {
            switch cell {
            case .null: return nil
            case .int(let v): return kind == .id ? String(v) : Int(v)
            case .double(let v): return v
            case .string(let v): return v
            case .bool(let v): return v
            case .time(let v): return SonarTime.datetime(v)
            }
        }

        // MARK: Types from the AST

        private func leafName(_ type: any `Type`) -> String? {
            switch type {
            case let t as NonNullType: return leafName(t.type)
            case is ListType: return nil
            case let t as NamedType:
                let name = t.name.value
                return named[name] is GraphQLScalarType || enums.contains(name) ? name : nil
            default: return nil
            }
        }

        private func outputType(_ type: any `Type`) throws -> GraphQLOutputType {
            switch type {
            case let t as NonNullType:
                guard let inner = try outputType(t.type) as? GraphQLNullableType else { throw SonarError("bad type") }
                return GraphQLNonNull(inner)
            case let t as ListType: return GraphQLList(try outputType(t.type))
            case let t as NamedType:
                guard let out = named[t.name.value] as? GraphQLOutputType else { throw SonarError("unknown type \(t.name.value)") }
                return out
            default: throw SonarError("bad type")
            }
        }

        private func inputType(_ type: any `Type`) throws -> GraphQLInputType {
            switch type {
            case let t as NonNullType:
                guard let inner = try inputType(t.type) as? GraphQLNullableType else { throw SonarError("bad type") }
                return GraphQLNonNull(inner)
            case let t as ListType: return GraphQLList(try inputType(t.type))
            case let t as NamedType:
                guard let input = named[t.name.value] as? GraphQLInputType else { throw SonarError("unknown input type \(t.name.value)") }
                return input
            default: throw SonarError("bad type")
            }
        }

        /// A default value from the SDL (the slice only has booleans, numbers, strings and enums).
        private func literal(_ value: any Value) -> Map {
            switch value {
            case let v as IntValue: return Int(v.value).map { .number(Number($0)) } ?? .null
            case let v as FloatValue: return Double(v.value).map { .number(Number($0)) } ?? .null
            case let v as StringValue: return .string(v.value)
            case let v as BooleanValue: return .bool(v.value)
            case let v as EnumValue: return .string(v.value)
            default: return .null
            }
        }
    }
}
