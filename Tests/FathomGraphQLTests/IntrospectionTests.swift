import FathomCore
import Foundation
import GraphQL
import Testing
@testable import FathomGraphQL

/// Introspection results printed as SDL: the standard query is executed by
/// GraphQLSwift's engine against a schema, and the SDL printed from its answer must
/// describe the same schema (no change at all in `SchemaDiff`), descriptions and
/// deprecations included.
@Suite struct IntrospectionTests {
    static let sdl = #"""
        schema { query: Root mutation: Change }

        "A custom directive with an argument."
        directive @cached(seconds: Int = 60) on FIELD_DEFINITION | OBJECT

        """
        The root of every query.
        It has two lines, "quotes" and a \backslash.
        """
        type Root {
          "One account by id."
          account(id: ID!, "Include archived ones" archived: Boolean = false): Account
          accounts(status: [Status!] = [ACTIVE], filter: Filter): [Account!]!
          node(id: ID!): Node
          search(text: String!): [SearchResult]
          matrix: [[Int!]!]!
        }

        type Change {
          rename(id: ID!, name: String!): Account
        }

        interface Node { id: ID! }

        type Account implements Node {
          id: ID!
          name: String!
          legacy_code: String @deprecated(reason: "Use \"name\".")
          older: String @deprecated
          balance: Money
        }

        type Invoice implements Node { id: ID! total: Money! }

        union SearchResult = Account | Invoice

        enum Status {
          ACTIVE
          INACTIVE @deprecated(reason: "Use ARCHIVED.")
          ARCHIVED
        }

        input Filter {
          name: String
          limit: Int = 25
          statuses: [Status!]! = [ACTIVE, ARCHIVED]
        }

        "Cents, as an integer."
        scalar Money
        """#

    /// What an instance answers to the standard introspection query, as JSON text.
    static func introspectionResponse(of sdl: String) async throws -> String {
        let schema = try SchemaCheck(sdl: sdl, file: "s.graphql").schema
        let result = try await graphql(schema: schema, request: Introspection.query)
        #expect(result.errors.isEmpty, "\(result.errors)")
        return String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
    }

    @Test func printedSchemaHasNoDifferenceFromTheOriginal() async throws {
        let printed = try Introspection.sdl(fromResponse: try await Self.introspectionResponse(of: Self.sdl), source: "http://x/api/graphql")
        _ = try SchemaCheck(sdl: printed, file: "printed")
        let changes = try SchemaDiff.diff(old: Self.sdl, oldFile: "original", new: printed, newFile: "printed")
        #expect(changes.filter { !Self.isEngineGap($0) }.isEmpty, "\(changes.map(\.message))\n\(printed)")
        #expect(printed.contains("schema {\n  query: Root\n  mutation: Change\n}"))
        #expect(printed.contains("directive @cached(seconds: Int = 60) on FIELD_DEFINITION | OBJECT"))
        #expect(printed.contains(#"legacy_code: String @deprecated(reason: "Use \"name\".")"#))
        #expect(printed.contains("older: String @deprecated\n"))
        #expect(printed.contains("It has two lines, \"quotes\" and a \\backslash."))
        #expect(printed.contains("accounts(status: [Status!] = [ACTIVE], filter: Filter): [Account!]!"))
        #expect(!printed.contains("__Schema") && !printed.contains("scalar String"))
    }

    /// GraphQLSwift's engine (4.3) answers `defaultValue: null` for input object fields
    /// (its resolver only knows arguments), so the round trip through it cannot keep
    /// them; servers that report them (graphql-js, webonyx/Lighthouse as Sonar runs)
    /// are printed with them, as `inputFieldDefaultsArePrinted` shows.
    static func isEngineGap(_ change: SchemaChange) -> Bool {
        change.level == .dangerous && change.message.hasPrefix("input field ") && change.message.hasSuffix(" to none")
    }

    @Test func inputFieldDefaultsArePrinted() throws {
        let body = #"{"data": {"__schema": {"queryType": {"name": "Query"}, "types": [{"kind": "OBJECT", "name": "Query", "fields": [{"name": "a", "args": [{"name": "f", "type": {"kind": "INPUT_OBJECT", "name": "F"}, "defaultValue": null}], "type": {"kind": "SCALAR", "name": "Int"}}]}, {"kind": "INPUT_OBJECT", "name": "F", "inputFields": [{"name": "limit", "type": {"kind": "SCALAR", "name": "Int"}, "defaultValue": "25"}, {"name": "tags", "type": {"kind": "LIST", "ofType": {"kind": "NON_NULL", "ofType": {"kind": "SCALAR", "name": "String"}}}, "defaultValue": "[\"a\"]"}]}]}}}"#
        let printed = try Introspection.sdl(fromResponse: body, source: "x")
        #expect(printed.contains("input F {\n  limit: Int = 25\n  tags: [String!] = [\"a\"]\n}"), "\(printed)")
        _ = try SchemaCheck(sdl: printed, file: "x")
    }

    @Test(arguments: [
        ("<html>502 Bad Gateway</html>", "is not JSON"),
        ("[1, 2]", "not an object with data.__schema"),
        (#"{"data": {"me": {"id": "1"}}}"#, "has no data.__schema"),
        (#"{"errors": [{"message": "GraphQL introspection is not allowed"}]}"#, "refused the introspection query: GraphQL introspection is not allowed"),
        (#"{"data": {"__schema": {"queryType": {"name": "Query"}}}}"#, "has no types list"),
        (#"{"data": {"__schema": {"queryType": {"name": "Query"}, "types": [{"kind": "OBJECT", "name": "Query", "fields": [{"name": "a", "type": {"kind": "NON_NULL"}}]}]}}}"#, "the type of Query.a is missing"),
    ])
    func responsesThatAreNotIntrospectionResultsAreRefused(body: String, message: String) {
        #expect {
            _ = try Introspection.sdl(fromResponse: body, source: "http://x/api/graphql")
        } throws: { error in
            let text = (error as? SchemaError)?.description ?? ""
            return text.hasPrefix("http://x/api/graphql: error: ") && text.contains(message)
        }
    }

    @Test func aResultNamingTypesItDoesNotDefineCannotBeBuilt() throws {
        let body = #"{"data": {"__schema": {"queryType": {"name": "Query"}, "types": [{"kind": "OBJECT", "name": "Query", "fields": [{"name": "a", "args": [], "type": {"kind": "OBJECT", "name": "Missing"}}]}]}}}"#
        let printed = try Introspection.sdl(fromResponse: body, source: "x")
        #expect(throws: SchemaError.self) { try SchemaCheck(sdl: printed, file: "x (introspected)") }
    }
}
