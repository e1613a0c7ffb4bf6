// Sample output (validates against the Jenkins xunit-plugin junit-10.xsd):
//
//   <?xml version="1.0" encoding="UTF-8"?>
//   <testsuites name="Sample API" tests="4" failures="1" errors="1" time="0.012">
//     <testsuite name="auth / Get me" tests="1" failures="0" errors="0" skipped="0" time="0.004"
//                timestamp="2025-01-31T12:00:00.000Z" hostname="ci-42" id="1" file="01-auth/01-me.json">
//       <testcase name="status equals 200" classname="Sample API.01-auth.01-me" time="0.004"/>
//       <system-out>GET http://127.0.0.1:8484/get → 200 OK (312 B, 4.1 ms)</system-out>
//     </testsuite>
//     <testsuite name="users / Create user" tests="1" failures="1" errors="0" skipped="0" ...>
//       <testcase name="$.id equals 5" classname="Sample API.02-users.01-create" time="0.003">
//         <failure message="$.id was 6" type="AssertionFailure">expected: 5
//   actual: 6</failure>
//       </testcase>
//     </testsuite>
//     <testsuite name="Broken" tests="1" failures="0" errors="1" skipped="0" ...>
//       <testcase name="request" classname="Sample API.03-broken" time="0.001">
//         <error message="connection failed: Connection refused" type="RequestError">...</error>
//       </testcase>
//     </testsuite>
//     <testsuite name="Later" tests="1" failures="0" errors="0" skipped="1" ...>
//       <testcase name="request" classname="Sample API.04-later" time="0.000">
//         <skipped message="depends on a failed request"/>
//       </testcase>
//     </testsuite>
//     <testsuite name="Scripts (not run)" tests="1" failures="0" errors="0" skipped="1" ...>
//       <testcase name="test script of request &quot;Later&quot;" classname="Sample API.scripts" time="0.000">
//         <skipped message="scripts not run: export.postman_collection.json:40:9: item &quot;Later&quot;"/>
//       </testcase>
//     </testsuite>
//   </testsuites>
//
// One <testsuite> per request (skipped ones too), named by the request's qualified
// name; one <testcase> per explicit assertion and per failed implicit check, plus a
// testcase named "request" for a request error, a skip, or a request with no
// assertions. Each testcase carries the request's time (as Newman does). With
// several iterations, suite names end in " [iteration N]" and class names in
// ".iteration-N", so every name is unique and stable. Scripts that are not run
// are skipped testcases of one last suite, each listed once.
// The XSD does not allow `skipped` on <testsuites>, so it appears on <testsuite> only.

import FathomCore
import FathomXML
import Foundation

/// Writes a JUnit XML report, streaming: each request's `<testsuite>` is rendered
/// when the request finishes and appended to a spool file, and the totals of the
/// `<testsuites>` element are written when the run ends, so memory does not grow
/// with the run. The bytes are those of rendering the whole report at once.
public final class JUnitReporter: Reporter {
    public let outputPath: String
    /// Written as each suite's `hostname` attribute; nil leaves it out.
    public let hostname: String?

    private var runInfo: RunInfo?
    private var summary: RunSummary?
    private var collection = "fathom"
    private var spool: Spool?
    /// Writes each request's suite as it finishes, inside a `<testsuites>` whose
    /// opening was cut off, so one writer serves the whole run.
    private var suiteWriter: XMLWriter?
    private var problem: XMLError?
    private var sawResults = false
    private var tests = 0, failures = 0, errors = 0, suites = 0
    private var sumMs = 0.0
    private var clock = 0.0

    public init(outputPath: String, hostname: String? = JUnitReporter.localHostname()) {
        self.outputPath = outputPath
        self.hostname = hostname
    }

    public func handle(_ event: RunEvent) {
        switch event {
        case .runStarted(let info):
            runInfo = info
            collection = info.collectionName
            clock = info.startedAt
        case .requestStarted, .iterationStarted:
            break
        case .requestFinished(let result):
            sawResults = true
            add(result)
        case .runFinished(let s):
            summary = s
            // A summary given without its request events (a re-render) brings its results.
            if !sawResults {
                if runInfo == nil { collection = s.collectionName }
                for r in s.results { add(r) }
            }
        }
    }

