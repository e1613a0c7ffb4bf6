import FathomCore
import FathomReports
import FathomXML
import Foundation
import Testing

@Suite struct JUnitReporterTests {
    /// Runs the fixture events through a reporter writing to `path`.
    func write(_ events: [RunEvent], to path: String) throws {
        let reporter = JUnitReporter(outputPath: path, hostname: "ci-host")
        for e in events { reporter.handle(e) }
        try reporter.finish()
    }

    func xpath(_ expression: String, _ xml: [UInt8]) throws -> XPathResult {
        try XPathEvaluator.evaluate(expression, onXML: xml, isHTML: false)
    }

    @Test func validatesAgainstTheJenkinsXSD() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The directory does not exist yet: the reporter creates it.
        let path = dir.appendingPathComponent("nested/deeper/junit.xml").path
        try write(Fixtures.events, to: path)

        let xsd = Fixtures.junitXSD()
        #expect(FileManager.default.fileExists(atPath: xsd), "missing XSD at \(xsd)")
        guard let (status, output) = try Fixtures.run("xmllint", ["--noout", "--schema", xsd, path]) else {
            Issue.record("xmllint is not installed (apt-get install libxml2-utils); the JUnit report cannot be validated")
            return
        }
        #expect(status == 0, "xmllint rejected the report:\n\(output)")
        #expect(output.contains("validates"))

