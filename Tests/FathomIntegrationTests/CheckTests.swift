import Foundation
import Testing

/// `fathom check` over real collections and the real Sonar schema (5 MB of SDL).
@Suite struct CheckTests {
    static let schema = repoRoot + "/../shared/sonar/schema.graphql"

    /// The schema with one field of one type removed (with its one-line description).
    static func schema(removing field: String, from type: String) throws -> String {
        var lines = try String(contentsOfFile: schema, encoding: .utf8).components(separatedBy: "\n")
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

    @Test func aRemovedFieldIsAnErrorAtItsLineAndColumnInTheRequestFile() async throws {
        let d = TempDir()
        let modified = d.write("schema.graphql", try Self.schema(removing: "account_status_id", from: "Account"))
        let r = try await runFathom(["check", "collections/sonar-smoke", "--schema", modified, "-r", "console,json,junit", "--reports-dir", d.path])
        #expect(r.status == 1, "\(r.output)")
        let file = "collections/sonar-smoke/03-accounts/01-first-page.json"
        let (line, column) = try Self.position(of: "account_status_id", in: repoRoot + "/" + file)
        #expect(r.stdout.contains("\(file):\(line):\(column): error: Cannot query field \"account_status_id\" on type \"Account\"."), "\(r.stdout)")
        // The JSON report says the same.
        let json = try String(contentsOfFile: d.path + "/sonar-smoke-test.check.json", encoding: .utf8)
        #expect(json.contains("\"location\": \"\(file):\(line):\(column)\""), "\(json)")
        #expect(json.contains("\"errors\": "))
        // JUnit: one testcase per operation, the one that uses the field failing; valid against the XSD.
        let junitPath = d.path + "/sonar-smoke-test.check.junit.xml"
        let junit = try String(contentsOfFile: junitPath, encoding: .utf8)
        #expect(junit.components(separatedBy: "<testcase ").count - 1 == 32)
        // 01-first-page and 04-by-status use the field.
        #expect(junit.contains("tests=\"32\" failures=\"2\""), "\(junit)")
        #expect(junit.contains("type=\"SchemaError\""))
        let xsd = "\(repoRoot)/../shared/corpus/junit/jenkinsci__xunit-plugin__junit-10.xsd"
        let (status, out) = try shell("/usr/bin/xmllint", ["--noout", "--schema", xsd, junitPath])
        #expect(status == 0, "xmllint: \(out)")
    }

    @Test func aRemovedFieldInASidecarIsAnErrorInTheGraphQLFile() async throws {
        let d = TempDir()
        let modified = d.write("schema.graphql", try Self.schema(removing: "serviceable", from: "Address"))
        let r = try await runFathom(["check", "collections/sonar-smoke", "--schema", modified])
        #expect(r.status == 1, "\(r.output)")
        let sidecar = repoRoot + "/collections/sonar-smoke/03-accounts/account-relations.graphql"
        let (line, column) = try Self.position(of: "serviceable", in: sidecar)
        #expect(r.stdout.contains("account-relations.graphql:\(line):\(column): error: Cannot query field \"serviceable\" on type \"Address\"."), "\(r.stdout)")
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
}
