import FathomCore
import Testing
@testable import FathomGraphQL

/// The schema check on a small schema: the specification's rules through
/// GraphQLSwift, deprecations as warnings, and templates masked in place.
@Suite struct SchemaCheckTests {
    static let sdl = """
        type Query {
          account(id: ID!): Account
          accounts(status: Status, first: Int): [Account!]!
        }
        type Account {
          id: ID!
          name: String!
          legacy_code: String @deprecated(reason: "Use name.")
        }
        enum Status { ACTIVE INACTIVE }
        """

    let check = try! SchemaCheck(sdl: SchemaCheckTests.sdl, file: "s.graphql")

    @Test func aValidOperationHasNoFindings() {
        #expect(check.check("query($id: ID!) { account(id: $id) { id name } }").isEmpty)
    }

    /// Found by fuzzing: GraphQLSwift's parser and its fragment-cycle rule recurse, so
    /// these overflowed the stack; now each is an error at its place.
    @Test func documentsTooDeepOrWithTooManyFragmentsAreErrorsNotCrashes() throws {
        let deep = check.check("{ accounts {\n" + String(repeating: "accounts { ", count: 10_000) + "id" + String(repeating: " }", count: 10_002))
        let d = try #require(deep.first)
        #expect(deep.count == 1 && d.severity == .error)
        #expect(d.message.contains("more than 64 levels deep"), "\(d.message)")
        #expect(d.line == 2 && d.column == 62 * 11 + 10, "\(d)")
        let lists = check.check("{ accounts(first: " + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + ") { id } }")
        #expect(lists.first?.message.contains("more than 64 levels deep") == true, "\(lists)")
        var chain = "{ ...F0 }\n"
        for i in 0..<5_000 { chain += "fragment F\(i) on Query { ...F\(i + 1) }\n" }
        chain += "fragment F5000 on Query { accounts { id } }\n"
        let fragments = check.check(chain)
        #expect(fragments.first?.message.contains("more than 256 fragments") == true, "\(fragments.first.map(\.message) ?? "")")
        #expect(fragments.first?.line == 258)
        // Unclosed templates are not searched again from each "{{" (quadratic before),
        // and thousands of templates are masked and their placeholders' findings dropped.
        let unclosed = check.check("{ accounts(first: " + String(repeating: "{{", count: 100_000) + ") { id } }")
        #expect(unclosed.first?.severity == .error)
        let many = (0..<1_000).map { "a\($0): accounts(first: {{n\($0)}}) { id }" }.joined(separator: "\n")
        #expect(check.check("{\n\(many)\n}").isEmpty)
        // Braces in strings, block strings and comments do not count; 64 levels parse.
        let quoted = String(repeating: "{[(", count: 100)
        let ok = "# \(quoted)\nquery($s: Status = ACTIVE) { accounts(status: $s) { id @deprecated(reason: \"\(quoted)\") name } }"
        #expect(DocumentLimits.excessiveNesting(ok) == nil)
        #expect(DocumentLimits.excessiveNesting("\"\"\"\(quoted)\\\"\"\"\(quoted)\"\"\" { id }") == nil)
        #expect(DocumentLimits.excessiveNesting(String(repeating: "{", count: 64)) == nil)
        #expect(DocumentLimits.excessiveNesting(String(repeating: "{", count: 65)) != nil)
    }

    /// Found by fuzzing: GraphQLSwift's lexer read a `\u` escape's four digits past the
    /// end of the text and trapped.
    @Test func aStringEndingInsideAUnicodeEscapeIsASyntaxError() throws {
        for text in [#"{ accounts(status: "\u"#, #"{ accounts(status: "\u12"#, #"fragment F on "} } }agment\\\\\u"#] {
            let f = check.check(text)
            #expect(f.count == 1 && f.first?.message.contains("Unterminated string") == true, "\(text): \(f)")
        }
        // Four digits, or a line end before them, were never a problem.
        #expect(check.check(#"{ accounts(status: "\u00e9") { id } }"#).first?.message.contains("Unterminated") != true)
    }

