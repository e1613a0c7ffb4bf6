import Foundation
import Testing

/// `fathom check` over real collections and the real Sonar schema (5 MB of SDL).
/// Serialized, and with as few runs over the big schema as the checks need: each
/// takes seconds of CPU in a debug build, and the timing tests elsewhere share the cores.
@Suite(.serialized) struct CheckTests {
    static let schema = repoRoot + "/../shared/sonar/schema.graphql"

    /// The schema with one field of one type removed (with its one-line description).
    static func schema(removing field: String, from type: String) throws -> String {
        try schema(from: try String(contentsOfFile: schema, encoding: .utf8), removing: field, from: type)
    }

    static func schema(from text: String, removing field: String, from type: String) throws -> String {
        var lines = text.components(separatedBy: "\n")
        guard let typeLine = lines.firstIndex(where: { $0.hasPrefix("type \(type) ") }) else { throw CheckTestError.notFound(type) }
        guard let fieldLine = lines[typeLine...].firstIndex(where: {
            let t = $0.trimmingCharacters(in: .whitespaces)
            return t.hasPrefix(field + ":") || t.hasPrefix(field + "(")
        }) else { throw CheckTestError.notFound(field) }
        lines.remove(at: fieldLine)
        let previous = lines[fieldLine - 1].trimmingCharacters(in: .whitespaces)
        if previous.hasPrefix("\"\"\"") && previous.hasSuffix("\"\"\"") && previous.count > 6 {
            lines.remove(at: fieldLine - 1)
        } else if previous == "\"\"\"" {
            var k = fieldLine - 2
            while k > typeLine, lines[k].trimmingCharacters(in: .whitespaces) != "\"\"\"" { k -= 1 }
            lines.removeSubrange(k...(fieldLine - 1))
        }
        return lines.joined(separator: "\n")
    }
    enum CheckTestError: Error { case notFound(String) }

    /// Line and column (1-based) of `needle` in a file.
    static func position(of needle: String, in path: String) throws -> (Int, Int) {
        let lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        for (n, l) in lines.enumerated() {
            if let r = l.range(of: needle) { return (n + 1, l.distance(from: l.startIndex, to: r.lowerBound) + 1) }
        }
        throw CheckTestError.notFound(needle)
    }

