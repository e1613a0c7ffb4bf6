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
        case .requestStarted: break
        case .requestFinished(let result): finished.append(result)
        case .runFinished(let s): summary = s
        }
    }

    /// The results to report: the summary's when the run finished, else those seen so far.
    var results: [RequestResult] { summary?.results ?? finished }
}

/// Writes a report file, creating its directory when missing, atomically.
func writeReport(_ text: String, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url, options: .atomic)
}
