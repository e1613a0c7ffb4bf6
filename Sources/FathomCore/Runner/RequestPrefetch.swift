import Foundation

/// Reads a sequence's deferred request files (see `RequestFiles`) ahead of the
/// runner, on a queue of its own, so that reading each file again overlaps the
/// transfers before it instead of adding to every request's time.
///
/// The runner asks for the request at each position it reaches (`take`). What the
/// queue has read by then is handed over; anything else is read on the spot, so
/// the runner never waits for the queue. Reading ahead starts again whenever the
/// runner comes within half a window of where it stopped, one batch at a time, so
/// the queue wakes once per batch rather than once per request, and at most a
/// window of read requests is held.
final class RequestPrefetch: @unchecked Sendable {
    static let window = 32

    private let items: [ScheduledRequest]
    private let queue = DispatchQueue(label: "fathom.prefetch")
    private struct Shared {
        var ready: [Int: Result<RequestSpec, LoadError>] = [:]
        /// The furthest position taken: the queue keeps nothing at or before it.
        var taken = -1
    }
    private let shared = Locked(Shared())
    // Touched by the runner's side only.
    private var requestedThrough = -1
    private var last = -1

    init(_ items: [ScheduledRequest]) { self.items = items }

    /// The whole request at `position`: its file read again if it is deferred.
    func take(_ position: Int) -> Result<RequestSpec, LoadError> {
        let request = items[position].request
        guard request.isDeferred else { return .success(request) }
        let jumped = position != last + 1
        last = position
        if jumped { requestedThrough = max(requestedThrough, position) }
        let got = shared.withLock { s -> Result<RequestSpec, LoadError>? in
            s.taken = max(s.taken, position)
            // After a jump (setNextRequest), what was read for the positions passed over goes.
            if jumped, !s.ready.isEmpty { s.ready = s.ready.filter { $0.key > position } }
            return s.ready.removeValue(forKey: position)
        }
        readAhead(from: position)
        if let got { return got }
        return Result { () throws(LoadError) in try request.loaded() }
    }

    private func readAhead(from position: Int) {
        guard requestedThrough < position + Self.window / 2 else { return }
        let lo = max(requestedThrough + 1, position + 1)
        let hi = min(position + Self.window, items.count - 1)
        guard lo <= hi else { return }
        requestedThrough = hi
        let items = self.items
        let shared = self.shared
        queue.async {
            for i in lo...hi {
                let request = items[i].request
                guard request.isDeferred, shared.withLock({ i > $0.taken }) else { continue }
                let result = Result { () throws(LoadError) in try request.loaded() }
                shared.withLock { s in
                    if i > s.taken { s.ready[i] = result }
                }
            }
        }
    }
}