    /// Found by fuzzing: identical operations made GraphQLSwift trap (it hashes them by
    /// identity and compares them by content); they are the specification's errors.
    @Test func operationsAndFragmentsDefinedTwiceAreErrorsNotTraps() {
        let ops = check.check(Array(repeating: "{ accounts { id } }", count: 64).joined(separator: "\n"))
        #expect(ops.count == 64 && ops.allSatisfy { $0.message == "This anonymous operation must be the only defined operation." }, "\(ops.prefix(2))")
        #expect(ops.last?.line == 64 && ops.last?.column == 1)
        let named = check.check("query A { accounts { id } }\nquery A { accounts { id } }")
        #expect(named.map(\.message) == [#"There can be only one operation named "A"."#] && named.first?.line == 2)
        let fragments = check.check("{ ...F }\nfragment F on Query { accounts { id } }\nfragment F on Query { accounts { id } }")
        #expect(fragments.map(\.message) == [#"There can be only one fragment named "F"."#] && fragments.first?.line == 3)
        // One anonymous operation beside a named one is left to GraphQLSwift's rule.
        #expect(check.check("{ accounts { id } }\nquery B { accounts { name } }").map(\.message) == ["This anonymous operation must be the only defined operation."])
    }

    @Test func unknownFieldIsAnErrorAtItsPositionWithASuggestion() throws {
        let f = check.check("{ accounts {\n  id\n  nam\n} }")
        #expect(f.count == 1)
        let e = try #require(f.first)
        #expect(e.severity == .error)
        #expect(e.message.contains("Cannot query field \"nam\" on type \"Account\""))
        #expect(e.message.contains("name"), "a suggestion: \(e.message)")
        #expect(e.line == 3 && e.column == 3)
    }

    @Test func missingRequiredArgumentAndWrongVariableType() {
        let missing = check.check("{ account { id } }")
        #expect(missing.contains { $0.message.contains("argument \"id\"") && $0.severity == .error }, "\(missing)")
        let wrongType = check.check("query($n: String) { accounts(first: $n) { id } }")
        #expect(wrongType.contains { $0.message.contains("\"$n\"") && $0.severity == .error }, "\(wrongType)")
        let unknownArgument = check.check("{ accounts(last: 1) { id } }")
        #expect(unknownArgument.contains { $0.message.contains("does not have argument \"last\"") }, "\(unknownArgument)")
    }

    @Test func deprecatedFieldsAreWarnings() {
        let f = check.check("{ accounts { id legacy_code } }")
        #expect(f.map(\.severity) == [.warning], "\(f)")
        #expect(f.first?.message.contains("Account.legacy_code is deprecated") == true)
    }

    @Test func templatesNeitherBreakParsingNorHideErrors() {
        // As a value, in a string, in a comment: clean.
        #expect(check.check("{ account(id: {{account_id}}) { id } }").isEmpty)
        #expect(check.check("{ accounts(status: ACTIVE) { id name } } # {{note}}").isEmpty)
        #expect(check.check(#"{ account(id: "{{account_id}}") { id } }"#).isEmpty)
        // An error after a template keeps its exact column.
        let f = check.check("{ account(id: {{account_id}}) { id nme } }")
        #expect(f.count == 1)
        #expect(f.first?.column == 36, "\(f)")
    }

    @Test func theMaskKeepsLengthAndLines() {
        let q = "query {\n  a(x: {{long_variable_name}}, y: \"{{s}}\") # {{c}}\n}"
        let m = TemplateMask(q)
        #expect(m.text.utf16.count == q.utf16.count)
        #expect(m.text.split(separator: "\n").count == 3)
        #expect(m.text.contains("$f0"))
        #expect(m.text.contains("\"xxxxx\""))
        #expect(!m.text.contains("{{"))
    }

    @Test func sdlThatDoesNotParseIsAClearError() {
        #expect(throws: SchemaError.self) { try SchemaCheck(sdl: "type Query {\n  a: \n}", file: "bad.graphql") }
        do {
            _ = try SchemaCheck(sdl: "type Query {\n  a: \n}", file: "bad.graphql")
        } catch {
            #expect(error.description.hasPrefix("bad.graphql:3:1: error: the schema does not parse as GraphQL SDL"), "\(error.description)")
        }
    }

