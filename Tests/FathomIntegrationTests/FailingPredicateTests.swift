import Foundation
import Testing

/// Every predicate failing through the real path: each assertion below must
/// fail, and the report must say so with expected and actual values.
@Suite struct FailingPredicateTests {
    static let failing: [String] = [
        #"{"status": 201}"#,
        #"{"status": {"one_of": [201, 202]}}"#,
        #"{"duration_ms": {"lt": 0}}"#,
        #"{"size_bytes": {"lt": 1}}"#,
        #"{"body": {"contains": "no-such-text"}}"#,
        #"{"path": "$.json.name", "equals": "Bob"}"#,
        #"{"path": "$.json.name", "not_equals": "Ada"}"#,
        #"{"path": "$.json.n", "gt": 3}"#,
        #"{"path": "$.json.n", "gte": 4}"#,
        #"{"path": "$.json.n", "lt": 3}"#,
        #"{"path": "$.json.n", "lte": 2}"#,
        #"{"path": "$.json.when", "gt": "2030-01-01T00:00:00Z"}"#,
        #"{"path": "$.json.tags", "contains": "zzz"}"#,
        #"{"path": "$.json.name", "not_contains": "Ad"}"#,
        #"{"path": "$.json.name", "starts_with": "x"}"#,
        #"{"path": "$.json.name", "ends_with": "x"}"#,
        #"{"path": "$.json.name", "matches": "^B"}"#,
        #"{"path": "$.json.name", "not_matches": "^A"}"#,
        #"{"path": "$.json.name", "exists": false}"#,
        #"{"path": "$.json.missing", "exists": true}"#,
        #"{"path": "$.json.missing"}"#,
        #"{"path": "$.json.name", "type": "number"}"#,
        #"{"path": "$.json.name", "format": "email"}"#,
        #"{"path": "$.json.tags", "length": 5}"#,
        #"{"path": "$.json.tags", "length": {"gt": 5}}"#,
        #"{"path": "$.json.name", "one_of": ["Bob", "Eve"]}"#,
        #"{"path": "$.json.tags", "empty": true}"#,
        #"{"header": "Content-Type", "contains": "xml"}"#,
        #"{"header": "X-Nope", "exists": true}"#,
        #"{"cookie": "none", "exists": true}"#,
        #"{"xpath": "//a", "exists": true}"#,
    ]

    @Test func everyPredicateCanFail() async throws {
        let d = TempDir()
        d.write("collection.json", #"{"fathom": 1, "name": "Failing", "variables": {"instance": "http://127.0.0.1:8484"}}"#)
        d.write("a.json", """
            {"url": "{{instance}}/post", "json": {"name": "Ada", "n": 3, "when": "2025-01-01T00:00:00Z", "tags": ["x", "y"]},
             "assert": [\(Self.failing.joined(separator: ",\n"))]}
            """)
        let reports = TempDir()
        let r = try await runFathom(["run", d.path, "--mock", "--reporter", "console,junit", "--reports-dir", reports.path])
        #expect(r.status == 1, "\(r.output)")
        #expect(r.stdout.contains("0 passed · \(Self.failing.count) failed"), "\(r.stdout)")
        let junit = try #require(reports.read("failing.junit.xml"))
        #expect(junit.components(separatedBy: "<failure").count - 1 == Self.failing.count)
        #expect(junit.contains("actual:"))
    }

    @Test func bodyThatIsNotJSONFailsPathAssertionsClearly() async throws {
        let d = TempDir()
        d.write("collection.json", #"{"fathom": 1, "name": "NotJSON", "variables": {"instance": "http://127.0.0.1:8484"}}"#)
        d.write("a.json", #"{"url": "{{instance}}/xml", "assert": [{"path": "$.a", "exists": false}]}"#)
        let r = try await runFathom(["run", d.path, "--mock", "--reporter", "console"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("not JSON"), "\(r.stdout)")
    }

    @Test func graphQLErrorsFailUnlessAllowed() async throws {
        // openssl s_server -WWW serves files from its directory: here a GraphQL error response.
        let server = try TLSServer(serveFiles: true)
        server.dir.write("errors.json", #"{"data": null, "errors": [{"message": "Cannot query field 'nope' on type 'Query'."}]}"#)
        let d = TempDir()
        d.write("collection.json", #"{"fathom": 1, "name": "GQL", "options": {"insecure": true}}"#)
        let query = #""graphql": {"query": "{ nope }"}"#
        d.write("1-fails.json", #"{"method": "GET", "url": "https://127.0.0.1:\#(server.port)/errors.json", \#(query), "assert": [{"status": 200}]}"#)
        var r = try await runFathom(["run", d.path, "--reporter", "console"])
        #expect(r.status == 1, "\(r.output)")
        #expect(r.stdout.contains("Cannot query field"), "\(r.stdout)")
        d.write("1-fails.json", #"{"method": "GET", "url": "https://127.0.0.1:\#(server.port)/errors.json", \#(query), "options": {"graphql_errors": "allow"}, "assert": [{"status": 200}]}"#)
        r = try await runFathom(["run", d.path, "--reporter", "console"])
        #expect(r.status == 0, "\(r.output)")
    }
}
