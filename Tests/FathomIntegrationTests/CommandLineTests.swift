import Foundation
import Testing

/// Exit statuses, messages and reports, through the real binary.
@Suite struct CommandLineTests {
    func collection(_ d: TempDir, _ extra: String = "") {
        d.write("collection.json", #"{"fathom": 1, "name": "CLI test", "variables": {"instance": "http://127.0.0.1:8484"}\#(extra)}"#)
    }

    @Test func passingRunExitsZero() async throws {
        let d = TempDir()
        collection(d)
        d.write("a.json", #"{"url": "{{instance}}/get", "assert": [{"status": 200}]}"#)
        let r = try await runFathom(["run", d.path, "--mock", "--reporter", "console"])
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stdout.contains("GET"))
        #expect(r.stdout.contains("/get"))
    }

    @Test func failedAssertionExitsOneAndShowsExpectedAndActual() async throws {
        let d = TempDir()
        collection(d)
        d.write("a.json", #"{"url": "{{instance}}/status/404", "assert": [{"status": 200}]}"#)
        let r = try await runFathom(["run", d.path, "--mock", "--reporter", "console"])
        #expect(r.status == 1, "\(r.output)")
        #expect(r.stdout.contains("200"))
        #expect(r.stdout.contains("404"))
    }

    @Test func errorExitsThreeAndTakesPrecedence() async throws {
        let d = TempDir()
        collection(d)
        d.write("1-fail.json", #"{"url": "{{instance}}/status/500", "assert": [{"status": 200}]}"#)
        // Port 9 (discard) on loopback: nothing listens, the connection is refused.
        d.write("2-refused.json", #"{"url": "http://127.0.0.1:9/", "options": {"connect_timeout_ms": 2000}}"#)
        d.write("3-after.json", #"{"url": "{{instance}}/get", "assert": [{"status": 200}]}"#)
        let r = try await runFathom(["run", d.path, "--mock", "--reporter", "console"])
        #expect(r.status == 3, "\(r.output)")
        #expect(r.stdout.contains("connect"), "\(r.stdout)")
        // The run continued after the error.
        #expect(r.stdout.contains("/get"))
    }

    @Test func unresolvedVariableIsAnErrorAndTheRunContinues() async throws {
        let d = TempDir()
        collection(d)
        let f = d.write("1-bad.json", "{\n  \"url\": \"{{instance}}/get\",\n  \"headers\": {\"X-Key\": \"{{api_key}}\"}\n}")
        d.write("2-good.json", #"{"url": "{{instance}}/get", "assert": [{"status": 200}]}"#)
        let r = try await runFathom(["run", d.path, "--mock", "--reporter", "console"])
        #expect(r.status == 3, "\(r.output)")
        #expect(r.output.contains("\(f):3:15: unresolved variable 'api_key' in headers.X-Key"), "\(r.output)")
        #expect(r.stdout.contains("1 passed") || r.stdout.contains("2-good") || r.stdout.contains("good"))
    }

    @Test func malformedCollectionExitsTwoWithPositionAndSendsNothing() async throws {
        let d = TempDir()
        collection(d)
        let f = d.write("a.json", "{\n  \"url\": \"{{instance}}/get\",\n  \"assert\": [{\"path\": \"$.a\", \"equal\": 1}]\n}")
        let r = try await runFathom(["run", d.path, "--mock"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(f):3:30: error: unknown predicate 'equal' (did you mean 'equals'?)"), "\(r.stderr)")
        #expect(!r.stdout.contains("GET"))
    }

    @Test func badCommandLineExitsTwo() async throws {
        #expect(try await runFathom(["run"]).status == 2)
        #expect(try await runFathom(["run", "collections/examples/01-basics", "--reporter", "nope"]).status == 2)
        #expect(try await runFathom(["run", "collections/examples/01-basics", "--var", "novalue"]).status == 2)
        #expect(try await runFathom(["run", "/nonexistent/collection"]).status == 2)
        #expect(try await runFathom(["frobnicate"]).status == 2)
        #expect(try await runFathom(["--help"]).status == 0)
    }

    @Test func varAndTagAndFolderFilters() async throws {
        let d = TempDir()
        collection(d)
        d.write("f1/a.json", #"{"url": "{{instance}}/get", "query": {"v": "{{v}}"}, "tags": ["smoke"], "assert": [{"path": "$.args.v", "equals": "7"}]}"#)
        d.write("f2/b.json", #"{"url": "{{instance}}/status/500", "assert": [{"status": 200}]}"#)
        var r = try await runFathom(["run", d.path, "--mock", "--var", "v=7", "--tag", "smoke", "--reporter", "console"])
        #expect(r.status == 0, "\(r.output)")
        r = try await runFathom(["run", d.path, "--mock", "--var", "v=7", "--folder", "f1", "--reporter", "console"])
        #expect(r.status == 0, "\(r.output)")
        r = try await runFathom(["run", d.path, "--mock", "--var", "v=7", "--exclude-tag", "smoke", "--reporter", "console"])
        #expect(r.status == 1, "\(r.output)")
        r = try await runFathom(["run", d.path, "--mock", "--var", "v=7", "--tag", "nothing-has-this"])
        #expect(r.status == 2)
    }

    @Test func bailStopsAfterTheFirstFailure() async throws {
        let d = TempDir()
        collection(d)
        d.write("1.json", #"{"url": "{{instance}}/status/500", "assert": [{"status": 200}]}"#)
        d.write("2.json", #"{"url": "{{instance}}/get?second=1", "assert": [{"status": 200}]}"#)
        let r = try await runFathom(["run", d.path, "--mock", "--bail", "--reporter", "console"])
        #expect(r.status == 1)
        #expect(!r.stdout.contains("second=1"), "\(r.stdout)")
    }

    @Test func timeoutIsAnError() async throws {
        let d = TempDir()
        collection(d)
        d.write("a.json", #"{"url": "{{instance}}/delay/3", "options": {"timeout_ms": 300}}"#)
        let r = try await runFathom(["run", d.path, "--mock", "--reporter", "console"])
        #expect(r.status == 3, "\(r.output)")
        #expect(r.stdout.lowercased().contains("timed out"), "\(r.stdout)")
        let r2 = try await runFathom(["run", d.path, "--mock", "--reporter", "console", "--timeout", "200"])
        #expect(r2.status == 3)
    }

    @Test func queryCommand() async throws {
        let doc = #"{"store": {"book": [{"price": 8}, {"price": 12}]}}"#
        var r = try await runFathom(["query", "$.store.book[?@.price > 10].price"], stdin: doc)
        #expect(r.status == 0)
        #expect(r.stdout.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\n", with: "") == "[12]")
        r = try await runFathom(["query", "$.store[", "-"], stdin: doc)
        #expect(r.status == 2)
        r = try await runFathom(["query", "$.store.book["], stdin: doc)
        #expect(r.status == 2)
        #expect(r.stderr.contains("column"), "\(r.stderr)")
        r = try await runFathom(["query", "$"], stdin: "{not json")
        #expect(r.status == 2)
        #expect(r.stderr.contains("<stdin>:1:2"), "\(r.stderr)")
        let d = TempDir()
        let f = d.write("doc.json", doc)
        r = try await runFathom(["query", "$..price", f])
        #expect(r.status == 0)
        #expect(r.stdout.contains("8") && r.stdout.contains("12"))
    }

    @Test func validateCommand() async throws {
        #expect(try await runFathom(["validate", "collections/examples/06-assertions"]).status == 0)
        let d = TempDir()
        collection(d)
        d.write("a.json", #"{"url": 1}"#)
        #expect(try await runFathom(["validate", d.path]).status == 2)
    }

    @Test func closedStdoutDoesNotCrashTheRun() async throws {
        // `fathom run ... | head -1`: the pipe closes after one line; the run must finish normally.
        let script = "\"$0\" run collections/examples/02-bodies --mock --reporter console | head -1 >/dev/null; exit ${PIPESTATUS[0]}"
        let (status, out) = try await withCheckedThrowingContinuation { c in
            DispatchQueue.global().async {
                c.resume(with: Result { try shell("/usr/bin/bash", ["-c", script, fathomBinary]) })
            }
        }
        #expect(status == 0, "\(out)")
        #expect(!out.contains("Fatal error"), "\(out)")
    }

    @Test func headerValuesCannotInjectLines() async throws {
        let d = TempDir()
        collection(d)
        d.write("a.json", #"{"url": "{{instance}}/headers", "headers": {"X-Value": "{{v}}"}}"#)
        let r = try await runFathom(["run", d.path, "--mock", "--reporter", "console", "--var", "v=a\r\nX-Injected: 1"])
        #expect(r.status == 3, "\(r.output)")
        #expect(r.stdout.contains("line break"), "\(r.stdout)")
    }

    @Test func unwritableReportsDirectoryIsAClearError() async throws {
        let d = TempDir()
        let blocker = d.write("not-a-directory", "a file where the reports directory should go")
        let r = try await runFathom(["run", "collections/examples/01-basics", "--mock", "--reporter", "console,junit", "--reports-dir", blocker + "/reports"])
        #expect(r.status == 2, "\(r.output)")
        #expect(r.stderr.contains("cannot write the report \(blocker)/reports/example-basics.junit.xml"), "\(r.stderr)")
        #expect(!r.stderr.contains("NSCocoaErrorDomain"))
    }

    @Test func varTypingKeepsWhatWasTyped() async throws {
        let d = TempDir()
        collection(d)
        d.write("a.json", """
            {"url": "{{instance}}/post", "json": {"n": "{{n}}", "v": "{{v}}", "b": "{{b}}", "z": "{{z}}"},
             "assert": [{"path": "$.json.n", "equals": 25}, {"path": "$.json.n", "type": "integer"},
                        {"path": "$.json.v", "equals": "1.10"}, {"path": "$.json.b", "equals": true},
                        {"path": "$.json.z", "equals": "007"}]}
            """)
        let r = try await runFathom(["run", d.path, "--mock", "--reporter", "console", "--var", "n=25", "--var", "v=1.10", "--var", "b=true", "--var", "z=007"])
        #expect(r.status == 0, "\(r.output)")
    }
}
