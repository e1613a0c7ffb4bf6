import Foundation
@testable import FathomCore

/// A temporary directory holding files written by a test, removed on deinit.
final class TempDir {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "fathom-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` at a relative path, creating folders.
    @discardableResult
    func write(_ relative: String, _ text: String) -> String {
        let full = (path as NSString).appendingPathComponent(relative)
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! text.write(toFile: full, atomically: true, encoding: .utf8)
        return full
    }
}

/// Loads a collection expecting failure; returns the diagnostics as printed.
func loadErrors(_ path: String) -> [String] {
    do {
        _ = try CollectionLoader.load(path)
        return []
    } catch {
        return error.diagnostics.map(\.description)
    }
}
