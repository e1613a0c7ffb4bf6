import Foundation
import Testing

/// The repository root, from this file's path.
let repoRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// The `fathom` executable built next to the test bundle.
let fathomBinary: String = {
    let candidates: [String] = [
        Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("fathom").path ?? "",
        Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("fathom").path,
        "\(repoRoot)/.build/debug/fathom",
    ]
    for c in candidates where FileManager.default.isExecutableFile(atPath: c) { return c }
    return candidates[candidates.count - 1]
}()

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
    /// Seconds from the process's launch to its exit (not counting the wait for a slot).
    var elapsed: Double = 0
    var output: String { stdout + stderr }
}

/// Runs `fathom` with arguments, in `directory`, without a terminal and with NO_COLOR.
/// The wait happens on a Dispatch thread, so that tests running in parallel do not
/// starve Swift concurrency's small cooperative pool (2 threads on 2 cores).
func runFathom(_ arguments: [String], in directory: String = repoRoot, environment extra: [String: String] = [:], stdin: String? = nil) async throws -> ProcessResult {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try runFathomBlocking(arguments, in: directory, environment: extra, stdin: stdin) })
        }
    }
}

/// How many `fathom` processes the suite runs at once (`FATHOM_TEST_JOBS`, by default
/// three per core): Swift Testing starts every test at once, and dozens of processes
/// on two cores made a mock's first answer take seconds, past collections' own bounds.
let processSlots: DispatchSemaphore = {
    let configured = ProcessInfo.processInfo.environment["FATHOM_TEST_JOBS"].flatMap(Int.init)
    return DispatchSemaphore(value: max(1, configured ?? ProcessInfo.processInfo.activeProcessorCount * 3))
}()

func runFathomBlocking(_ arguments: [String], in directory: String = repoRoot, environment extra: [String: String] = [:], stdin: String? = nil) throws -> ProcessResult {
    processSlots.wait()
    defer { processSlots.signal() }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: fathomBinary)
    p.arguments = arguments
    p.currentDirectoryURL = URL(fileURLWithPath: directory)
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    for (k, v) in extra { env[k] = v }
    p.environment = env
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    let input = Pipe()
    p.standardInput = input
    let launched = DispatchTime.now()
    try p.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try? input.fileHandleForWriting.close()
    // Read both pipes concurrently so a large output cannot block the child.
    let group = DispatchGroup()
    nonisolated(unsafe) var outData = Data()
    nonisolated(unsafe) var errData = Data()
    group.enter()
    DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    group.enter()
    DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    group.wait()
    p.waitUntilExit()
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - launched.uptimeNanoseconds) / 1e9
    return ProcessResult(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self), elapsed: elapsed)
}

/// A temporary directory holding files written by a test, removed on deinit.
final class TempDir {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "fathom-it-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ relative: String, _ text: String) -> String {
        let full = (path as NSString).appendingPathComponent(relative)
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! text.write(toFile: full, atomically: true, encoding: .utf8)
        return full
    }

    func read(_ relative: String) -> String? {
        try? String(contentsOfFile: (path as NSString).appendingPathComponent(relative), encoding: .utf8)
    }
}

/// Runs a command line tool and returns its status and combined output.
func shell(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// How much slower than usual the suite runs (`FATHOM_TEST_SLOWDOWN`, e.g. 3 under
/// the address sanitizer in `.ci/run`): the bounds that only guard against a hang
/// are multiplied by it.
let testSlowdown: Double = ProcessInfo.processInfo.environment["FATHOM_TEST_SLOWDOWN"].flatMap(Double.init).map { max(1, $0) } ?? 1
