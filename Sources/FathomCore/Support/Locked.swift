import Foundation

/// A value behind a lock: the one lock type of the package, used by the core,
/// the transport and the embedded instance for the little shared state they keep.
///
/// Built on `NSLock` (a pthread mutex) because the package still deploys to
/// macOS 14, which lacks `Synchronization.Mutex`.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    /// Runs `body` with exclusive access to the value.
    @inline(__always)
    public func withLock<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

extension Locked where Value == Void {
    public convenience init() { self.init(()) }

    /// Runs `body` while holding the lock.
    @inline(__always)
    public func withLock<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        try withLock { (_: inout Void) throws(E) -> R in try body() }
    }
}
