// Sample output (normal verbosity, no colour):
//
//   ▶ Sample API · 4 requests · examples/sample
//   ↷ 1 script skipped: scripts not run (this version of Fathom does not run JavaScript)
//
//   ✔ auth / Get me
//     GET http://127.0.0.1:8484/get → 200 OK · 312 B · 4.1 ms
//     ✔ status equals 200
//
//   ✘ users / Create user
//     POST http://127.0.0.1:8484/users → 201 Created · 48 B · 3.0 ms
//     ✔ status equals 201
//     ✘ $.id equals 5
//         expected: 5
//         actual:   6
//
//   ⚠ Broken
//     GET http://127.0.0.1:1/
//     error: 03-broken.json:1:9: connection failed: Failed to connect to 127.0.0.1 port 1 … (code 7)
//
//   ↷ Later
//     skipped: depends on a failed request
//     warning: later.json:1:1: variable {{region}} is not defined; sent as written
//
//   ────────────────────────────────────────────────────────────
//   Requests    3 run · 1 passed · 1 failed · 1 error · 1 skipped
//   Assertions  3 · 2 passed · 1 failed
//   Scripts     1 skipped (scripts not run)
//   Time        12.3 ms
//
//   Failures
//     1) users / Create user
//        $.id equals 5
//        expected: 5
//        actual:   6
//     2) Broken
//        error: 03-broken.json:1:9: connection failed: Failed to connect to 127.0.0.1 port 1 … (code 7)
//
// With several iterations, each starts with an "Iteration 2/3" line and request names
// end in " [iteration 2]". Quiet mode prints only load warnings, the summary and the
// failure list; verbose mode adds the request and response headers and bodies (bodies
// over 4 KB are truncated), timings, and each skipped script with its location.

import FathomCore
import Foundation

/// Prints a run as it happens, for people: one block per request, then a summary.
public final class ConsoleReporter: Reporter {
    public enum Verbosity: Sendable, Equatable {
        /// Only the summary and the list of failures and errors.
        case quiet
        /// One block per request with its assertions.
        case normal
        /// Adds headers, bodies and timings.
        case verbose
    }

    public let color: Bool
    public let verbosity: Verbosity
    public let ascii: Bool
    /// Bodies longer than this many bytes are truncated in verbose output.
    public let bodyLimit: Int
    private let output: (String) -> Void

    /// - Parameters:
    ///   - color: emit ANSI colour codes (see `shouldUseColor(isTerminal:environment:)`).
    ///   - verbosity: how much to print.
    ///   - ascii: use ASCII symbols (`+ x ! -`, `->`) instead of Unicode ones.
    ///   - bodyLimit: bytes of a body shown in verbose mode before truncating.
    ///   - output: receives the text, a few lines at a time, each chunk ending in a newline.
    public init(
        color: Bool = false, verbosity: Verbosity = .normal, ascii: Bool = false, bodyLimit: Int = 4096,
        output: @escaping (String) -> Void
    ) {
        self.color = color
        self.verbosity = verbosity
        self.ascii = ascii
        self.bodyLimit = bodyLimit
        self.output = output
    }

    /// Writes into a `TextOutputStream` owned by the caller (e.g. a `String`, or a stream type).
    public convenience init(
        stream: TextOutputStreamBox, color: Bool = false, verbosity: Verbosity = .normal, ascii: Bool = false
    ) {
        self.init(color: color, verbosity: verbosity, ascii: ascii) { stream.write($0) }
    }

    /// A reporter writing to standard output, colouring when stdout is a terminal and
    /// `NO_COLOR` is not set.
    public static func standardOutput(verbosity: Verbosity = .normal, ascii: Bool = false) -> ConsoleReporter {
        standardOutput(verbosity: verbosity, ascii: ascii) { text in
            // A closed pipe (`fathom run ... | head`) ends console output, not the run.
            try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
        }
    }

    /// A reporter coloured as standard output would be, writing through `output`
    /// (which may hold the text back, e.g. until an earlier collection has printed).
    public static func standardOutput(verbosity: Verbosity = .normal, ascii: Bool = false, output: @escaping (String) -> Void) -> ConsoleReporter {
        ConsoleReporter(
            color: shouldUseColor(isTerminal: isatty(STDOUT_FILENO) == 1, environment: ProcessInfo.processInfo.environment),
            verbosity: verbosity, ascii: ascii, output: output)
    }

    /// Colour only on a terminal, and never when `NO_COLOR` is set (to any value,
    /// see no-color.org) or `TERM` is `dumb`.
    public static func shouldUseColor(isTerminal: Bool, environment: [String: String]) -> Bool {
        if environment["NO_COLOR"] != nil { return false }
        if environment["TERM"] == "dumb" { return false }
        return isTerminal
    }

