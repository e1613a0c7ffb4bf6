import Foundation
import Testing

/// `fathom schema pull` and `fathom check --introspect` against the embedded instance
/// on loopback: the standard introspection query goes where the collection sends
/// GraphQL, with its bearer token, through libcurl.
@Suite struct IntrospectTests {
    @Test func pullSavesTheInstanceSchemaAndCheckUsesIt() async throws {
        let d = TempDir()
        let out = d.path + "/sonar.graphql"
        let pull = try await runFathom(["schema", "pull", "collections/sonar-smoke", "--mock", "--out", out])
        #expect(pull.status == 0, "\(pull.output)")
        #expect(pull.stderr.contains("saved the schema of http://127.0.0.1:"), "\(pull.stderr)")
        let sdl = try String(contentsOfFile: out, encoding: .utf8)
        #expect(sdl.contains("type Account implements"))
        #expect(sdl.contains("type Query {"))
        #expect(!sdl.contains("__Schema"))

        // The saved file is a schema fathom reads: the collection checks clean against it.
        let saved = try await runFathom(["check", "collections/sonar-smoke", "--schema", out])
        #expect(saved.status == 0, "\(saved.output)")
        #expect(saved.stdout.contains("32 operation(s) checked against \(out): 0 error(s)"), "\(saved.stdout)")

        // --introspect checks against the live schema, with the same findings.
        let live = try await runFathom(["check", "collections/sonar-smoke", "--introspect", "--mock"])
        #expect(live.status == 0, "\(live.output)")
        #expect(live.stdout.contains("32 operation(s) checked against http://127.0.0.1:"), "\(live.stdout)")
        #expect(live.stdout.contains("03-invalid-query.json:4:50: note: Cannot query field \"no_such_field\""), "\(live.stdout)")

        // Without --out the SDL goes to standard output, byte for byte what was saved.
        let stdout = try await runFathom(["schema", "pull", "collections/sonar-smoke", "--mock"])
        #expect(stdout.status == 0)
        #expect(stdout.stdout == sdl)
    }

    @Test func aPostmanCollectionIsIntrospectedWithItsOwnRequestsAuth() async throws {
        let r = try await runFathom(["check", "collections/postman/sonar.postman_collection.json", "--introspect", "--mock"])
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stdout.contains("checked against http://127.0.0.1:"), "\(r.stdout)")
    }

    @Test func aRefusedTokenIsExitTwoAndNeverPrinted() async throws {
        let r = try await runFathom(["schema", "pull", "collections/sonar-smoke", "--mock", "--secret", "token=wrong-token-7f3a9c"])
        #expect(r.status == 2, "\(r.output)")
        #expect(r.stderr.contains("answered the introspection query with HTTP 401"), "\(r.stderr)")
        #expect(r.stderr.contains("the token was refused"))
        #expect(!r.output.contains("wrong-token-7f3a9c"))
    }

    @Test func anAnswerThatIsNotAnIntrospectionResultIsExitTwo() async throws {
        // The echo route answers JSON that has no data.__schema.
        let d = TempDir()
        d.write("c/collection.json", #"{"fathom": 1, "name": "echo", "graphql_endpoint": "{{instance}}/post"}"#)
        d.write("c/q.json", #"{"graphql": {"query": "{ me { id } }"}}"#)
        let out = d.write("kept.graphql", "type Query { kept: Int }\n")
        let r = try await runFathom(["schema", "pull", d.path + "/c", "--mock", "--out", out])
        #expect(r.status == 2, "\(r.output)")
        #expect(r.stderr.contains("the response is not an introspection result: it has no data.__schema"), "\(r.stderr)")
        // The file it would have replaced is untouched.
        #expect(d.read("kept.graphql") == "type Query { kept: Int }\n")
    }

    @Test func anUnreachableInstanceIsExitThree() async throws {
        let r = try await runFathom(["schema", "pull", "collections/sonar-smoke", "--var", "instance=http://127.0.0.1:1", "--secret", "token=x"])
        #expect(r.status == 3, "\(r.output)")
        #expect(r.stderr.contains("the introspection query could not be completed"), "\(r.stderr)")
    }

    @Test func badCommandLinesAreExitTwo() async throws {
        let neither = try await runFathom(["check", "collections/sonar-smoke"])
        #expect(neither.status == 2)
        #expect(neither.stderr.contains("give the schema: --schema FILE.graphql, or --introspect"), "\(neither.stderr)")
        let both = try await runFathom(["check", "collections/sonar-smoke", "--introspect", "--schema", "x.graphql"])
        #expect(both.status == 2)
        #expect(both.stderr.contains("not both"))
        let d = TempDir()
        d.write("c/collection.json", #"{"fathom": 1, "name": "rest only"}"#)
        d.write("c/get.json", #"{"url": "http://127.0.0.1:1/"}"#)
        let rest = try await runFathom(["schema", "pull", d.path + "/c"])
        #expect(rest.status == 2)
        #expect(rest.stderr.contains("no GraphQL request and no \"graphql_endpoint\""), "\(rest.stderr)")
        let unwritable = try await runFathom(["schema", "pull", "collections/sonar-smoke", "--mock", "--out", "/proc/no/such.graphql"])
        #expect(unwritable.status == 2)
        #expect(unwritable.stderr.contains("cannot write /proc/no/such.graphql"), "\(unwritable.stderr)")
    }
}
