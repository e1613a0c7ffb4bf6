import FathomCore
import Foundation

/// The reporters a run writes to, chosen by name (`--reporter console,junit,json`),
/// with their files named after the collection in one directory, and finished
/// together when the run ends. The file reporters run on threads of their own
/// (`QueuedReporter`); the console prints in the run's thread, as it goes.
public final class ReportSet {
    public static let known = ["console", "junit", "json", "html", "markdown", "github", "tap"]

    public let reporters: [any Reporter]
    /// The report files this set writes, in the order of `reporters`.
    public let files: [String]

    /// - Parameters:
    ///   - names: reporter names; unknown ones are rejected by `validate(_:)` first.
    ///   - collectionName: gives the files their names (`Sonar smoke` → `sonar-smoke.junit.xml`).
    ///   - directory: where the report files go.
    ///   - console: the console reporter to use when `console` is named.
    ///   - environment: for `github` (`GITHUB_STEP_SUMMARY`, `GITHUB_WORKSPACE`).
    ///   - annotations: where `github` prints its annotations (standard output, or
    ///     the ordered output of several collections).
    ///   - version: Fathom's version, for the HTML report's footer.
    public init(
        names: [String], collectionName: String, directory: String, console: @autoclosure () -> ConsoleReporter,
        environment: [String: String] = [:], annotations: @escaping (String) -> Void = { _ in }, version: String? = nil,
        progress: ProgressLine? = nil
    ) {
        // First, so the bar is erased before the console prints the summary.
        var reporters: [any Reporter] = progress.map { [$0] } ?? []
        var files: [String] = []
        let slug = Self.fileSlug(collectionName)
        for name in names {
            switch name {
            case "console": reporters.append(console())
            case "junit":
                let path = (directory as NSString).appendingPathComponent("\(slug).junit.xml")
                reporters.append(QueuedReporter(JUnitReporter(outputPath: path), label: "fathom.report.junit"))
                files.append(path)
            case "json":
                let path = (directory as NSString).appendingPathComponent("\(slug).json")
                reporters.append(QueuedReporter(JSONReporter(outputPath: path), label: "fathom.report.json"))
                files.append(path)
            case "html":
                let path = (directory as NSString).appendingPathComponent("\(slug).html")
                reporters.append(QueuedReporter(HTMLReporter(outputPath: path, version: version), label: "fathom.report.html"))
                files.append(path)
            case "markdown":
                let path = (directory as NSString).appendingPathComponent("\(slug).md")
                reporters.append(MarkdownReporter(outputPath: path))
                files.append(path)
            case "tap":
                let path = (directory as NSString).appendingPathComponent("\(slug).tap")
                reporters.append(QueuedReporter(TAPReporter(outputPath: path), label: "fathom.report.tap"))
                files.append(path)
            case "github":
                reporters.append(GitHubReporter(environment: environment, output: annotations))
            default: continue
            }
        }
        self.reporters = reporters
        self.files = files
    }

    /// nil when every name is known, else the message to show.
    public static func validate(_ names: [String]) -> String? {
        for r in names where !known.contains(r) {
            var msg = "unknown reporter '\(r)'"
            if let s = closestMatch(to: r, in: known) { msg += " (did you mean '\(s)'?)" }
            return msg + "; known reporters: \(known.joined(separator: ", "))"
        }
        return nil
    }

    /// Finishes every reporter (writing its file); the problems, one message each.
    public func finish() -> [String] {
        var problems: [String] = []
        for r in reporters {
            do { try r.finish() } catch { problems.append("\(error)") }
        }
        return problems
    }

    /// A file name from a collection name: `Sonar smoke test` → `sonar-smoke-test`.
    public static func fileSlug(_ name: String) -> String {
        var out = ""
        var dash = false
        for c in name.lowercased().unicodeScalars {
            if (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c == "." || c == "_" {
                out.unicodeScalars.append(c)
                dash = false
            } else if !dash && !out.isEmpty {
                out += "-"
                dash = true
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "collection" : out
    }
}

/// Runs a file reporter on a thread of its own: `handle` hands the event over and
/// returns, so rendering a request's JUnit or JSON entry overlaps the next request
/// instead of delaying it; `finish` waits for everything handed over, then finishes.
/// Events keep their order (one serial queue per reporter). At most `capacity`
/// hand-overs wait at once, so a slow disk slows the run rather than filling memory.
/// `handle` is called from one thread at a time (the run's), `finish` after the last.
public final class QueuedReporter: Reporter, @unchecked Sendable {
    private let inner: any Reporter
    private let queue: DispatchQueue
    private let slots: DispatchSemaphore

    public init(_ inner: any Reporter, label: String, capacity: Int = 1024) {
        self.inner = inner
        queue = DispatchQueue(label: label)
        slots = DispatchSemaphore(value: capacity)
    }

    /// A `requestStarted` waits for the `requestFinished` the runner sends right
    /// after it, so each request is one hand-over (one wake-up of the reporter's
    /// thread) rather than two. Touched by the run's thread only.
    private var heldStart: RunEvent?

    public func handle(_ event: RunEvent) {
        if case .requestStarted = event {
            if let held = heldStart { send([held]) }
            heldStart = event
            return
        }
        if let held = heldStart {
            heldStart = nil
            send([held, event])
        } else {
            send([event])
        }
    }

    private func send(_ events: [RunEvent]) {
        slots.wait()
        queue.async {
            for event in events { self.inner.handle(event) }
            self.slots.signal()
        }
    }

    public func finish() throws {
        if let held = heldStart {
            heldStart = nil
            send([held])
        }
        try queue.sync { try inner.finish() }
    }
}