        // And an empty run and an all-green run validate too.
        for (n, events) in [[RunEvent.runFinished(RunSummary(collectionName: "Empty", results: [], durationMs: 0))], Fixtures.greenEvents].enumerated() {
            let other = dir.appendingPathComponent("other-\(n).xml").path
            try write(events, to: other)
            let result = try Fixtures.run("xmllint", ["--noout", "--schema", xsd, other])
            #expect(result?.status == 0, "xmllint rejected \(other):\n\(result?.output ?? "")")
        }
    }

    @Test func countsAndAttributes() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("junit.xml").path
        try write(Fixtures.events, to: path)
        let xml = Array(try Data(contentsOf: URL(fileURLWithPath: path)))

        #expect(try xpath("string(/testsuites/@name)", xml) == .string(Fixtures.collection))
        // 2 explicit assertions + (2 explicit + 1 failed implicit) + 1 error + 1 skipped.
        #expect(try xpath("string(/testsuites/@tests)", xml) == .string("7"))
        #expect(try xpath("string(/testsuites/@failures)", xml) == .string("2"))
        #expect(try xpath("string(/testsuites/@errors)", xml) == .string("1"))
        #expect(try xpath("string(/testsuites/@time)", xml) == .string("0.012"))
        #expect(try xpath("count(/testsuites/testsuite)", xml) == .number(4))
        #expect(try xpath("count(//testcase)", xml) == .number(7))
        #expect(try xpath("/testsuites/testsuite/@name", xml) == .nodeSet([
            "auth / Get me", "users / Create <user> & \"friends\" 'x'", "Broken\\u0007bell", "Later",
        ]))
        #expect(try xpath("/testsuites/testsuite/@tests", xml) == .nodeSet(["2", "3", "1", "1"]))
        #expect(try xpath("/testsuites/testsuite/@failures", xml) == .nodeSet(["0", "2", "0", "0"]))
        #expect(try xpath("/testsuites/testsuite/@errors", xml) == .nodeSet(["0", "0", "1", "0"]))
        #expect(try xpath("/testsuites/testsuite/@skipped", xml) == .nodeSet(["0", "0", "0", "1"]))
        #expect(try xpath("/testsuites/testsuite/@time", xml) == .nodeSet(["0.004", "0.003", "0.001", "0.000"]))
        #expect(try xpath("/testsuites/testsuite/@timestamp", xml) == .nodeSet([
            "2023-11-14T22:13:20.000Z", "2023-11-14T22:13:20.004Z", "2023-11-14T22:13:20.008Z", "2023-11-14T22:13:20.009Z",
        ]))
        #expect(try xpath("string(/testsuites/testsuite[1]/@hostname)", xml) == .string("ci-host"))
        #expect(try xpath("string(/testsuites/testsuite[1]/@file)", xml) == .string("01-auth/01-me.json"))

        // Test cases: names, stable class names, times.
        #expect(try xpath("/testsuites/testsuite[1]/testcase/@name", xml) == .nodeSet(["status == 200", "$.name exists"]))
        #expect(try xpath("/testsuites/testsuite[1]/testcase/@classname", xml) == .nodeSet([
            "\(Fixtures.collection).01-auth.01-me", "\(Fixtures.collection).01-auth.01-me",
        ]))
        #expect(try xpath("string(/testsuites/testsuite[1]/testcase[1]/@time)", xml) == .string("0.004"))
        #expect(try xpath("string(/testsuites/testsuite[1]/system-out)", xml) == .string("GET http://127.0.0.1:8484/get → 200 OK (312 B, 4.1 ms)"))

        // The failing assertion: message, type, expected/actual text.
        let failure = "/testsuites/testsuite[2]/testcase[@name='$.id == 5']/failure"
        #expect(try xpath("string(\(failure)/@type)", xml) == .string("AssertionFailure"))
        #expect(try xpath("string(\(failure)/@message)", xml) == .string("value <differs>\\u0001\\u001B[31m"))
        #expect(try xpath("string(\(failure))", xml) == .string("expected: 5\nactual: 6\nvalue <differs>\\u0001\\u001B[31m"))
        #expect(try xpath("string(/testsuites/testsuite[2]/testcase[3]/@name)", xml) == .string("graphql errors"))
        #expect(try xpath("count(/testsuites/testsuite[2]/testcase[1]/*)", xml) == .number(0))

        // The request error and the skip.
        #expect(try xpath("string(/testsuites/testsuite[3]/testcase/error/@type)", xml) == .string("RequestError"))
        #expect(try xpath("string(/testsuites/testsuite[3]/testcase/error/@message)", xml) == .string("connection failed: Connection refused"))
        #expect(try xpath("string(/testsuites/testsuite[3]/testcase/@classname)", xml) == .string("\(Fixtures.collection).03-broken"))
        #expect(try xpath("string(/testsuites/testsuite[4]/testcase/skipped/@message)", xml) == .string("depends on a failed request"))
        #expect(try xpath("count(/testsuites/testsuite[4]/system-out)", xml) == .number(0))
    }

    @Test func namesAreStableAcrossRuns() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = dir.appendingPathComponent("a.xml").path
        let second = dir.appendingPathComponent("b.xml").path
        try write(Fixtures.events, to: first)

        // A second run: different timings, same requests.
        var slower = Fixtures.results
        for i in slower.indices { slower[i].durationMs *= 3 }
        var events: [RunEvent] = [.runStarted(RunInfo(collectionName: Fixtures.collection, source: "x", requestCount: 4, startedAt: Fixtures.startedAt + 3600))]
        for r in slower { events += [.requestStarted(r.info), .requestFinished(r)] }
        events.append(.runFinished(RunSummary(collectionName: Fixtures.collection, results: slower, durationMs: 40)))
        try write(events, to: second)

        func names(_ path: String) throws -> [XPathResult] {
            let xml = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            return try ["//testsuite/@name", "//testcase/@name", "//testcase/@classname"].map { try xpath($0, xml) }
        }
        #expect(try names(first) == names(second))
        // Rendering the same events twice gives identical bytes.
        #expect(try Data(contentsOf: URL(fileURLWithPath: first)) == {
            let again = dir.appendingPathComponent("c.xml").path
            try write(Fixtures.events, to: again)
            return try Data(contentsOf: URL(fileURLWithPath: again))
        }())
    }

    @Test func classnames() {
        #expect(JUnitReporter.classname(collection: "API", requestID: "01-auth/02-login.json") == "API.01-auth.02-login")
        #expect(JUnitReporter.classname(collection: "API", requestID: "ping.json") == "API.ping")
    }
}
