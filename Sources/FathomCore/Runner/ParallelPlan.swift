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

    init(collection: CollectionSpec, scheduled: [ScheduledRequest], iterations: Int, limit: Int) {
        guard limit > 1, !scheduled.isEmpty else {
            stages = []
            isParallel = false
            return
        }
        if iterations > 1 {
            stages = [.lanes((0..<iterations).map { Lane(items: scheduled, iteration: $0, dataIteration: $0, announcesIteration: true) })]
            isParallel = true
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

/// Puts the results of lanes that finish in any order back into lane order: the
/// lane at `head` reports as it goes, later lanes are buffered until every lane
/// before them has finished. Used on the run's serial executor only.
final class OrderedDelivery: @unchecked Sendable {
    private(set) var head = 0
    private var buffers: [Int: [RequestResult]] = [:]
    private var finishedLanes = Set<Int>()
    private let count: Int
    private let begin: (Int) -> Void
    private let forward: (RequestResult) -> Void

    init(count: Int, begin: @escaping (Int) -> Void, deliver: @escaping (RequestResult) -> Void) {
        self.count = count
        self.begin = begin
        forward = deliver
        if count > 0 { begin(0) }
    }

    func deliver(_ result: RequestResult, lane: Int) {
        if lane == head {
            forward(result)
        } else {
            buffers[lane, default: []].append(result)
        }
    }

    func finished(_ lane: Int) {
        finishedLanes.insert(lane)
        while finishedLanes.contains(head) {
            head += 1
            guard head < count else { return }
            begin(head)
            for r in buffers.removeValue(forKey: head) ?? [] { forward(r) }
        }
    }

    /// After an interrupt: what finished lanes left buffered, in lane order.
    func flushAll() {
        for lane in buffers.keys.sorted() where lane > head {
            if lane < count { begin(lane) }
            for r in buffers.removeValue(forKey: lane) ?? [] { forward(r) }
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

/// Runs a task's jobs one at a time on a serial dispatch queue: the lanes' executor
/// when the transport offers none.
final class SerialQueueExecutor: TaskExecutor, @unchecked Sendable {
    private let queue: DispatchQueue
    init(label: String) { queue = DispatchQueue(label: label) }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
