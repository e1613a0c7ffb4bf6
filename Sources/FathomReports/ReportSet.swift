import FathomCore
import Foundation

/// The reporters a run writes to, chosen by name (`--reporter console,junit,json`),
/// with their files named after the collection in one directory, and finished
/// together when the run ends.
public final class ReportSet {
    public static let known = ["console", "junit", "json"]

    public let reporters: [any Reporter]
    /// The report files this set writes, in the order of `reporters`.
    public let files: [String]

    /// - Parameters:
    ///   - names: reporter names; unknown ones are rejected by `validate(_:)` first.
    ///   - collectionName: gives the files their names (`Sonar smoke` → `sonar-smoke.junit.xml`).
    ///   - directory: where the report files go.
    ///   - console: the console reporter to use when `console` is named.
    public init(names: [String], collectionName: String, directory: String, console: @autoclosure () -> ConsoleReporter) {
        var reporters: [any Reporter] = []
        var files: [String] = []
        let slug = Self.fileSlug(collectionName)
        for name in names {
            switch name {
            case "console": reporters.append(console())
            case "junit":
                let path = (directory as NSString).appendingPathComponent("\(slug).junit.xml")
                reporters.append(JUnitReporter(outputPath: path))
                files.append(path)
            case "json":
                let path = (directory as NSString).appendingPathComponent("\(slug).json")
                reporters.append(JSONReporter(outputPath: path))
                files.append(path)
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
