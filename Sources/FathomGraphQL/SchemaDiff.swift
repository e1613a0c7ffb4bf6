import FathomCore
import Foundation
import GraphQL

/// One difference between two schemas.
public struct SchemaChange: Sendable, Equatable {
    /// As graphql-js's `findBreakingChanges`/`findDangerousChanges` classify them:
    /// breaking changes break existing operations, dangerous ones can change how
    /// existing operations behave, safe ones cannot.
    public enum Level: String, Sendable, Comparable {
        case breaking, dangerous, safe
        public static func < (a: Level, b: Level) -> Bool { a.order < b.order }
        var order: Int { self == .breaking ? 0 : self == .dangerous ? 1 : 2 }
    }
    public var level: Level
    /// What changed: `Account.account_status_id`, `Account.contacts(paginator:)`, `Status.ARCHIVED`.
    public var path: String
    public var message: String
    /// The schema coordinates an operation must use for this change to concern it:
    /// the path itself, and the field of an argument or the type of an enum value,
    /// union member or input field.
    public var touches: [String]

    public init(level: Level, path: String, message: String, touches: [String]? = nil) {
        self.level = level
        self.path = path
        self.message = message
        self.touches = touches ?? [path]
    }
}

/// The changes between two SDL documents, compared definition by definition
/// (no schema is built, so two copies of a 5 MB schema compare in well under a second).
public enum SchemaDiff {
    public static func diff(old: String, oldFile: String, new: String, newFile: String) throws(SchemaError) -> [SchemaChange] {
        let a = try definitions(old, file: oldFile)
        let b = try definitions(new, file: newFile)
        var out: [SchemaChange] = []
        for (name, old) in a.sorted(by: { $0.key < $1.key }) {
            guard let new = b[name] else {
                out.append(SchemaChange(level: .breaking, path: name, message: "\(old.kindName) \(name) was removed"))
                continue
            }
            if old.kindName != new.kindName {
                out.append(SchemaChange(level: .breaking, path: name, message: "\(name) changed from \(old.kindName) to \(new.kindName)"))
                continue
            }
            out += compare(name, old, new)
        }
        for (name, new) in b.sorted(by: { $0.key < $1.key }) where a[name] == nil {
            out.append(SchemaChange(level: .safe, path: name, message: "\(new.kindName) \(name) was added"))
        }
        return out.sorted { ($0.level, $0.path) < ($1.level, $1.path) }
    }

    /// A type definition reduced to what matters for compatibility.
    struct Definition {
        var kindName: String
        /// Object, interface: fields with their type, arguments and deprecation.
        var fields: [(name: String, type: String, args: [Argument], deprecated: Bool)] = []
        /// Input objects: fields as arguments (type and default).
        var inputFields: [Argument] = []
        /// Enums: values; unions: members; objects and interfaces: interfaces.
        var members: [String] = []
    }
    struct Argument {
        var name: String
        var type: String
        var defaultValue: String?
        var required: Bool { type.hasSuffix("!") && defaultValue == nil }
    }

