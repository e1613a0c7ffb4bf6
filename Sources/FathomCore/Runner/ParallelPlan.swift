import Dispatch

/// How a run splits into lanes for `--parallel N` (N > 1). A lane is a list of
/// requests that always run in order, one after another (they chain through
/// captures); lanes of one stage run at the same time, up to N at once.
///
/// - With several iterations, each iteration is a lane (with its own data row).
/// - With one, every top-level folder marked `"parallel": true` (in its
///   folder.json, or for all top-level folders in collection.json) is a lane, and
///   consecutive such folders form a stage. Requests at the root and folders not
///   marked run in order between the stages, as they would sequentially.
///
/// A plan with no stage of two lanes or more is not parallel: the run is sequential.
public struct ParallelPlan {
    struct Lane: Sendable {
        var items: [ScheduledRequest]
        /// 0-based iteration the lane's requests belong to.
        var iteration: Int
        /// When the lane is an iteration: whose data row it takes.
        var dataIteration: Int?
        /// Whether reporting the lane starts with `iterationStarted`.
        var announcesIteration: Bool
    }

    enum Stage {
        case sequential([ScheduledRequest])
        case lanes([Lane])
    }

    let stages: [Stage]
    let isParallel: Bool

    /// - Parameter only: the iterations to run (0-based, ascending) when not all of
    ///   them (`--shard`).
    init(collection: CollectionSpec, scheduled: [ScheduledRequest], iterations: Int, limit: Int, only: [Int]? = nil) {
        guard limit > 1, !scheduled.isEmpty else {
            stages = []
            isParallel = false
            return
        }
        if iterations > 1 {
            let run = only ?? Array(0..<iterations)
            stages = [.lanes(run.map { Lane(items: scheduled, iteration: $0, dataIteration: $0, announcesIteration: true) })]
            isParallel = run.count > 1
            return
        }
        var stages: [Stage] = []
        var sequential: [ScheduledRequest] = []
        var lanes: [Lane] = []
        var laneFolder: String?
        for s in scheduled {
            if let top = Self.parallelFolder(of: s, in: collection) {
                if !sequential.isEmpty {
                    stages.append(.sequential(sequential))
                    sequential = []
                }
                if top.id == laneFolder {
                    lanes[lanes.count - 1].items.append(s)
                } else {
                    lanes.append(Lane(items: [s], iteration: 0, dataIteration: 0, announcesIteration: false))
                    laneFolder = top.id
                }
            } else {
                if !lanes.isEmpty {
                    stages.append(.lanes(lanes))
                    lanes = []
                    laneFolder = nil
                }
                sequential.append(s)
            }
        }
        if !sequential.isEmpty { stages.append(.sequential(sequential)) }
        if !lanes.isEmpty { stages.append(.lanes(lanes)) }
        self.stages = stages
        isParallel = stages.contains { stage in
            if case .lanes(let l) = stage { return l.count > 1 }
            return false
        }
    }

    /// Whether a run of `collection` with `configuration` would run lanes at once
    /// (so the command picks a transport that can carry several transfers).
    public static func runsInParallel(_ collection: CollectionSpec, _ configuration: RunConfiguration) -> Bool {
        ParallelPlan(
            collection: collection, scheduled: RequestSelection.select(collection, configuration),
            iterations: configuration.effectiveIterationCount, limit: configuration.parallel
        ).isParallel
    }

    /// The top-level folder of `s` when it is marked parallel.
    static func parallelFolder(of s: ScheduledRequest, in collection: CollectionSpec) -> Folder? {
        guard s.folders.count >= 2 else { return nil }
        let top = s.folders[1]
        return isParallel(top, in: collection) ? top : nil
    }

    static func isParallel(_ topFolder: Folder, in collection: CollectionSpec) -> Bool {
        topFolder.settings.parallel ?? collection.root.settings.parallel ?? false
    }
}

/// Puts what lanes produce, in whatever order they finish, back into lane order:
/// the lane at `head` goes straight through to `forward`, later lanes are held
/// until every lane before them has finished. Thread-safe, and `begin` and
/// `forward` are called under its lock, so what they write never interleaves.
/// The runner orders lanes' results with it, the command several collections'
/// console output.
public final class OrderedMerge<Element>: @unchecked Sendable {
    private struct State {
        var head = 0
        var held: [Int: [Element]] = [:]
        var finished = Set<Int>()
    }
    private let state = Locked(State())
    private let count: Int
    private let begin: (Int) -> Void
    private let forward: (Element) -> Void

    /// - Parameters:
    ///   - begin: called once for each lane as its output starts going through
    ///     (lane 0 at once), before any of it.
    ///   - forward: receives the elements in lane order.
    public init(count: Int, begin: @escaping (Int) -> Void = { _ in }, forward: @escaping (Element) -> Void) {
        self.count = count
        self.begin = begin
        self.forward = forward
        if count > 0 { begin(0) }
    }

    /// The lane whose output goes straight through.
    public var head: Int { state.withLock { $0.head } }

    public func add(_ element: Element, from lane: Int) {
        state.withLock { s in
            if lane == s.head {
                forward(element)
            } else {
                s.held[lane, default: []].append(element)
            }
        }
    }

    public func finished(_ lane: Int) {
        state.withLock { s in
            s.finished.insert(lane)
            while s.finished.contains(s.head) {
                s.head += 1
                guard s.head < count else { return }
                begin(s.head)
                for e in s.held.removeValue(forKey: s.head) ?? [] { forward(e) }
            }
        }
    }

    /// After an interrupt: what lanes left held, in lane order.
    public func flushAll() {
        state.withLock { s in
            for lane in s.held.keys.sorted() where lane > s.head {
                begin(lane)
                for e in s.held.removeValue(forKey: lane) ?? [] { forward(e) }
            }
        }
    }
}

/// A first-come, first-served async mutex: parallel lanes take turns with the
/// one JavaScript context. Uncontended (a sequential run) it costs a lock.
final class AsyncGate: @unchecked Sendable {
    private struct State {
        var busy = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Locked(State())

    func enter() async {
        let entered = state.withLock { s -> Bool in
            if s.busy { return false }
            s.busy = true
            return true
        }
        if entered { return }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if !s.busy {
                    s.busy = true
                    return true
                }
                s.waiters.append(c)
                return false
            }
            if now { c.resume() }
        }
    }

    func leave() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiters.isEmpty {
                s.busy = false
                return nil
            }
            return s.waiters.removeFirst()
        }
        next?.resume()
    }
}

/// Runs a task's jobs one at a time on a serial dispatch queue: the sequential
/// transport's thread, and the lanes' executor when the transport offers none.
public final class SerialQueueExecutor: TaskExecutor, @unchecked Sendable {
    public let queue: DispatchQueue
    public init(queue: DispatchQueue) { self.queue = queue }
    public convenience init(label: String) { self.init(queue: DispatchQueue(label: label)) }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
