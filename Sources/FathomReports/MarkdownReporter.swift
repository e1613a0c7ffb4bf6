// Sample output (`--reporter markdown`, reports/sample-api.md):
//
//   ## ❌ Sample API: 1 of 3 requests failed, 1 error
//
//   | Requests | Passed | Failed | Errors | Skipped | Assertions | Failed assertions | Time |
//   |---:|---:|---:|---:|---:|---:|---:|---:|
//   | 3 | 1 | 1 | 1 | 1 | 3 | 1 | 12.3 ms |
//
//   ### Failures
//
//   1. **users / Create user** (`02-users/01-create.json:9`)
//      - `$.id equals 5`: expected `5`, actual `6`
//   2. **Broken** (`03-broken.json`)
//      - error: connection failed: Connection refused
//
//   ### Slowest requests
//
//   | Request | Status | Time |
//   |---|---|---:|
//   | users / Create user | 201 | 3.0 ms |
//
// Short enough for a CI job summary: at most 50 failures are listed (the rest
// counted), values are cut at 300 characters, and the slowest 5 requests shown.

import FathomCore
import Foundation

/// What a Markdown summary needs, gathered as the run goes: counts, the first
/// failures, the slowest requests. Its memory is bounded whatever the run's size.
struct MarkdownSummary {
    static let maxFailures = 50
    static let slowestShown = 5
    static let valueLimit = 300

    struct Failure {
        var request: String
        var location: String?
        var lines: [String]
    }

    var collection = "fathom"
    var counts = RunCounts()
    var durationMs = 0.0
    var interrupted = false
    var failures: [Failure] = []
    var unlistedFailures = 0
    /// The slowest requests so far, slowest first: (name, status, ms).
    var slowest: [(name: String, status: String, ms: Double)] = []
    /// Turns a request's file into the path an annotation or a reader needs.
    var displayPath: (String) -> String = { $0 }

    mutating func add(_ r: RequestResult) {
        counts.add(r)
        durationMs += r.durationMs
        if r.status != .skipped {
            let status = r.response.map { String($0.status) } ?? r.status.rawValue
            let ms = r.response?.timing.totalMs ?? r.durationMs
            if slowest.count < Self.slowestShown || ms > slowest[slowest.count - 1].ms {
                let i = slowest.firstIndex { $0.ms < ms } ?? slowest.count
                slowest.insert((r.info.qualifiedName, status, ms), at: i)
                if slowest.count > Self.slowestShown { slowest.removeLast() }
            }
        }
        let lines = Self.failureLines(r)
        guard !lines.isEmpty else { return }
        if failures.count >= Self.maxFailures {
            unlistedFailures += 1
            return
        }
        var location: String?
        if let l = r.location {
            let line = r.assertions.first { !$0.passed && !$0.isSkipped && $0.position != nil }?.position?.line ?? l.position?.line
            location = displayPath(l.file) + (line.map { ":\($0)" } ?? "")
        }
        failures.append(Failure(request: r.info.qualifiedName, location: location, lines: lines))
    }

    /// One Markdown line per failed assertion or error of a request (none when it passed).
    static func failureLines(_ r: RequestResult) -> [String] {
        var lines: [String] = []
        for a in r.assertions where !a.passed && !a.isSkipped {
            var line = code(a.name)
            var parts: [String] = []
            if let e = a.expected { parts.append("expected " + code(e)) }
            if let v = a.actual { parts.append("actual " + code(v)) }
            if !parts.isEmpty { line += ": " + parts.joined(separator: ", ") }
            if let m = a.message, !m.isEmpty { line += (parts.isEmpty ? ": " : "; ") + text(m) }
            lines.append(line)
        }
        if r.status == .failed && lines.isEmpty { lines.append("request failed") }
        if r.status == .error || r.errorMessage != nil { lines.append("error: " + text(r.errorMessage ?? "request error")) }
        return lines
    }

