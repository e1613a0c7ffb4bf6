import FathomCore
import Foundation
import Mustache

/// `--reporter html`: one self-contained page (`<collection>.html`) for people to
/// look at when a run fails: the totals, the failures first (each with its failed
/// assertions, expected and actual), then every request with its assertions, the
/// request and response (headers, bodies cut at 64 KiB), and a timing bar (DNS,
/// connect, TLS, first byte, download); buttons filter by status and a box searches
/// by name (both kept in the URL's fragment, `#status=failed&q=accounts`). No
/// external asset: it works offline and as a CI artifact. Secrets are `***`, as
/// everywhere, because events are redacted before any reporter sees them.
///
/// Rendered with Mustache templates (`HTMLTemplates`, on swift-mustache). Like the
/// JUnit and JSON reporters it streams: each request's fragment (and, when it
/// failed, its entry in the failure list) is rendered when the request finishes and
/// spooled, and the page around them is rendered at the end with the totals.
public final class HTMLReporter: Reporter {
    public let outputPath: String
    public let bodyLimit: Int
    /// Shown in the footer.
    public let version: String?
    /// Failures listed at the top (the rest are found with the Failed filter).
    public static let maxListedFailures = 200

    private let library: MustacheLibrary
    private var runInfo: RunInfo?
    private var summary: RunSummary?
    private var counts = RunCounts()
    private var sumMs = 0.0
    private var requestSpool: Spool?
    private var failureSpool: Spool?
    private var listedFailures = 0
    private var unlistedFailures = 0
    private var total = 0
    private var problem: (any Error)?

    public init(outputPath: String, bodyLimit: Int = 64 * 1024, version: String? = nil) {
        self.outputPath = outputPath
        self.bodyLimit = bodyLimit
        self.version = version
        HTMLEscaping.registered
        var library = MustacheLibrary()
        // The templates are part of the program; a parse error is a bug caught by the tests.
        try? library.register(HTMLTemplates.page, named: "page")
        try? library.register(HTMLTemplates.request, named: "request")
        try? library.register(HTMLTemplates.failure, named: "failure")
        self.library = library
    }

    public func handle(_ event: RunEvent) {
        switch event {
        case .runStarted(let info): runInfo = info
        case .iterationStarted, .requestStarted: break
        case .requestFinished(let r): add(r)
        case .runFinished(let s):
            summary = s
            if total == 0 { for r in s.results { add(r) } }
        }
    }

    private func add(_ r: RequestResult) {
        counts.add(r)
        sumMs += r.durationMs
        total += 1
        do {
            if requestSpool == nil { requestSpool = try Spool() }
            try requestSpool!.append(library.render(requestData(r), withTemplate: "request") ?? "")
            if r.status == .failed || r.status == .error {
                if listedFailures < Self.maxListedFailures {
                    listedFailures += 1
                    if failureSpool == nil { failureSpool = try Spool() }
                    try failureSpool!.append(library.render(failureData(r), withTemplate: "failure") ?? "")
                } else {
                    unlistedFailures += 1
                }
            }
        } catch {
            problem = problem ?? error
        }
    }

    public func finish() throws {
        if let problem { throw problem }
        let failuresMarker = "<!--fathom-failures-go-here-->"
        let requestsMarker = "<!--fathom-requests-go-here-->"
        var data = pageData()
        data["failuresMarker"] = failuresMarker
        data["requestsMarker"] = requestsMarker
        guard let page = library.render(data, withTemplate: "page") else {
            throw ReportWriteError(path: outputPath, reason: "the HTML template did not render")
        }
        var parts: [ReportPart] = []
        var rest = page[...]
        if let f = rest.range(of: failuresMarker) {
            parts.append(.text(String(rest[..<f.lowerBound])))
            parts.append(.spool(failureSpool))
            rest = rest[f.upperBound...]
        }
        guard let r = rest.range(of: requestsMarker) else {
            throw ReportWriteError(path: outputPath, reason: "the HTML template has no place for the requests")
        }
        parts.append(.text(String(rest[..<r.lowerBound])))
        parts.append(.spool(requestSpool))
        parts.append(.text(String(rest[r.upperBound...])))
        try writeReport(parts, to: outputPath)
    }

    // MARK: - Template data