    private func add(_ result: RequestResult) {
        let suite = JUnitSuite(result: result, collection: collection)
        tests += suite.cases.count
        failures += suite.failures
        errors += suite.errors
        suites += 1
        sumMs += result.durationMs
        do {
            let w: XMLWriter
            if let existing = suiteWriter {
                w = existing
            } else {
                w = try XMLWriter(indent: true)
                try w.startDocument()
                try w.startElement("testsuites")
                try w.comment("fathom-suites")
                _ = w.takeOutput()
                suiteWriter = w
            }
            try write(suite, to: w)
            let text = w.takeOutput()
            if spool == nil { spool = try Spool() }
            try spool!.append(text)
        } catch let e as XMLError {
            problem = problem ?? e
        } catch {
            problem = problem ?? XMLError("cannot spool the JUnit report: \(error)")
        }
        clock += result.durationMs / 1000
    }

    /// Renders the report and writes it (header, the spooled suites, footer),
    /// creating the output directory if missing; the file appears whole or not at all.
    public func finish() throws {
        if let problem { throw problem }
        let (head, tail) = try frame()
        try writeReport(head: head, spool: spool, tail: tail, to: outputPath)
    }

    /// The report as XML text.
    public func render() throws(XMLError) -> String {
        if let problem { throw problem }
        let (head, tail) = try frame()
        return head + (spool?.contents() ?? "") + tail
    }

    /// Everything around the spooled suites: the declaration and `<testsuites>` with
    /// the run's totals, then the suite of scripts not run and the closing tag.
    private func frame() throws(XMLError) -> (String, String) {
        let scripts = runInfo?.skippedScripts ?? []
        let totalMs = summary?.durationMs ?? sumMs
        let interrupted = summary?.interrupted == true
        let marker = "fathom-suites-go-here"
        let w = try XMLWriter(indent: true)
        try w.startDocument()
        if let shard = runInfo?.shard {
            // One shard's share of a run: what `fathom merge-reports` checks and orders by.
            try w.processingInstruction(JUnitShardMarker.target, JUnitShardMarker.content(shard))
        }
        try w.startElement("testsuites")
        try w.attribute("name", summary?.collectionName ?? runInfo?.collectionName ?? collection)
        try w.attribute("tests", String(tests + scripts.count + (interrupted ? 1 : 0)))
        try w.attribute("failures", String(failures))
        try w.attribute("errors", String(errors + (interrupted ? 1 : 0)))
        try w.attribute("time", Format.seconds(ms: totalMs))
        try w.comment(marker)
        if !scripts.isEmpty {
            // Each script this version does not run, once, as a skipped test case.
            try w.startElement("testsuite")
            try w.attribute("name", "Scripts (not run)")
            try w.attribute("tests", String(scripts.count))
            try w.attribute("failures", "0")
            try w.attribute("errors", "0")
            try w.attribute("skipped", String(scripts.count))
            try w.attribute("time", "0.000")
            if let info = runInfo { try w.attribute("timestamp", Format.iso8601Millis(secondsSince1970: info.startedAt)) }
            if let hostname { try w.attribute("hostname", hostname) }
            try w.attribute("id", String(suites + 1))
            for script in scripts {
                try w.startElement("testcase")
                try w.attribute("name", script.name)
                try w.attribute("classname", collection + ".scripts")
                try w.attribute("time", "0.000")
                try w.startElement("skipped")
                try w.attribute("message", "\(SkippedScript.reason): \(script.location)")
                try w.endElement()
                try w.endElement()
            }
            try w.endElement()
        }
        if interrupted {
            // An interrupted run is not a green one: one error says so, in CI's test view too.
            try w.startElement("testsuite")
            try w.attribute("name", JUnitReporter.interruptedSuite)
            try w.attribute("tests", "1")
            try w.attribute("failures", "0")
            try w.attribute("errors", "1")
            try w.attribute("skipped", "0")
            try w.attribute("time", "0.000")
            if let info = runInfo { try w.attribute("timestamp", Format.iso8601Millis(secondsSince1970: info.startedAt)) }
            if let hostname { try w.attribute("hostname", hostname) }
            try w.attribute("id", String(suites + (scripts.isEmpty ? 1 : 2)))
            try w.startElement("testcase")
            try w.attribute("name", "run")
            try w.attribute("classname", collection + ".interrupted")
            try w.attribute("time", "0.000")
            let message = JUnitReporter.interruptedMessage(requests: suites)
            try w.startElement("error")
            try w.attribute("message", message)
            try w.attribute("type", "Interrupted")
            try w.text(message)
            try w.endElement()
            try w.endElement()
            try w.endElement()
        }
        try w.endElement()
        try w.endDocument()
        let text = w.result()
        let line = "  <!--\(marker)-->\n"
        guard let range = text.range(of: line) else { throw XMLError("the JUnit frame has no place for the suites") }
        return (String(text[..<range.lowerBound]), String(text[range.upperBound...]))
    }

