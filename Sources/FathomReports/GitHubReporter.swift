import FathomCore
import Foundation

/// `--reporter github`, for GitHub Actions: each failed assertion and each request
/// error is printed as a workflow command,
///
///     ::error file=collections/smoke/01-me.json,line=9,col=7,title=auth / Get me::$.id equals 5%0Aexpected: 5%0Aactual: 6
///
/// which GitHub shows as an annotation on that line of the request file (in the
/// job, and in a pull request's diff); and when `GITHUB_STEP_SUMMARY` is set, the
/// Markdown summary (`MarkdownReporter`'s) is appended to that file, the job's
/// summary page. Without it, only the annotations are printed.
public final class GitHubReporter: Reporter {
    /// GitHub shows at most 10 error annotations per step and 50 per job; more are
    /// printed to the log but not shown, so the run prints at most this many and
    /// then one line saying how many more failed.
    public static let maxAnnotations = 50

    private let summaryPath: String?
    private let output: (String) -> Void
    private let workspace: String?
    private let workingDirectory: String
    private var summary = MarkdownSummary()
    private var annotations = 0
    private var unprinted = 0

    /// - Parameters:
    ///   - environment: reads `GITHUB_STEP_SUMMARY` (where the summary goes) and
    ///     `GITHUB_WORKSPACE` (what annotation paths are relative to).
    ///   - output: where the annotations are printed (standard output in a run).
    public init(environment: [String: String], workingDirectory: String = FileManager.default.currentDirectoryPath, output: @escaping (String) -> Void) {
        summaryPath = environment["GITHUB_STEP_SUMMARY"].flatMap { $0.isEmpty ? nil : $0 }
        workspace = environment["GITHUB_WORKSPACE"].flatMap { $0.isEmpty ? nil : $0 }
        self.workingDirectory = workingDirectory
        self.output = output
        summary.displayPath = { [workspace, workingDirectory] in Self.repositoryPath($0, workspace: workspace, workingDirectory: workingDirectory) }
    }

    public func handle(_ event: RunEvent) {
        summary.handle(event)
        switch event {
        case .requestFinished(let r):
            let lines = annotationLines(r)
            for line in lines {
                if annotations < Self.maxAnnotations {
                    annotations += 1
                    output(line + "\n")
                } else {
                    unprinted += 1
                }
            }
        case .runFinished:
            if unprinted > 0 {
                output("::warning title=Fathom::\(Self.escapeData("\(unprinted) more failure annotation(s) not printed (at most \(Self.maxAnnotations) per run); see the job summary and the reports"))\n")
            }
        default:
            break
        }
    }

    /// Appends the summary to `GITHUB_STEP_SUMMARY` when set.
    public func finish() throws {
        guard let summaryPath else { return }
        let text = summary.render() + "\n"
        guard let handle = FileHandle(forWritingAtPath: summaryPath) ?? {
            FileManager.default.createFile(atPath: summaryPath, contents: nil) ? FileHandle(forWritingAtPath: summaryPath) : nil
        }() else {
            throw ReportWriteError(path: summaryPath, reason: "cannot open GITHUB_STEP_SUMMARY for appending")
        }
        defer { try? handle.close() }
        do {
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            throw ReportWriteError(path: summaryPath, reason: "\(error.localizedDescription)")
        }
    }

    /// The workflow commands for one request: one per failed assertion, one for an error.
    func annotationLines(_ r: RequestResult) -> [String] {
        guard r.status == .failed || r.status == .error else { return [] }
        let file = r.location.map { Self.repositoryPath($0.file, workspace: workspace, workingDirectory: workingDirectory) }
        let title = r.info.qualifiedName
        var lines: [String] = []
        for a in r.assertions where !a.passed && !a.isSkipped {
            var message = a.name
            if let e = a.expected { message += "\nexpected: \(e)" }
            if let v = a.actual { message += "\nactual: \(v)" }
            if let m = a.message, !m.isEmpty { message += "\n\(m)" }
            lines.append(Self.command("error", file: file, position: a.position ?? r.location?.position, title: title, message: message))
        }
        if r.status == .error || r.errorMessage != nil {
            lines.append(Self.command("error", file: file, position: r.location?.position, title: title, message: r.errorMessage ?? "request error"))
        } else if lines.isEmpty {
            lines.append(Self.command("error", file: file, position: r.location?.position, title: title, message: "request failed"))
        }
        return lines
    }

    public static func command(_ kind: String, file: String?, position: SourcePosition?, title: String, message: String) -> String {
        var properties: [String] = []
        if let file { properties.append("file=" + escapeProperty(file)) }
        if let p = position {
            properties.append("line=\(p.line)")
            properties.append("col=\(p.column)")
        }
        properties.append("title=" + escapeProperty(title))
        return "::\(kind) \(properties.joined(separator: ","))::\(escapeData(MarkdownSummary.clip(message)))"
    }

    /// GitHub's escaping of a workflow command's message (control characters other
    /// than line breaks shown as `\u001B`, as on the console).
    static func escapeData(_ s: String) -> String {
        let escaped = s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A").replacingOccurrences(of: "\t", with: " ")
        return ConsoleReporter.terminalSafe(escaped)
    }

    /// GitHub's escaping of a workflow command's property value.
    static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    /// A request file as GitHub wants it: relative to the repository (the
    /// workspace) when it lies inside it, else as the loader opened it.
    static func repositoryPath(_ file: String, workspace: String?, workingDirectory: String) -> String {
        let absolute = file.hasPrefix("/") ? file : (workingDirectory as NSString).appendingPathComponent(file)
        let normalized = (absolute as NSString).standardizingPath
        guard let workspace else { return file.hasPrefix("./") ? String(file.dropFirst(2)) : file }
        let root = (workspace as NSString).standardizingPath
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return normalized.hasPrefix(prefix) ? String(normalized.dropFirst(prefix.count)) : file
    }
}
