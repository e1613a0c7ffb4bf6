import FathomCore
import Foundation

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

/// A report's entries waiting for its totals (written when the run ends): an
/// unlinked temporary file, so memory does not grow with the run.
final class Spool {
    private let handle: FileHandle
    private let path: String

    init() throws {
        path = NSTemporaryDirectory() + "fathom-junit-\(getpid())-\(UUID().uuidString).part"
        guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forUpdatingAtPath: path) else {
            throw ReportWriteError(path: NSTemporaryDirectory(), reason: "cannot create a temporary file to stream the report through")
        }
        handle = h
        // Gone from the directory at once; the open handle keeps the data.
        unlink(path)
    }

    /// Entries not yet written: one write per 64 KiB rather than per entry.
    private var pending: [UInt8] = []

    deinit { try? handle.close() }

    func append(_ text: String) throws {
        pending.append(contentsOf: text.utf8)
        if pending.count >= 64 * 1024 { try flush() }
    }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        try pending.withUnsafeBytes { try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: $0.baseAddress!), count: $0.count, deallocator: .none)) }
        pending.removeAll(keepingCapacity: true)
    }

    /// Copies everything spooled, in chunks, to `out`.
    func copy(to out: FileHandle) throws {
        try flush()
        let end = try handle.offset()
        try handle.seek(toOffset: 0)
        defer { try? handle.seek(toOffset: end) }
        while try handle.offset() < end {
            guard let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty else { break }
            try out.write(contentsOf: chunk)
        }
    }

    func contents() -> String {
        try? flush()
        guard let end = try? handle.offset() else { return "" }
        try? handle.seek(toOffset: 0)
        defer { try? handle.seek(toOffset: end) }
        let data = (try? handle.read(upToCount: Int(end))) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// A piece of a streamed report: text rendered at the end, or spooled entries.
enum ReportPart {
    case text(String)
    case spool(Spool?)
}

/// Writes a streamed report: `head`, the spooled entries, `tail`, into a file next
/// to `path` that then replaces it, so the report appears whole or not at all.
func writeReport(head: String, spool: Spool?, tail: String, to path: String) throws(ReportWriteError) {
    try writeReport([.text(head), .spool(spool), .text(tail)], to: path)
}

/// Writes the parts of a streamed report in order, into a file next to `path` that
/// then replaces it.
func writeReport(_ parts: [ReportPart], to path: String) throws(ReportWriteError) {
    let url = URL(fileURLWithPath: path)
    let partial = path + ".partial"
    do {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: partial, contents: nil), let out = FileHandle(forWritingAtPath: partial) else {
            throw ReportWriteError(path: path, reason: "cannot create \(partial)")
        }
        defer { try? out.close() }
        for part in parts {
            switch part {
            case .text(let text): try out.write(contentsOf: Data(text.utf8))
            case .spool(let spool): try spool?.copy(to: out)
            }
        }
        try out.close()
        _ = try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: partial, toPath: path)
    } catch let e as ReportWriteError {
        throw e
    } catch {
        try? FileManager.default.removeItem(atPath: partial)
        // Foundation wraps the system's reason ("Not a directory") in a generic one.
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? any Error
        let reason = underlying.map { ($0 as NSError).localizedFailureReason ?? ($0 as NSError).localizedDescription } ?? error.localizedDescription
        throw ReportWriteError(path: path, reason: reason)
    }
}