    private func write(_ suite: JUnitSuite, to w: XMLWriter) throws(XMLError) {
        let r = suite.result
        try w.startElement("testsuite")
        try w.attribute("name", r.info.qualifiedName)
        try w.attribute("tests", String(suite.cases.count))
        try w.attribute("failures", String(suite.failures))
        try w.attribute("errors", String(suite.errors))
        try w.attribute("skipped", String(suite.skipped))
        try w.attribute("time", Format.seconds(ms: r.durationMs))
        // When the request started: the run's start plus the time of the requests before it
        // (derived, so a report re-rendered from the same events is byte-identical).
        if runInfo != nil { try w.attribute("timestamp", Format.iso8601Millis(secondsSince1970: clock)) }
        if let hostname { try w.attribute("hostname", hostname) }
        try w.attribute("id", String(r.info.index))
        try w.attribute("file", r.info.id)
        if let order = r.info.shardOrder {
            try w.startElement("properties")
            try w.element("property", attributes: [("name", JUnitShardMarker.orderProperty), ("value", String(order))])
            try w.endElement()
        }
        for c in suite.cases {
            try w.startElement("testcase")
            try w.attribute("name", c.name)
            try w.attribute("classname", suite.classname)
            try w.attribute("time", Format.seconds(ms: suite.caseTimeMs))
            switch c.outcome {
            case .passed:
                break
            case .failure(let message, let text):
                try w.startElement("failure")
                try w.attribute("message", message)
                try w.attribute("type", "AssertionFailure")
                try w.text(text)
                try w.endElement()
            case .error(let message):
                try w.startElement("error")
                try w.attribute("message", message)
                try w.attribute("type", "RequestError")
                try w.text(message)
                try w.endElement()
            case .scriptError(let message):
                try w.startElement("error")
                try w.attribute("message", message)
                try w.attribute("type", "ScriptError")
                try w.text(message)
                try w.endElement()
            case .skipped(let reason):
                try w.startElement("skipped")
                try w.attribute("message", reason)
                try w.endElement()
            }
            try w.endElement()
        }
        if let out = suite.systemOut {
            try w.startElement("system-out")
            try w.text(out)
            try w.endElement()
        }
        try w.endElement()
    }

    /// The suite an interrupted run ends with.
    public static let interruptedSuite = "Run interrupted"

    /// Its error's message, for a run interrupted after `requests` requests.
    public static func interruptedMessage(requests: Int) -> String {
        "the run was interrupted after \(requests) request(s); the requests after them were not run"
    }

    /// This machine's name (`gethostname`), or nil.
    public static func localHostname() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? nil : name
    }

    /// Stable class name: `<collection>.<request id with '/' → '.' and no .json>`.
    public static func classname(collection: String, requestID: String) -> String {
        var path = requestID
        if path.hasSuffix(".json") { path.removeLast(5) }
        let dotted = path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: ".")
        return dotted.isEmpty ? collection : collection + "." + dotted
    }
}