    // MARK: - Events

    private var failureCount = 0
    /// The results the summary lists under "Failures", kept as they finish (only
    /// those, so memory grows with the failures, not with the run).
    private var failing: [RequestResult] = []
    private var sawResults = false
    private var skippedScripts = 0

    /// `file:1:2: warning: text` → `file:1:2: text` (the line is labelled already).
    static func dropSeverity(_ text: String) -> String {
        text.replacingOccurrences(of: ": warning: ", with: ": ")
    }

    public func handle(_ event: RunEvent) {
        switch event {
        case .runStarted(let info):
            skippedScripts = info.skippedScripts.count
            var out = ""
            for w in info.warnings { out += paint("warning:", .yellow) + " " + indented(Self.dropSeverity(w), by: 9) + "\n" }
            guard verbosity != .quiet else {
                if !out.isEmpty { output(out + "\n") }
                return
            }
            var line = "\(sym.run) " + paint(info.collectionName, .bold)
            line += " \(sym.dot) \(info.requestCount) request\(info.requestCount == 1 ? "" : "s")"
            if info.iterations > 1 { line += " \(sym.dot) \(info.iterations) iterations" }
            if !info.source.isEmpty { line += " \(sym.dot) " + paint(info.source, .dim) }
            out += line + "\n"
            if !info.skippedScripts.isEmpty {
                let n = info.skippedScripts.count
                out += paint("\(sym.skip) \(n) script\(n == 1 ? "" : "s") skipped: \(SkippedScript.reason) (this version of Fathom does not run JavaScript)", .yellow) + "\n"
                if verbosity == .verbose {
                    for script in info.skippedScripts {
                        out += "  " + paint("\(sym.skip) \(script.name)", .yellow) + " " + paint(script.location, .dim) + "\n"
                    }
                }
            }
            output(out + "\n")
        case .iterationStarted(let iteration, let count):
            guard verbosity != .quiet else { return }
            output(paint("Iteration \(iteration)/\(count)", .bold) + "\n\n")
        case .requestStarted:
            break
        case .requestFinished(let result):
            sawResults = true
            if result.status == .failed || result.status == .error || result.errorMessage != nil
                || result.assertions.contains(where: { !$0.passed && !$0.isSkipped })
            {
                failing.append(result)
            }
            guard verbosity != .quiet else { return }
            output(block(for: result))
        case .runFinished(let summary):
            output(summaryText(summary))
        }
    }

    // MARK: - Request blocks

    private func block(for r: RequestResult) -> String {
        var out = ""
        let (symbol, style) = statusSymbol(r.status)
        out += paint(symbol, style) + " " + paint(r.info.qualifiedName, .bold) + "\n"

        if let line = exchangeLine(r) { out += "  " + line + "\n" }

        if verbosity == .verbose {
            out += verboseDetails(r)
        }

        if verbosity == .verbose {
            for line in r.console { out += "  " + paint("console \(line)", .dim) + "\n" }
        }
        for a in r.reportedAssertions {
            out += "  " + assertionLine(a) + "\n"
            if !a.passed && !a.isSkipped { out += failureDetails(a, indent: 6) }
        }
        if r.status == .failed && !r.assertions.contains(where: { !$0.passed && !$0.isSkipped }) {
            out += "  " + paint(sym.fail, .red) + " request failed\n"
        }
        if let message = r.errorMessage {
            out += "  " + paint("error:", .red) + " " + indented(message, by: 9) + "\n"
        }
        if r.status == .skipped {
            out += "  " + paint("skipped:", .yellow) + " " + indented(r.skipReason ?? "(no reason given)", by: 11) + "\n"
        }
        for w in r.warnings {
            out += "  " + paint("warning:", .yellow) + " " + indented(w, by: 11) + "\n"
        }
        return out + "\n"
    }

    /// `GET http://… → 200 OK · 312 B · 4.1 ms`, or just the method and URL without a response.
    private func exchangeLine(_ r: RequestResult) -> String? {
        guard let req = r.request else { return nil }
        var line = paint(req.method, .bold) + " " + Self.terminalSafe(req.url)
        if let res = r.response {
            line += " \(sym.arrow) " + paint(Format.status(res.status), statusStyle(res.status))
            line += " \(sym.dot) " + Format.bytes(res.sizeBytes)
            line += " \(sym.dot) " + Format.duration(ms: res.timing.totalMs)
        }
        return line
    }

