import FathomCore
import Foundation

/// What a file reporter keeps of a run until it writes its file: the run's
/// info, each finished request, and the summary once the run ends.
struct RunRecording {
    private(set) var info: RunInfo?
    private(set) var finished: [RequestResult] = []
    private(set) var summary: RunSummary?

    mutating func record(_ event: RunEvent) {
        switch event {
        case .runStarted(let i): info = i
        case .requestStarted, .iterationStarted: break
        case .requestFinished(let result): finished.append(result)
        case .runFinished(let s): summary = s
        }
    }

    /// The results to report: the summary's when the run finished, else those seen so far.
    var results: [RequestResult] { summary?.results ?? finished }
}

/// A report file that could not be written, with the path and the reason.
public struct ReportWriteError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String {
        "cannot write the report \(path): \(reason) (choose a writable directory with --reports-dir)"
    }
}

/// Writes a report file, creating its directory when missing, atomically.
public func writeReport(_ text: String, to path: String) throws(ReportWriteError) {
    let url = URL(fileURLWithPath: path)
    do {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
    } catch {
        // Foundation wraps the system's reason ("Not a directory") in a generic one.
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? any Error
        let reason = underlying.map { ($0 as NSError).localizedFailureReason ?? ($0 as NSError).localizedDescription } ?? error.localizedDescription
        throw ReportWriteError(path: path, reason: reason)
    }
}