    @Test func sonarSmokeIsCleanAgainstTheRealSchema() async throws {
        let r = try await runFathom(["check", "collections/sonar-smoke", "--schema", Self.schema])
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stdout.contains("32 operation(s) checked"), "\(r.stdout)")
        #expect(r.stdout.contains(" 0 error(s)"))
        // The negative test (it allows GraphQL errors) is a note, not an error.
        #expect(r.stdout.contains("03-invalid-query.json:4:50: note: Cannot query field \"no_such_field\""), "\(r.stdout)")
    }

    /// Fields removed from a copy of the schema: errors at their exact line and column,
    /// in the request file's JSON string and in a `.graphql` sidecar; the reports agree.
    @Test func removedFieldsAreErrorsAtTheirLineAndColumn() async throws {
        let d = TempDir()
        let once = try Self.schema(removing: "account_status_id", from: "Account")
        let modified = d.write("schema.graphql", try Self.schema(from: once, removing: "serviceable", from: "Address"))
        let r = try await runFathom(["check", "collections/sonar-smoke", "--schema", modified, "-r", "console,json,junit", "--reports-dir", d.path])
        #expect(r.status == 1, "\(r.output)")
        let file = "collections/sonar-smoke/03-accounts/01-first-page.json"
        let (line, column) = try Self.position(of: "account_status_id", in: repoRoot + "/" + file)
        #expect(r.stdout.contains("\(file):\(line):\(column): error: Cannot query field \"account_status_id\" on type \"Account\"."), "\(r.stdout)")
        let sidecar = repoRoot + "/collections/sonar-smoke/03-accounts/account-relations.graphql"
        let (sLine, sColumn) = try Self.position(of: "serviceable", in: sidecar)
        #expect(r.stdout.contains("account-relations.graphql:\(sLine):\(sColumn): error: Cannot query field \"serviceable\" on type \"Address\"."), "\(r.stdout)")
        // The JSON report says the same.
        let json = try String(contentsOfFile: d.path + "/sonar-smoke-test.check.json", encoding: .utf8)
        #expect(json.contains("\"location\": \"\(file):\(line):\(column)\""), "\(json)")
        let errorLines = r.stdout.split(separator: "\n").filter { $0.contains(": error: ") }.count
        #expect(errorLines == 4, "\(r.stdout)")
        #expect(json.contains("\"errors\": 4"), "\(json)")
        // JUnit: one testcase per operation, the three that use the fields failing; valid against the XSD.
        let junitPath = d.path + "/sonar-smoke-test.check.junit.xml"
        let junit = try String(contentsOfFile: junitPath, encoding: .utf8)
        #expect(junit.components(separatedBy: "<testcase ").count - 1 == 32)
        // 01-first-page and 04-by-status use account_status_id; 08-relations (the sidecar) and 04-records/03-addresses use serviceable.
        #expect(junit.contains("tests=\"32\" failures=\"4\""), "\(junit)")
        #expect(junit.contains("type=\"SchemaError\""))
        let xsd = "\(repoRoot)/../shared/corpus/junit/jenkinsci__xunit-plugin__junit-10.xsd"
        let (status, out) = try shell("/usr/bin/xmllint", ["--noout", "--schema", xsd, junitPath])
        #expect(status == 0, "xmllint: \(out)")
    }

    @Test func postmanGraphQLBodiesAreChecked() async throws {
        let r = try await runFathom(["check", "collections/postman/sonar.postman_collection.json", "--schema", Self.schema])
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stdout.contains("operation(s) checked"), "\(r.stdout)")
        #expect(!r.stdout.contains("0 operation(s)"))
    }

    @Test func badInputExitsTwo() async throws {
        let d = TempDir()
        let bad = d.write("bad.graphql", "type Query {\n  a:\n}\n")
        let r = try await runFathom(["check", "collections/sonar-smoke", "--schema", bad])
        #expect(r.status == 2)
        #expect(r.stderr.contains("bad.graphql:3:1: error: the schema does not parse as GraphQL SDL"), "\(r.stderr)")
        let missing = try await runFathom(["check", "collections/sonar-smoke", "--schema", d.path + "/nope.graphql"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read the schema file"))
        let reporter = try await runFathom(["check", "collections/sonar-smoke", "--schema", Self.schema, "-r", "html"])
        #expect(reporter.status == 2)
        #expect(reporter.stderr.contains("unknown reporter 'html'"))
    }

    /// `fathom schema diff` between the real schema and a copy with known modifications
    /// lists exactly those modifications.
    @Test func schemaDiffListsExactlyTheModifications() async throws {
        let d = TempDir()
        var modified = try Self.schema(removing: "account_status_id", from: "Account")
        // Add an enum value to the first enum, and a type.
        let lines = modified.components(separatedBy: "\n")
        let enumLine = try #require(lines.firstIndex { $0.hasPrefix("enum ") && $0.hasSuffix("{") })
        let enumName = String(lines[enumLine].dropFirst(5).dropLast(2))
        var edited = lines
        edited.insert("  FATHOM_ADDED_VALUE", at: enumLine + 1)
        edited.append("type FathomAddedType {\n  x: Int\n}")
        modified = edited.joined(separator: "\n")
        let path = d.write("new.graphql", modified)
        let r = try await runFathom(["schema", "diff", Self.schema, path])
        #expect(r.status == 1, "\(r.output)")
        let listed = r.stdout.split(separator: "\n").dropLast().map(String.init)
        #expect(listed == [
            "BREAKING  field Account.account_status_id was removed",
            "DANGEROUS enum value \(enumName).FATHOM_ADDED_VALUE was added",
            "safe      type FathomAddedType was added",
        ], "\(r.stdout)")
        #expect(r.stdout.hasSuffix("1 breaking, 1 dangerous, 1 safe change(s) from \(Self.schema) to \(path)\n"))
        // --json, identical schemas and bad input, on small files.
        let small = d.write("a.graphql", "type Query { a: Int b: String }\n")
        let smaller = d.write("b.graphql", "type Query { a: Int }\n")
        let json = try await runFathom(["schema", "diff", small, smaller, "--json"])
        #expect(json.status == 1)
        #expect(json.stdout.contains("\"breaking\": 1"), "\(json.stdout)")
        #expect(json.stdout.contains("\"message\": \"field Query.b was removed\""), "\(json.stdout)")
        let same = try await runFathom(["schema", "diff", small, small])
        #expect(same.status == 0)
        #expect(same.stdout.hasPrefix("0 breaking, 0 dangerous, 0 safe"), "\(same.stdout)")
        let bad = try await runFathom(["schema", "diff", small, d.write("bad.graphql", "type {\n")])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("bad.graphql:1:6: error: the schema does not parse as GraphQL SDL"), "\(bad.stderr)")
    }

    /// `--collection` keeps only the changes that touch what the collection's operations use.
    @Test func schemaDiffNarrowedToTheCollection() async throws {
        let d = TempDir()
        // account_status_id is used by sonar-smoke; activation_date is not.
        let once = try Self.schema(removing: "account_status_id", from: "Account")
        let path = d.write("new.graphql", try Self.schema(from: once, removing: "activation_date", from: "Account"))
        let narrowed = try await runFathom(["schema", "diff", Self.schema, path, "--collection", "collections/sonar-smoke"])
        #expect(narrowed.status == 1, "\(narrowed.output)")
        #expect(narrowed.stdout.contains("BREAKING  field Account.account_status_id was removed"), "\(narrowed.stdout)")
        #expect(!narrowed.stdout.contains("activation_date"), "\(narrowed.stdout)")
        #expect(narrowed.stdout.contains("1 breaking, 0 dangerous, 0 safe change(s)"), "\(narrowed.stdout)")
    }
}
