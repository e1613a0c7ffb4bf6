import Foundation
import GraphQL
import Testing

@testable import FathomMock

/// The mock's Sonar SDL must be a true subset of a real Sonar instance schema: every type,
/// field, argument, enum value, input field, interface implementation and union member it
/// declares exists there, with the same type (same non-null and list wrapping).
@Suite("Sonar slice is a subset of the real schema")
struct SonarSubsetTests {
    /// `../shared/sonar/schema.graphql` next to the repository (the repository root is three
    /// levels above this file).
    static var realSchemaURL: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("../shared/sonar/schema.graphql").standardizedFileURL
    }

    /// Parses on a thread of its own: the 5 MB schema takes seconds, and the cooperative
    /// pool must stay free for the servers other tests run.
    static func parseOffThePool(_ text: String) async throws -> Declarations {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { Declarations(try parse(source: text, noLocation: true)) })
            }.start()
        }
    }

    @Test func everyDeclarationExistsInTheRealSchemaWithTheSameType() async throws {
        let url = Self.realSchemaURL
        guard let realText = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("the real Sonar schema is missing at \(url.path): cannot prove the slice is a subset")
            return
        }
        let real = try await Self.parseOffThePool(realText)
        let mock = Declarations(try parse(source: SonarSDL.text, noLocation: true))
        let problems = compare(mock: mock, real: real)
        for problem in problems { Issue.record(Comment(rawValue: problem)) }
        #expect(problems.isEmpty, "\(problems.count) declaration(s) of the mock's Sonar SDL differ from the real schema")
        // Sanity: the comparison saw the slice.
        #expect(mock.objects.count >= 30)
        #expect(mock.objects["Query"]?.fields.count == 16)
        #expect(mock.objects["Mutation"]?.fields.count == 9)
    }

    @Test func aBadDeclarationIsNamed() throws {
        // The checker itself must catch differences: a wrong wrapping, an unknown field, an
        // unknown enum value and an unknown interface.
        let real = Declarations(try parse(source: """
            interface I { id: ID! }
            type A implements I { id: ID! name: String! tags(first: Int): [String!] }
            enum E { X Y }
            input In { a: Int! }
            union U = A
            """, noLocation: true))
        let mock = Declarations(try parse(source: """
            interface J { id: ID! }
            type A implements I & J { id: ID name: String! tags(first: Int!): [String!] extra: Int }
            enum E { X Z }
            input In { a: Int b: Int }
            type B { id: ID }
            union U = A | B
            """, noLocation: true))
        let problems = compare(mock: mock, real: real)
        let joined = problems.joined(separator: "\n")
        #expect(joined.contains("A.id"))
        #expect(joined.contains("A.extra"))
        #expect(joined.contains("A.tags(first:)"))
        #expect(joined.contains("E.Z"))
        #expect(joined.contains("In.a"))
        #expect(joined.contains("In.b"))
        #expect(joined.contains("interface J"))
        #expect(joined.contains("A implements J"))
        #expect(joined.contains("type B"))
        #expect(joined.contains("union U member B"))
        #expect(!joined.contains("E.X"))
    }

    // MARK: The checker

    struct Fields: @unchecked Sendable {
        var kind: String
        var interfaces: [String] = []
        var fields: [String: (type: String, args: [String: String])] = [:]
        var order: [String] = []
    }

    struct Declarations: @unchecked Sendable {
        var scalars: Set<String> = []
        var enums: [String: [String]] = [:]
        var inputs: [String: Fields] = [:]
        var objects: [String: Fields] = [:]
        var unions: [String: [String]] = [:]

        init(_ document: Document) {
            for definition in document.definitions {
                switch definition {
                case let d as ScalarTypeDefinition: scalars.insert(d.name.value)
                case let d as EnumTypeDefinition: enums[d.name.value] = d.values.map(\.name.value)
                case let d as UnionTypeDefinition: unions[d.name.value] = d.types.map(\.name.value)
                case let d as InputObjectTypeDefinition:
                    var f = Fields(kind: "input")
                    for field in d.fields {
                        f.fields[field.name.value] = (typeString(field.type) + defaultString(field.defaultValue), [:])
                        f.order.append(field.name.value)
                    }
                    inputs[d.name.value] = f
                case let d as ObjectTypeDefinition:
                    objects[d.name.value] = fields(kind: "type", d.interfaces, d.fields)
                case let d as InterfaceTypeDefinition:
                    objects[d.name.value] = fields(kind: "interface", d.interfaces, d.fields)
                default: break
                }
            }
        }

        private func fields(kind: String, _ interfaces: [NamedType], _ definitions: [FieldDefinition]) -> Fields {
            var f = Fields(kind: kind, interfaces: interfaces.map(\.name.value))
            for field in definitions {
                var args: [String: String] = [:]
                for a in field.arguments { args[a.name.value] = typeString(a.type) + defaultString(a.defaultValue) }
                f.fields[field.name.value] = (typeString(field.type), args)
                f.order.append(field.name.value)
            }
            return f
        }
    }

    static func typeString(_ type: any `Type`) -> String {
        switch type {
        case let t as NonNullType: return typeString(t.type) + "!"
        case let t as ListType: return "[" + typeString(t.type) + "]"
        case let t as NamedType: return t.name.value
        default: return "?"
        }
    }

    static func defaultString(_ value: (any Value)?) -> String {
        guard let value else { return "" }
        return " = " + print(ast: value)
    }

    func compare(mock: Declarations, real: Declarations) -> [String] {
        var problems: [String] = []
        for name in mock.scalars.sorted() where !real.scalars.contains(name) {
            problems.append("scalar \(name) does not exist in the real schema")
        }
        for (name, values) in mock.enums.sorted(by: { $0.key < $1.key }) {
            guard let realValues = real.enums[name] else {
                problems.append("enum \(name) does not exist in the real schema")
                continue
            }
            let known = Set(realValues)
            for value in values where !known.contains(value) {
                problems.append("enum value \(name).\(value) does not exist in the real schema")
            }
        }
        for (name, input) in mock.inputs.sorted(by: { $0.key < $1.key }) {
            guard let realInput = real.inputs[name] else {
                problems.append("input \(name) does not exist in the real schema")
                continue
            }
            for field in input.order {
                let type = input.fields[field]!.type
                guard let realField = realInput.fields[field] else {
                    problems.append("input field \(name).\(field) does not exist in the real schema")
                    continue
                }
                if realField.type != type {
                    problems.append("input field \(name).\(field) is \(type) in the mock but \(realField.type) in the real schema")
                }
            }
        }
        for (name, object) in mock.objects.sorted(by: { $0.key < $1.key }) {
            guard let realObject = real.objects[name], realObject.kind == object.kind else {
                problems.append("\(object.kind) \(name) does not exist in the real schema")
                continue
            }
            for interface in object.interfaces where !realObject.interfaces.contains(interface) {
                problems.append("\(name) implements \(interface) in the mock but not in the real schema")
            }
            for field in object.order {
                let (type, args) = object.fields[field]!
                guard let realField = realObject.fields[field] else {
                    problems.append("field \(name).\(field) does not exist in the real schema")
                    continue
                }
                if realField.type != type {
                    problems.append("field \(name).\(field) is \(type) in the mock but \(realField.type) in the real schema")
                }
                for (arg, argType) in args.sorted(by: { $0.key < $1.key }) {
                    guard let realArg = realField.args[arg] else {
                        problems.append("argument \(name).\(field)(\(arg):) does not exist in the real schema")
                        continue
                    }
                    if realArg != argType {
                        problems.append("argument \(name).\(field)(\(arg):) is \(argType) in the mock but \(realArg) in the real schema")
                    }
                }
            }
        }
        for (name, members) in mock.unions.sorted(by: { $0.key < $1.key }) {
            guard let realMembers = real.unions[name] else {
                problems.append("union \(name) does not exist in the real schema")
                continue
            }
            for member in members where !realMembers.contains(member) {
                problems.append("union \(name) member \(member) is not a member in the real schema")
            }
        }
        return problems
    }
}