    @Test func schemasThatAreNotValidAreRefusedWithTheirPosition() {
        let cases: [(String, String)] = [
            ("type Query { a: Int }\ntype Query { b: Int }\n", "x.graphql:2:6: error: type Query is defined more than once"),
            ("type Query {\n  a: Int\n  a: String\n}\n", "x.graphql:3:3: error: field Query.a is defined more than once"),
            ("type Query { a: E }\nenum E { X Y X }\n", "x.graphql:2:14: error: enum value E.X is defined more than once"),
            ("type Query { a: Missing }\n", "Unknown type"),
        ]
        for (sdl, expected) in cases {
            do {
                _ = try SchemaCheck(sdl: sdl, file: "x.graphql")
                Issue.record("accepted: \(sdl)")
            } catch {
                #expect(error.description.contains(expected), "\(error.description)")
            }
        }
    }

    @Test func positionsInsideAJSONStringMapToTheFile() throws {
        // "query" starts at line 2; \n and \" escapes shift the columns.
        let file = "{\n  \"graphql\": {\"query\": \"{ a\\n  \\\"b\\\" c }\"}\n}"
        let bytes = Array(file.utf8)
        let line2 = file.split(separator: "\n")[1]
        let quote = try #require(line2.range(of: "\"{ a"))
        let start = SourcePosition(line: 2, column: line2.distance(from: line2.startIndex, to: quote.lowerBound) + 1)
        let units = try #require(QueryPlace.stringMap(bytes, at: start))
        let query = "{ a\n  \"b\" c }"
        #expect(units.count == query.utf16.count)
        // "c" is on query line 2, column 7; in the file it sits after `{ a\n  \"b\" `.
        let lines = QueryPlace.lineStarts(query)
        let p = units[lines[1] + 6]
        #expect(p.line == 2)
        let lineText = Array(file.split(separator: "\n")[1])
        #expect(lineText[p.column - 1] == "c", "column \(p.column) in \(String(lineText))")
    }
}

/// `SchemaDiff`: every kind of change, classified as graphql-js classifies it.
@Suite struct SchemaDiffTests {
    static let old = """
        type Query { account(id: ID!): Account  accounts(first: Int = 10): [Account] }
        type Account { id: ID! name: String code: String }
        enum Status { ACTIVE INACTIVE }
        input Filter { name: String! limit: Int }
        union Thing = Account
        """
    static let new = """
        type Query { account(id: ID!, with: Boolean!): Account  accounts(first: Int = 20): [Account] }
        type Account { id: ID! name: String! extra: Int }
        enum Status { ACTIVE INACTIVE ARCHIVED }
        input Filter { name: String limit: Int!, more: String }
        union Thing = Account | Query
        type Added { x: Int }
        """

    @Test func everyChangeIsListedAndClassified() throws {
        let changes = try SchemaDiff.diff(old: Self.old, oldFile: "a", new: Self.new, newFile: "b")
        let listed = changes.map { "\($0.level.rawValue): \($0.message)" }
        #expect(listed == [
            "breaking: field Account.code was removed",
            "breaking: input field Filter.limit changed type from Int to Int!",
            "breaking: required argument Query.account(with:) was added",
            "dangerous: optional input field Filter.more was added",
            "dangerous: argument Query.accounts(first:) default changed from 10 to 20",
            "dangerous: enum value Status.ARCHIVED was added",
            "dangerous: Query was added to union Thing",
            "safe: field Account.extra was added",
            "safe: field Account.name changed type from String to String!",
            "safe: type Added was added",
            "safe: input field Filter.name changed type from String! to String",
        ], "\(listed)")
    }

    @Test func theReverseIsBreakingWhereTheForwardWasSafe() throws {
        let changes = try SchemaDiff.diff(old: Self.new, oldFile: "b", new: Self.old, newFile: "a")
        #expect(changes.contains { $0.level == .breaking && $0.message == "type Added was removed" })
        #expect(changes.contains { $0.level == .breaking && $0.message == "field Account.name changed type from String! to String" })
        #expect(changes.contains { $0.level == .breaking && $0.message == "enum value Status.ARCHIVED was removed" })
        #expect(changes.contains { $0.level == .breaking && $0.message == "Query was removed from union Thing" })
    }

    @Test func identicalSchemasHaveNoChangesAndBadSDLIsAnError() throws {
        #expect(try SchemaDiff.diff(old: Self.old, oldFile: "a", new: Self.old, newFile: "a").isEmpty)
        #expect(throws: SchemaError.self) { try SchemaDiff.diff(old: Self.old, oldFile: "a", new: "type {", newFile: "bad.graphql") }
    }
}