    private func verboseDetails(_ r: RequestResult) -> String {
        var out = ""
        if let req = r.request {
            for h in req.headers { out += "  " + paint("> \(h.name): \(h.value)", .dim) + "\n" }
            if let body = req.body, !body.isEmpty {
                out += "  " + paint(">", .dim) + "\n" + bodyText(body, prefix: "> ")
            }
        }
        if let res = r.response {
            out += "  " + paint("< HTTP/\(res.httpVersion) \(Format.status(res.status))", .dim) + "\n"
            for h in res.headers { out += "  " + paint("< \(h.name): \(h.value)", .dim) + "\n" }
            if !res.body.isEmpty {
                out += "  " + paint("<", .dim) + "\n" + bodyText(res.body, prefix: "< ", total: res.sizeBytes)
            }
            let t = res.timing
            let phases = [
                "dns " + Format.duration(ms: Double(t.dnsMicros) / 1000),
                "connect " + Format.duration(ms: Double(t.connectMicros) / 1000),
                "tls " + Format.duration(ms: Double(t.tlsMicros) / 1000),
                "first byte " + Format.duration(ms: Double(t.firstByteMicros) / 1000),
                "total " + Format.duration(ms: t.totalMs),
            ]
            out += "  " + paint("timing: " + phases.joined(separator: " \(sym.dot) "), .dim) + "\n"
        }
        return out
    }

    /// - Parameter total: the body's whole size in bytes, when `body` may be a part of it.
    private func bodyText(_ body: String, prefix: String, total: Int? = nil) -> String {
        let (shown, cut) = Format.truncated(body, limit: bodyLimit)
        var out = ""
        var lines = shown.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        for line in lines {
            out += "  " + paint(prefix + line.replacingOccurrences(of: "\r", with: ""), .dim) + "\n"
        }
        if cut {
            let note = "\(sym.ellipsis) truncated: showing \(Format.bytes(bodyLimit)) of \(Format.bytes(max(total ?? 0, body.utf8.count)))"
            out += "  " + paint(prefix + note, .yellow) + "\n"
        }
        return out
    }

    private func assertionLine(_ a: AssertionResult) -> String {
        if a.isSkipped { return paint(sym.skip, .yellow) + " " + paint(a.name + " (skipped)", .yellow) }
        return a.passed ? paint(sym.pass, .green) + " " + Self.terminalSafe(a.name) : paint(sym.fail, .red) + " " + paint(a.name, .red)
    }

    /// `expected:` / `actual:` / message lines under a failed assertion.
    private func failureDetails(_ a: AssertionResult, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        var out = ""
        if let e = a.expected { out += pad + paint("expected:", .dim) + " " + indented(e, by: indent + 10) + "\n" }
        if let v = a.actual { out += pad + paint("actual:  ", .dim) + " " + indented(v, by: indent + 10) + "\n" }
        if let m = a.message, !m.isEmpty { out += pad + indented(m, by: indent) + "\n" }
        return out
    }

    // MARK: - Summary

    private func summaryText(_ s: RunSummary) -> String {
        var out = ""
        if verbosity == .quiet { out += paint(s.collectionName, .bold) + "\n" }
        out += paint(String(repeating: sym.rule, count: 60), .dim) + "\n"
        let passed = s.counts.passed
        var requests = "\(s.requests) run \(sym.dot) " + paint("\(passed) passed", passed > 0 ? .green : .none)
        requests += " \(sym.dot) " + paint("\(s.failedRequests) failed", s.failedRequests > 0 ? .red : .none)
        requests += " \(sym.dot) " + paint("\(s.errors) error\(s.errors == 1 ? "" : "s")", s.errors > 0 ? .red : .none)
        requests += " \(sym.dot) " + paint("\(s.skipped) skipped", s.skipped > 0 ? .yellow : .none)
        out += "Requests    " + requests + "\n"
        let total = s.assertionsPassed + s.assertionsFailed
        var assertions = "\(total) \(sym.dot) " + paint("\(s.assertionsPassed) passed", s.assertionsPassed > 0 ? .green : .none)
        assertions += " \(sym.dot) " + paint("\(s.assertionsFailed) failed", s.assertionsFailed > 0 ? .red : .none)
        if s.assertionsSkipped > 0 { assertions += " \(sym.dot) " + paint("\(s.assertionsSkipped) skipped", .yellow) }
        out += "Assertions  " + assertions + "\n"
        if s.skippedScripts > 0 {
            out += "Scripts     " + paint("\(s.skippedScripts) skipped (\(SkippedScript.reason))", .yellow) + "\n"
        }
        out += "Time        " + Format.duration(ms: s.durationMs) + "\n"
        if s.interrupted { out += paint("Interrupted", .yellow) + "\n" }

        // A summary given without its request events (a re-render) lists its own results.
        let failures = failureEntries(sawResults ? failing : s.results)
        if !failures.isEmpty {
            out += "\n" + paint("Failures", .bold) + "\n"
            for (n, entry) in failures.enumerated() {
                let label = "\(n + 1)) "
                let pad = String(repeating: " ", count: 2 + label.count)
                out += "  " + paint(label, .red) + paint(entry.request, .bold) + "\n"
                // Lines are already painted and made terminal-safe: only align them.
                for line in entry.lines { out += pad + Self.align(line, by: pad.count) + "\n" }
            }
        }
        return out
    }