    static func definitions(_ sdl: String, file: String) throws(SchemaError) -> [String: Definition] {
        let document: Document
        do {
            document = try DocumentLimits.parse(sdl, name: file)
        } catch let error as GraphQLError {
            let at = error.locations.first.map { ":\($0.line):\($0.column)" } ?? ""
            throw SchemaError(description: "\(file)\(at): error: the schema does not parse as GraphQL SDL: \(SchemaCheck.firstLine(error.message))")
        } catch {
            throw SchemaError(description: "\(file): error: the schema does not parse: \(error)")
        }
        var out: [String: Definition] = [:]
        func argument(_ v: InputValueDefinition) -> Argument {
            Argument(name: v.name.value, type: print(ast: v.type), defaultValue: v.defaultValue.map { print(ast: $0) })
        }
        func isDeprecated(_ directives: [Directive]) -> Bool { directives.contains { $0.name.value == "deprecated" } }
        for d in document.definitions {
            switch d {
            case let o as ObjectTypeDefinition:
                out[o.name.value] = Definition(kindName: "type", fields: o.fields.map {
                    ($0.name.value, print(ast: $0.type), $0.arguments.map(argument), isDeprecated($0.directives))
                }, members: o.interfaces.map(\.name.value))
            case let i as InterfaceTypeDefinition:
                out[i.name.value] = Definition(kindName: "interface", fields: i.fields.map {
                    ($0.name.value, print(ast: $0.type), $0.arguments.map(argument), isDeprecated($0.directives))
                }, members: i.interfaces.map(\.name.value))
            case let i as InputObjectTypeDefinition:
                out[i.name.value] = Definition(kindName: "input", inputFields: i.fields.map(argument))
            case let e as EnumTypeDefinition:
                out[e.name.value] = Definition(kindName: "enum", members: e.values.map(\.name.value))
            case let u as UnionTypeDefinition:
                out[u.name.value] = Definition(kindName: "union", members: u.types.map(\.name.value))
            case let s as ScalarTypeDefinition:
                out[s.name.value] = Definition(kindName: "scalar")
            default:
                continue
            }
        }
        return out
    }