    func render() -> String {
        let c = counts
        let bad = c.failedRequests + c.errors
        let icon = interrupted ? "⏹" : bad > 0 ? "❌" : "✅"
        var headline: String
        if c.failedRequests > 0 {
            headline = "\(c.failedRequests) of \(c.requests) request\(c.requests == 1 ? "" : "s") failed"
            if c.errors > 0 { headline += ", \(c.errors) error\(c.errors == 1 ? "" : "s")" }
        } else if c.errors > 0 {
            headline = "\(c.errors) of \(c.requests) request\(c.requests == 1 ? "" : "s") could not be completed"
        } else {
            headline = "all \(c.requests) request\(c.requests == 1 ? "" : "s") passed"
        }
        if interrupted { headline += " (interrupted)" }
        var out = "## \(icon) \(Self.text(collection)): \(headline)\n\n"
        out += "| Requests | Passed | Failed | Errors | Skipped | Assertions | Failed assertions | Time |\n"
        out += "|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        out += "| \(c.requests) | \(c.passed) | \(c.failedRequests) | \(c.errors) | \(c.skipped) | \(c.assertionsPassed + c.assertionsFailed) | \(c.assertionsFailed) | \(Format.duration(ms: durationMs)) |\n"
        if !failures.isEmpty {
            out += "\n### Failures\n\n"
            for (i, f) in failures.enumerated() {
                out += "\(i + 1). **\(Self.text(f.request))**"
                if let l = f.location { out += " (" + Self.code(l) + ")" }
                out += "\n"
                for line in f.lines { out += "   - " + line + "\n" }
            }
            if unlistedFailures > 0 {
                out += "\n… and \(unlistedFailures) more failing request\(unlistedFailures == 1 ? "" : "s") (see the JUnit or HTML report).\n"
            }
        }
        if !slowest.isEmpty {
            out += "\n### Slowest requests\n\n| Request | Status | Time |\n|---|---|---:|\n"
            for s in slowest {
                out += "| \(Self.cell(s.name)) | \(Self.cell(s.status)) | \(Format.duration(ms: s.ms)) |\n"
            }
        }
        return out
    }

    // MARK: - Markdown text

    /// Plain text on one line, with what Markdown or HTML would read as markup escaped.
    static func text(_ raw: String) -> String {
        var out = ""
        for ch in ConsoleReporter.terminalSafe(clip(raw)).unicodeScalars {
            switch ch {
            case "\n", "\r", "\t": out += " "
            case "\\", "`", "*", "_", "[", "]", "<", ">", "#", "|", "!", "~", "&": out += "\\" + String(ch)
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// A code span that holds any text: a fence longer than any run of backticks in it.
    static func code(_ raw: String) -> String {
        let value = ConsoleReporter.terminalSafe(clip(raw).replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " "))
        var longest = 0, run = 0
        for ch in value.utf8 {
            run = ch == UInt8(ascii: "`") ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = value.hasPrefix("`") || value.hasSuffix("`") || value.isEmpty ? " " : ""
        // A pipe ends a table cell even inside a code span unless escaped (GFM).
        return fence + pad + value.replacingOccurrences(of: "|", with: "\\|") + pad + fence
    }

    /// Text for a table cell.
    static func cell(_ raw: String) -> String { text(raw) }

    static func clip(_ s: String) -> String {
        s.count <= valueLimit ? s : String(s.prefix(valueLimit)) + "…"
    }
}

/// `--reporter markdown`: a short Markdown summary of the run (counts, failures with
/// expected and actual, the slowest requests) in `<collection>.md`, for a CI job's
/// summary page, a pull-request comment or a chat message.
public final class MarkdownReporter: Reporter {
    public let outputPath: String
    private var summary = MarkdownSummary()

    public init(outputPath: String) {
        self.outputPath = outputPath
    }

    public func handle(_ event: RunEvent) {
        summary.handle(event)
    }

    /// The summary as Markdown.
    public func render() -> String { summary.render() }

    public func finish() throws {
        try writeReport(summary.render(), to: outputPath)
    }
}

extension MarkdownSummary {
    mutating func handle(_ event: RunEvent) {
        switch event {
        case .runStarted(let info): collection = info.collectionName
        case .iterationStarted, .requestStarted: break
        case .requestFinished(let r): add(r)
        case .runFinished(let s):
            collection = s.collectionName
            durationMs = s.durationMs
            interrupted = s.interrupted
            if counts.requests == 0 && counts.skipped == 0 { for r in s.results { add(r) } }
        }
    }
}
