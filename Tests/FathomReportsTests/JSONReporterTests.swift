import FathomCore
import FathomReports
import Foundation
import Testing

@Suite struct JSONReporterTests {
    @Test func reportParsesBackWithCounts() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("out/report.json").path
        let reporter = JSONReporter(outputPath: path)
        for e in Fixtures.events { reporter.handle(e) }
        try reporter.finish()

        let json = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(json["collection"] == .string(Fixtures.collection))
        #expect(json["source"] == "examples/sample")
        #expect(json["startedAt"] == "2023-11-14T22:13:20Z")
        #expect(json["exitStatus"] == 3)
        #expect(json["durationMs"] == 12.34)
        let summary = try #require(json["summary"])
        #expect(summary["requests"] == 3)
        #expect(summary["passed"] == 1)
        #expect(summary["failed"] == 1)
        #expect(summary["errors"] == 1)
        #expect(summary["skipped"] == 1)
        #expect(summary["assertions"] == ["total": 5, "passed": 3, "failed": 2, "skipped": 0])

        let requests = try #require(json["requests"]?.arrayValue)
        #expect(requests.count == 4)
        #expect(requests.map { $0["status"] } == ["passed", "failed", "error", "skipped"])
        #expect(requests[0]["qualifiedName"] == "auth / Get me")
        #expect(requests[0]["response"]?["status"] == 200)
        #expect(requests[0]["response"]?["timing"]?["totalMs"] == 4.1)
        #expect(requests[0]["request"]?["headers"]?[1] == ["name": "Authorization", "value": "Bearer ***"])
        #expect(requests[1]["assertions"]?[1] == [
            "name": "$.id == 5", "passed": false, "implicit": false, "expected": "5", "actual": "6",
            "message": "value <differs>\u{1}\u{1B}[31m",
        ])
        #expect(requests[2]["error"] == "connection failed: Connection refused")
        #expect(requests[2]["response"] == nil)
        #expect(requests[3]["skipReason"] == "depends on a failed request")
    }

    @Test func longBodiesAreTruncated() throws {
        var big = Fixtures.passing
        big.response?.body = String(repeating: "é", count: 100)
        let reporter = JSONReporter(outputPath: "/dev/null", bodyLimit: 51)
        reporter.handle(.requestFinished(big))
        let json = reporter.render()
        #expect(json["requests"]?[0]?["response"]?["body"] == .string(String(repeating: "é", count: 25)))
        #expect(json["requests"]?[0]?["response"]?["bodyTruncated"] == true)
    }
}