    private func pageData() -> [String: Any] {
        let s = summary
        let interrupted = s?.interrupted ?? false
        let bad = counts.failedRequests + counts.errors
        var verdict: String
        if bad > 0 {
            var parts: [String] = []
            if counts.failedRequests > 0 { parts.append("\(counts.failedRequests) failed") }
            if counts.errors > 0 { parts.append("\(counts.errors) error\(counts.errors == 1 ? "" : "s")") }
            verdict = parts.joined(separator: ", ")
        } else {
            verdict = counts.requests == 0 ? "nothing run" : "all passed"
        }
        if interrupted { verdict += " (interrupted)" }
        var data: [String: Any] = [
            "collection": s?.collectionName ?? runInfo?.collectionName ?? "fathom",
            "verdict": verdict,
            "verdictClass": interrupted ? "interrupted" : bad > 0 ? "failed" : "passed",
            "duration": Format.duration(ms: s?.durationMs ?? sumMs),
            "requests": counts.requests,
            "total": total,
            "passed": counts.passed,
            "failed": counts.failedRequests,
            "errors": counts.errors,
            "skipped": counts.skipped,
            "assertions": counts.assertionsPassed + counts.assertionsFailed,
            "assertionsPassed": counts.assertionsPassed,
            "hasFailures": listedFailures > 0,
            "failureCount": listedFailures + unlistedFailures,
        ]
        if unlistedFailures > 0 { data["unlistedFailures"] = unlistedFailures }
        if let version { data["version"] = version }
        if let info = runInfo {
            if !info.source.isEmpty { data["source"] = info.source }
            data["startedAt"] = Format.iso8601(secondsSince1970: info.startedAt)
            if info.iterations > 1 { data["iterations"] = info.iterations }
            if !info.warnings.isEmpty {
                data["hasWarnings"] = true
                data["warnings"] = info.warnings
            }
        } else {
            data["startedAt"] = "?"
        }
        return data
    }

    private func requestData(_ r: RequestResult) -> [String: Any] {
        var d: [String: Any] = [
            "index": r.info.index,
            "status": r.status.rawValue,
            "statusLabel": Self.label(r.status),
            "name": r.info.qualifiedName,
            "searchName": r.info.qualifiedName.lowercased(),
            "duration": Format.duration(ms: r.durationMs),
            // What failed is shown unfolded; the rest opens on a click.
            "open": r.status == .failed || r.status == .error,
            // Every name a template asks for is here (false when absent), so the
            // engine never searches the enclosing contexts for it: most of its time.
            "exchange": false, "request": false, "response": false, "timing": false, "hasAssertions": false,
            "error": false, "skipReason": false, "warnings": false, "hasConsole": false, "file": false,
        ]
        if let req = r.request {
            var exchange = "\(req.method) \(req.url)"
            if let res = r.response { exchange += " → \(Format.status(res.status))" }
            d["exchange"] = exchange
            var q: [String: Any] = ["method": req.method, "url": req.url, "hasHeaders": !req.headers.isEmpty, "headers": Self.headers(req.headers),
                                    "body": false, "bodyTruncated": false]
            if let body = req.body, !body.isEmpty { addBody(body, to: &q) }
            d["request"] = q
        }
        if let res = r.response {
            var p: [String: Any] = [
                "status": "HTTP/\(res.httpVersion) \(Format.status(res.status))", "size": Format.bytes(res.sizeBytes),
                "hasHeaders": !res.headers.isEmpty, "headers": Self.headers(res.headers), "body": false, "bodyTruncated": false,
            ]
            if !res.body.isEmpty { addBody(res.body, to: &p, cutByRunner: res.bodyTruncated) }
            d["response"] = p
            d["timing"] = timingData(res.timing, rateLimitWaitMs: r.rateLimitWaitMs)
        }
        let shown = r.reportedAssertions
        if !shown.isEmpty {
            d["hasAssertions"] = true
            d["assertions"] = shown.map { a -> [String: Any] in
                var row: [String: Any] = [
                    "name": a.name,
                    "class": a.isSkipped ? "skip" : a.passed ? "pass" : "fail",
                    "mark": a.isSkipped ? "↷" : a.passed ? "✔" : "✘",
                    "message": false, "place": false, "expected": false, "actual": false,
                ]
                if let e = a.expected { row["expected"] = e }
                if let v = a.actual { row["actual"] = v }
                if let m = a.message, !m.isEmpty { row["message"] = m }
                if !a.passed, let p = a.position, let file = r.location?.file { row["place"] = "\(file):\(p.line):\(p.column)" }
                return row
            }
        }
        if let e = r.errorMessage { d["error"] = e }
        if r.status == .skipped { d["skipReason"] = r.skipReason ?? "skipped" }
        if !r.warnings.isEmpty { d["warnings"] = r.warnings }
        if !r.console.isEmpty {
            d["hasConsole"] = true
            d["console"] = r.console
        }
        if let l = r.location { d["file"] = l.file + (l.position.map { ":\($0.line):\($0.column)" } ?? "") }
        return d
    }

