import FathomCore
import Foundation
import Testing

/// Hand-built run events: a passing request, a failing assertion, a transport error
/// and a skipped request, with XML special characters and control characters in names.
enum Fixtures {
    static let collection = "Sample <API> & \"Co\" 'x'"
    static let startedAt = 1_700_000_000.0

    static let runInfo = RunInfo(collectionName: collection, source: "examples/sample", requestCount: 4, startedAt: startedAt)

    static let passing = RequestResult(
        info: RequestInfo(index: 1, id: "01-auth/01-me.json", name: "Get me", folders: ["auth"]),
        status: .passed,
        request: SentRequest(
            method: "GET", url: "http://127.0.0.1:8484/get",
            headers: [HTTPHeader("Accept", "application/json"), HTTPHeader("Authorization", "Bearer ***")], body: nil),
        response: ReceivedResponse(
            status: 200, httpVersion: "1.1", headers: [HTTPHeader("Content-Type", "application/json")],
            body: "{\"name\":\"fathom\"}", sizeBytes: 312,
            timing: Timing(dns: 100, connect: 300, tls: 0, firstByte: 3900, total: 4100)),
        assertions: [
            AssertionResult(name: "status == 200", passed: true, expected: "200", actual: "200"),
            AssertionResult(name: "$.name exists", passed: true),
            AssertionResult(name: "capture token", passed: true, isImplicit: true),
        ],
        durationMs: 4.3)

    static let failing = RequestResult(
        info: RequestInfo(index: 2, id: "02-users/01-create.json", name: "Create <user> & \"friends\" 'x'", folders: ["users"]),
        status: .failed,
        request: SentRequest(method: "POST", url: "http://127.0.0.1:8484/users?a=1&b=2", headers: [HTTPHeader("Content-Type", "application/json")], body: "{\"id\":5}"),
        response: ReceivedResponse(
            status: 201, httpVersion: "1.1", headers: [HTTPHeader("Content-Type", "application/json")],
            body: "{\"id\":6}", sizeBytes: 48,
            timing: Timing(dns: 50, connect: 200, tls: 0, firstByte: 2900, total: 3000)),
        assertions: [
            AssertionResult(name: "status == 201", passed: true, expected: "201", actual: "201"),
            AssertionResult(name: "$.id == 5", passed: false, expected: "5", actual: "6", message: "value <differs>\u{1}\u{1B}[31m"),
            AssertionResult(name: "graphql errors", passed: false, isImplicit: true, message: "errors: [\"boom\"]"),
        ],
        durationMs: 3.4)

    static let erroring = RequestResult(
        info: RequestInfo(index: 3, id: "03-broken.json", name: "Broken\u{7}bell", folders: []),
        status: .error,
        request: SentRequest(method: "GET", url: "http://127.0.0.1:1/", headers: [], body: nil),
        errorMessage: "connection failed: Connection refused",
        durationMs: 1.0)

    static let skipped = RequestResult(
        info: RequestInfo(index: 4, id: "04-later.json", name: "Later", folders: []),
        status: .skipped,
        skipReason: "depends on a failed request")

    static let results = [passing, failing, erroring, skipped]

    static let summary = RunSummary(collectionName: collection, results: results, durationMs: 12.34)

    static var events: [RunEvent] {
        var events: [RunEvent] = [.runStarted(runInfo)]
        for r in results {
            events.append(.requestStarted(r.info))
            events.append(.requestFinished(r))
        }
        events.append(.runFinished(summary))
        return events
    }

    /// An all-green run of just the passing request.
    static var greenEvents: [RunEvent] {
        let summary = RunSummary(collectionName: "Green", results: [passing], durationMs: 4.5)
        return [
            .runStarted(RunInfo(collectionName: "Green", source: "", requestCount: 1, startedAt: startedAt)),
            .requestStarted(passing.info), .requestFinished(passing), .runFinished(summary),
        ]
    }

    /// The repository root, from this file's path (Tests/FathomReportsTests/Fixtures.swift).
    static func packageRoot(_ filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func junitXSD() -> String {
        packageRoot().appendingPathComponent("../shared/corpus/junit/jenkinsci__xunit-plugin__junit-10.xsd").standardizedFileURL.path
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-reports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Runs a program found on PATH; nil when it is not installed.
    static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String)? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let candidates = path.split(separator: ":").map { "\($0)/\(program)" }
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