    static func compare(_ type: String, _ old: Definition, _ new: Definition) -> [SchemaChange] {
        var out: [SchemaChange] = []
        func add(_ level: SchemaChange.Level, _ path: String, _ message: String, touching owner: String? = nil) {
            out.append(SchemaChange(level: level, path: path, message: message, touches: owner.map { [path, $0] }))
        }
        // Fields of objects and interfaces (output positions).
        let newFields = Dictionary(new.fields.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let oldFields = Set(old.fields.map(\.name))
        for f in old.fields {
            let path = "\(type).\(f.name)"
            guard let n = newFields[f.name] else { add(.breaking, path, "field \(path) was removed"); continue }
            if f.type != n.type {
                // In an output position a nullable type may become non-null (more is promised).
                let safe = n.type == f.type + "!"
                add(safe ? .safe : .breaking, path, "field \(path) changed type from \(f.type) to \(n.type)")
            }
            if !f.deprecated && n.deprecated { add(.safe, path, "field \(path) is now deprecated") }
            out += compareInputs(f.args, n.args, noun: "argument", owner: path) { "\(path)(\($0):)" }
        }
        for f in new.fields where !oldFields.contains(f.name) { add(.safe, "\(type).\(f.name)", "field \(type).\(f.name) was added") }
        // Input object fields: input positions, as arguments are.
        out += compareInputs(old.inputFields, new.inputFields, noun: "input field", owner: type) { "\(type).\($0)" }
        // Enum values, union members, implemented interfaces.
        let oldMembers = Set(old.members), newMembers = Set(new.members)
        for m in old.members where !newMembers.contains(m) {
            switch old.kindName {
            case "enum": add(.breaking, "\(type).\(m)", "enum value \(type).\(m) was removed", touching: type)
            case "union": add(.breaking, type, "\(m) was removed from union \(type)")
            default: add(.breaking, type, "\(type) no longer implements \(m)")
            }
        }
        for m in new.members where !oldMembers.contains(m) {
            switch new.kindName {
            case "enum": add(.dangerous, "\(type).\(m)", "enum value \(type).\(m) was added", touching: type)
            case "union": add(.dangerous, type, "\(m) was added to union \(type)")
            default: add(.dangerous, type, "\(type) now implements \(m)")
            }
        }
        return out
    }

    /// Arguments and input fields (input positions): removed, retyped (a non-null
    /// type may become nullable: less is demanded), default changed, added.
    /// `owner` is the field of the arguments, or the input type of the input fields.
    static func compareInputs(_ old: [Argument], _ new: [Argument], noun: String, owner: String, path: (String) -> String) -> [SchemaChange] {
        var out: [SchemaChange] = []
        func add(_ level: SchemaChange.Level, _ p: String, _ message: String) {
            out.append(SchemaChange(level: level, path: p, message: message, touches: [p, owner]))
        }
        let newByName = Dictionary(new.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let oldNames = Set(old.map(\.name))
        for a in old {
            let p = path(a.name)
            guard let n = newByName[a.name] else { add(.breaking, p, "\(noun) \(p) was removed"); continue }
            if a.type != n.type {
                let safe = a.type == n.type + "!"
                add(safe ? .safe : .breaking, p, "\(noun) \(p) changed type from \(a.type) to \(n.type)")
            }
            if a.defaultValue != n.defaultValue {
                add(.dangerous, p, "\(noun) \(p) default changed from \(a.defaultValue ?? "none") to \(n.defaultValue ?? "none")")
            }
        }
        for a in new where !oldNames.contains(a.name) {
            let p = path(a.name)
            add(a.required ? .breaking : .dangerous, p, (a.required ? "required" : "optional") + " \(noun) \(p) was added")
        }
        return out
    }

    public static func json(_ changes: [SchemaChange], old: String, new: String) -> JSON {
        func count(_ l: SchemaChange.Level) -> JSON { .integer(Int64(changes.filter { $0.level == l }.count)) }
        return [
            "old": .string(old), "new": .string(new),
            "summary": ["breaking": count(.breaking), "dangerous": count(.dangerous), "safe": count(.safe)],
            "changes": .array(changes.map { ["level": .string($0.level.rawValue), "path": .string($0.path), "message": .string($0.message)] }),
        ]
    }
}

/// The schema coordinates a collection's operations use — `Type`, `Type.field`,
/// `Type.field(arg:)`, `Input.field`, `Enum.VALUE` — found by walking each operation
/// with the schema's type information (a custom rule run by GraphQLSwift's validator).
public enum SchemaUsage {
    public static func coordinates(of collection: CollectionSpec, in schema: SchemaCheck) -> Set<String> {
        let used = Locked(Set<String>())
        let rule: @Sendable (ValidationContext) -> Visitor = { context in
            Visitor(enter: { node, _, _, _, _ in
                func add(_ s: String) { used.withLock { _ = $0.insert(s) } }
                func addType(_ t: GraphQLType?) { if let n = getNamedType(type: t) { add(n.name) } }
                switch node.kind {
                case .field:
                    if let parent = context.parentType, let field = context.fieldDef {
                        add(parent.name)
                        add("\(parent.name).\(field.name)")
                        addType(field.type)
                    }
                case .argument:
                    if let parent = context.parentType, let field = context.fieldDef, let arg = context.argument {
                        add("\(parent.name).\(field.name)(\(arg.name):)")
                        addType(arg.type)
                    }
                case .objectField:
                    if let input = getNamedType(type: context.parentInputType), let field = node as? ObjectField {
                        add(input.name)
                        add("\(input.name).\(field.name.value)")
                        addType(context.inputType)
                    }
                case .enumValue:
                    if let e = getNamedType(type: context.inputType), let v = node as? EnumValue {
                        add(e.name)
                        add("\(e.name).\(v.value)")
                    }
                case .variableDefinition:
                    addType(context.inputType)
                case .namedType:
                    if let n = node as? NamedType { add(n.name.value) }
                default:
                    break
                }
                return .continue
            })
        }
        for scheduled in collection.flattened() {
            guard scheduled.request.isGraphQL, case .graphql(let body)? = (try? scheduled.request.loaded())?.body else { continue }
            guard let document = try? DocumentLimits.parse(TemplateMask(body.query).text, name: "query"),
                  DocumentLimits.duplicateDefinitions(in: document).isEmpty else { continue }
            _ = GraphQL.validate(schema: schema.schema, ast: document, rules: [rule])
        }
        return used.withLock { $0 }
    }

    /// The changes that touch what the collection uses (`SchemaChange.touches`).
    public static func narrow(_ changes: [SchemaChange], to used: Set<String>) -> [SchemaChange] {
        changes.filter { $0.touches.contains(where: used.contains) }
    }
}
