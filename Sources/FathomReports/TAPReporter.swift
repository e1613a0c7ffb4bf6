// Sample output (`--reporter tap`, reports/sample-api.tap; TAP version 14):
//
//   TAP version 14
//   # Sample API
//   ok 1 - auth / Get me
//   not ok 2 - users / Create user
//     ---
//     file: 02-users/01-create.json
//     line: 9
//     failures:
//       - assertion: "$.id equals 5"
//         expected: "5"
//         actual: "6"
//     duration_ms: 3.0
//     ...
//   not ok 3 - Broken
//     ---
//     error: "connection failed: Connection refused"
//     ...
//   ok 4 - Later # SKIP depends on a failed request
//   1..4
//
// One test point per request; the plan comes last (TAP allows it), so the file is
// written as the run goes. Strings in the YAML blocks are double-quoted with JSON's
// escapes, which YAML reads the same.

import FathomCore
import Foundation

/// `--reporter tap`: the run as TAP version 14, one test point per request, with a
/// YAML diagnostic block for each failure, for the tools that read TAP.
public final class TAPReporter: Reporter {
    public let outputPath: String
    private var spool: Spool?
    private var problem: (any Error)?
    private var points = 0
    private var collection = "fathom"
    private var interrupted = false

    public init(outputPath: String) {
        self.outputPath = outputPath
    }

    public func handle(_ event: RunEvent) {
        switch event {
        case .runStarted(let info): collection = info.collectionName
        case .iterationStarted, .requestStarted: break
        case .requestFinished(let r): append(point(r))
        case .runFinished(let s):
            interrupted = s.interrupted
            if points == 0 { for r in s.results { append(point(r)) } }
        }
    }

    private func append(_ text: String) {
        do {
            if spool == nil { spool = try Spool() }
            try spool!.append(text)
        } catch {
            problem = problem ?? error
        }
    }

    private func point(_ r: RequestResult) -> String {
        points += 1
        let name = Self.description(r.info.qualifiedName)
        switch r.status {
        case .passed:
            return "ok \(points) - \(name)\n"
        case .skipped:
            return "ok \(points) - \(name) # SKIP \(Self.directiveText(r.skipReason ?? "skipped"))\n"
        case .failed, .error:
            var out = "not ok \(points) - \(name)\n  ---\n"
            if let l = r.location {
                out += "  file: \(Self.yaml(l.file))\n"
                if let line = r.assertions.first(where: { !$0.passed && !$0.isSkipped && $0.position != nil })?.position?.line ?? l.position?.line {
                    out += "  line: \(line)\n"
                }
            }
            let failed = r.assertions.filter { !$0.passed && !$0.isSkipped }
            if !failed.isEmpty {
                out += "  failures:\n"
                for a in failed {
                    out += "    - assertion: \(Self.yaml(a.name))\n"
                    if let e = a.expected { out += "      expected: \(Self.yaml(e))\n" }
                    if let v = a.actual { out += "      actual: \(Self.yaml(v))\n" }
                    if let m = a.message, !m.isEmpty { out += "      message: \(Self.yaml(m))\n" }
                }
            }
            if let e = r.errorMessage { out += "  error: \(Self.yaml(e))\n" }
            if let res = r.response { out += "  status: \(res.status)\n" }
            out += "  duration_ms: \(Format.fixed(r.durationMs, 1))\n  ...\n"
            return out
        }
    }

    public func finish() throws {
        if let problem { throw problem }
        let head = "TAP version 14\n# \(Self.directiveText(collection))\n"
        var tail = interrupted ? "# interrupted: the requests not run are not listed\n" : ""
        tail += "1..\(points)\n"
        try writeReport(head: head, spool: spool, tail: tail, to: outputPath)
    }

    /// A test point's description: one line, and `#` escaped (it starts a directive).
    static func description(_ s: String) -> String {
        directiveText(s).replacingOccurrences(of: "#", with: "\\#")
    }

    /// Text on one line.
    static func directiveText(_ s: String) -> String {
        s.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
    }

    /// A YAML double-quoted scalar (JSON's string escapes are YAML's).
    static func yaml(_ s: String) -> String {
        JSON.string(s).serialized()
    }
}