    private func failureData(_ r: RequestResult) -> [String: Any] {
        var lines: [[String: Any]] = []
        for a in r.assertions where !a.passed && !a.isSkipped {
            var line: [String: Any] = ["assertion": a.name, "expected": false, "actual": false, "message": false, "error": false]
            if let e = a.expected { line["expected"] = e }
            if let v = a.actual { line["actual"] = v }
            if let m = a.message, !m.isEmpty { line["message"] = m }
            lines.append(line)
        }
        if r.status == .failed && lines.isEmpty {
            lines.append(["assertion": false, "expected": false, "actual": false, "message": "request failed", "error": false])
        }
        if let e = r.errorMessage { lines.append(["assertion": false, "expected": false, "actual": false, "message": false, "error": e]) }
        var d: [String: Any] = [
            "index": r.info.index, "name": r.info.qualifiedName, "status": r.status.rawValue,
            "statusLabel": Self.label(r.status), "lines": lines, "place": false,
        ]
        if let l = r.location {
            let line = r.assertions.first { !$0.passed && !$0.isSkipped && $0.position != nil }?.position?.line ?? l.position?.line
            d["place"] = l.file + (line.map { ":\($0)" } ?? "")
        }
        return d
    }

    /// The phases of an exchange from libcurl's cumulative times, as bar segments.
    private func timingData(_ t: Timing, rateLimitWaitMs: Double) -> [String: Any] {
        let total = max(t.totalMicros, 1)
        let dns = max(0, t.dnsMicros)
        let connect = max(0, t.connectMicros - t.dnsMicros)
        let connected = max(t.connectMicros, t.dnsMicros)
        let tls = t.tlsMicros > 0 ? max(0, t.tlsMicros - connected) : 0
        let ready = max(connected, t.tlsMicros)
        let wait = max(0, t.firstByteMicros - ready)
        let download = max(0, t.totalMicros - max(t.firstByteMicros, ready))
        func ms(_ micros: Int64) -> String { Format.duration(ms: Double(micros) / 1000) }
        func percent(_ micros: Int64) -> String { Format.fixed(Double(micros) * 100 / Double(total), 2) }
        let phases: [(String, String, Int64)] = [
            ("dns", "DNS", dns), ("connect", "connect", connect), ("tls", "TLS", tls), ("wait", "first byte", wait), ("download", "download", download),
        ]
        var d: [String: Any] = [
            "total": ms(t.totalMicros), "dns": ms(dns), "connect": ms(connect), "tls": ms(tls), "wait": ms(wait), "download": ms(download),
            "segments": phases.filter { $0.2 > 0 }.map { ["kind": $0.0, "label": $0.1, "time": ms($0.2), "percent": percent($0.2)] },
            "rateLimitWait": false,
        ]
        if rateLimitWaitMs > 0 { d["rateLimitWait"] = Format.duration(ms: rateLimitWaitMs) }
        return d
    }

    private func addBody(_ body: String, to d: inout [String: Any], cutByRunner: Bool = false) {
        let (text, cut) = Format.truncated(body, limit: bodyLimit)
        d["body"] = text
        if cut || cutByRunner {
            d["bodyTruncated"] = true
            d["bodyLimit"] = Format.bytes(bodyLimit)
        }
    }

    private static func headers(_ headers: [HTTPHeader]) -> [[String: String]] {
        headers.map { ["name": $0.name, "value": $0.value] }
    }

    private static func label(_ s: RequestStatus) -> String {
        switch s {
        case .passed: return "passed"
        case .failed: return "failed"
        case .error: return "error"
        case .skipped: return "skipped"
        }
    }
}