    private struct FailureEntry {
        var request: String
        var lines: [String]
    }

    private func failureEntries(_ results: [RequestResult]) -> [FailureEntry] {
        var entries: [FailureEntry] = []
        for r in results {
            let name = r.info.qualifiedName
            for a in r.assertions where !a.passed && !a.isSkipped {
                var lines = [paint(a.name, .red)]
                if let e = a.expected { lines.append(paint("expected:", .dim) + " " + Self.terminalSafe(e)) }
                if let v = a.actual { lines.append(paint("actual:  ", .dim) + " " + Self.terminalSafe(v)) }
                if let m = a.message, !m.isEmpty { lines.append(Self.terminalSafe(m)) }
                entries.append(FailureEntry(request: name, lines: lines))
            }
            if r.status == .failed && !r.assertions.contains(where: { !$0.passed && !$0.isSkipped }) {
                entries.append(FailureEntry(request: name, lines: [paint("request failed", .red)]))
            }
            if r.status == .error || r.errorMessage != nil {
                entries.append(FailureEntry(request: name, lines: [paint("error:", .red) + " " + Self.terminalSafe(r.errorMessage ?? "unknown error")]))
            }
        }
        return entries
    }

    // MARK: - Styling

    private enum Style: String {
        case none = ""
        case bold = "1"
        case dim = "2"
        case red = "31"
        case green = "32"
        case yellow = "33"
        case cyan = "36"
        case magenta = "35"
    }

    private struct Symbols {
        var pass, fail, error, skip, run, arrow, dot, rule, ellipsis: String
    }

    private var sym: Symbols {
        ascii
            ? Symbols(pass: "+", fail: "x", error: "!", skip: "-", run: ">", arrow: "->", dot: "|", rule: "-", ellipsis: "...")
            : Symbols(pass: "✔", fail: "✘", error: "⚠", skip: "↷", run: "▶", arrow: "→", dot: "·", rule: "─", ellipsis: "…")
    }

    private func statusSymbol(_ status: RequestStatus) -> (String, Style) {
        switch status {
        case .passed: return (sym.pass, .green)
        case .failed: return (sym.fail, .red)
        case .error: return (sym.error, .magenta)
        case .skipped: return (sym.skip, .yellow)
        }
    }

    private func statusStyle(_ code: Int) -> Style {
        switch code {
        case 200..<300: return .green
        case 300..<400: return .cyan
        case 400..<500: return .yellow
        default: return .red
        }
    }

    private func paint(_ raw: String, _ style: Style) -> String {
        let text = Self.terminalSafe(raw)
        guard color, style != .none, !text.isEmpty else { return text }
        return "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m"
    }

    /// Data never reaches the terminal raw: control characters other than newline and tab
    /// (ESC above all, which could rewrite the screen) are shown as `\u001B`.
    static func terminalSafe(_ text: String) -> String {
        func unsafe(_ s: Unicode.Scalar) -> Bool {
            (s.value < 0x20 && s != "\n" && s != "\t") || (0x7F...0x9F).contains(s.value)
        }
        guard text.unicodeScalars.contains(where: unsafe) else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if unsafe(s) {
                let hex = String(s.value, radix: 16, uppercase: true)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
            } else {
                out.append(s)
            }
        }
        return String(out)
    }

    /// Continuation lines of a multi-line value, aligned under its first line.
    private func indented(_ raw: String, by columns: Int) -> String {
        Self.align(Self.terminalSafe(raw), by: columns)
    }

    private static func align(_ text: String, by columns: Int) -> String {
        guard text.contains("\n") else { return text }
        let pad = "\n" + String(repeating: " ", count: columns)
        return text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: pad)
    }
}

/// A reference wrapper so a `TextOutputStream` value (such as a `String`) can collect
/// console output and be read afterwards.
public final class TextOutputStreamBox: TextOutputStream {
    private var stream: any TextOutputStream
    public init(_ stream: some TextOutputStream) { self.stream = stream }
    public func write(_ string: String) { stream.write(string) }
    /// The wrapped stream, e.g. `box.value as? String`.
    public var value: any TextOutputStream { stream }
}