/// The testcases one request turns into.
struct JUnitSuite {
    enum Outcome {
        case passed
        case failure(message: String, text: String)
        case error(message: String)
        /// An exception in a script: an error, but of the script, not the request.
        case scriptError(message: String)
        case skipped(reason: String)
    }

    struct Case {
        var name: String
        var outcome: Outcome
    }

    let result: RequestResult
    let classname: String
    var cases: [Case] = []
    var warnings: [String] = []

    init(result r: RequestResult, collection: String) {
        result = r
        classname = JUnitReporter.classname(collection: collection, requestID: r.info.id)
            + (r.info.iterations > 1 ? ".iteration-\(r.info.iteration)" : "")
        for a in r.reportedAssertions {
            if a.isSkipped {
                cases.append(Case(name: a.name, outcome: .skipped(reason: a.message ?? "skipped")))
            } else if a.passed {
                cases.append(Case(name: a.name, outcome: .passed))
            } else if a.isError {
                cases.append(Case(name: a.name, outcome: .scriptError(message: a.message ?? "script error")))
            } else {
                var lines: [String] = []
                if let e = a.expected { lines.append("expected: \(e)") }
                if let v = a.actual { lines.append("actual: \(v)") }
                if let m = a.message, !m.isEmpty { lines.append(m) }
                let message = a.message.flatMap { $0.isEmpty ? nil : $0 }
                    ?? (a.expected != nil || a.actual != nil
                        ? "expected \(a.expected ?? "?"), got \(a.actual ?? "?")" : "assertion failed")
                cases.append(Case(name: a.name, outcome: .failure(message: message, text: lines.joined(separator: "\n"))))
            }
        }
        if r.status == .failed && !r.assertions.contains(where: { !$0.passed && !$0.isSkipped }) {
            cases.append(Case(name: "request", outcome: .failure(message: "request failed", text: "request failed")))
        }
        if r.status == .error || r.errorMessage != nil {
            cases.append(Case(name: "request", outcome: .error(message: r.errorMessage ?? "request error")))
        }
        if r.status == .skipped {
            cases.append(Case(name: "request", outcome: .skipped(reason: r.skipReason ?? "skipped")))
        }
        if cases.isEmpty {
            cases.append(Case(name: "request", outcome: .passed))
        }
        warnings = r.warnings
    }

    var failures: Int { cases.filter { if case .failure = $0.outcome { return true } else { return false } }.count }
    var errors: Int {
        cases.filter {
            switch $0.outcome {
            case .error, .scriptError: return true
            default: return false
            }
        }.count
    }
    var skipped: Int { cases.filter { if case .skipped = $0.outcome { return true } else { return false } }.count }

    /// Each testcase carries the request's time: the response time when there is one.
    var caseTimeMs: Double {
        if let res = result.response { return res.timing.totalMs }
        return result.status == .skipped ? 0 : result.durationMs
    }

    /// `GET http://… → 200 OK (312 B, 4.1 ms)`, when the request was sent.
    var systemOut: String? {
        guard let req = result.request else { return nil }
        var text = "\(req.method) \(req.url)"
        if let res = result.response {
            text += " → \(Format.status(res.status)) (\(Format.bytes(res.sizeBytes)), \(Format.duration(ms: res.timing.totalMs)))"
        }
        for w in warnings { text += "\nwarning: \(w)" }
        for line in result.console { text += "\nconsole \(line)" }
        return text
    }
}

/// How a sharded run's JUnit report says which shard it is: a processing
/// instruction before the root, `<?fathom-shard index="1" count="3" plan="…" units="7"?>`,
/// and where each suite stands in an unsharded run as a property (`RequestInfo.shardOrder`).
/// `merge-reports` reads both and leaves them out.
public enum JUnitShardMarker {
    public static let target = "fathom-shard"
    public static let orderProperty = "fathom.order"

    static func content(_ s: ShardInfo) -> String {
        "index=\"\(s.index)\" count=\"\(s.count)\" plan=\"\(s.plan)\" units=\"\(s.unitCount)\""
    }
}
