import Foundation

/// `--shard K/N`: which job of N runs what. The work of a run is cut into *units*
/// that never split requests that chain, every unit is given to exactly one of the
/// N shards (balanced by request count), and shard K runs only its own units. So
/// N jobs of a CI matrix, each with the same command and its own K, together run
/// everything exactly once, and `fathom merge-reports` puts their reports back
/// together in the order of one unsharded run.
///
/// The units of one collection, in run order:
/// - with several iterations, each iteration (with its data row);
/// - else each top-level folder marked `"parallel": true` (the lanes of
///   `--parallel`), and everything else (requests at the root and unmarked folders,
///   which run in order) as one unit, which also takes every marked folder that
///   shares a value with it: one that uses a value the rest captures or sets in a
///   script, or captures or sets a value the rest uses;
/// - else, the whole collection is one unit.
/// Several collections on one command line are shared out together.
public enum ShardPlan {
    /// One unit of work: some iterations, or some requests of one iteration.
    public struct Unit: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// The iteration (0-based) of every selected request.
            case iteration(Int)
            /// Positions in the selected requests (of the run's single iteration).
            case requests([Int])
        }
        public var kind: Kind
        /// Requests the unit sends (its weight when sharing out).
        public var weight: Int
        /// For messages: `iteration 3`, `folder "accounts"`, `the requests outside parallel folders`.
        public var label: String
    }

    /// The units of one collection's run, in run order.
    public static func units(_ collection: CollectionSpec, _ configuration: RunConfiguration) -> [Unit] {
        let scheduled = RequestSelection.select(collection, configuration)
        guard !scheduled.isEmpty else { return [] }
        let iterations = configuration.effectiveIterationCount
        if iterations > 1 {
            return (0..<iterations).map { Unit(kind: .iteration($0), weight: scheduled.count, label: "iteration \($0 + 1)") }
        }
        // Lanes: positions of each parallel top-level folder; the rest chained.
        var lanes: [(folder: Folder, positions: [Int])] = []
        var chained: [Int] = []
        for (i, s) in scheduled.enumerated() {
            if let top = ParallelPlan.parallelFolder(of: s, in: collection) {
                if let last = lanes.indices.last, lanes[last].folder.id == top.id {
                    lanes[last].positions.append(i)
                } else if let k = lanes.firstIndex(where: { $0.folder.id == top.id }) {
                    lanes[k].positions.append(i)
                } else {
                    lanes.append((top, [i]))
                }
            } else {
                chained.append(i)
            }
        }
        if lanes.isEmpty {
            return [Unit(kind: .requests(Array(scheduled.indices)), weight: scheduled.count, label: "the whole collection")]
        }
        // A lane sharing a value with the chained requests runs with them.
        var joined = Set<Int>()
        if !chained.isEmpty {
            let rest = Values(requests: chained.map { scheduled[$0] }, folders: [])
            for (k, lane) in lanes.enumerated() {
                let own = Values(requests: lane.positions.map { scheduled[$0] }, folders: [lane.folder])
                let usesTheirs = !own.uses.subtracting(own.sets).isDisjoint(with: rest.sets)
                let theyUseOurs = !rest.uses.subtracting(rest.sets).isDisjoint(with: own.sets)
                if usesTheirs || theyUseOurs { joined.insert(k) }
            }
        }
        var units: [(first: Int, unit: Unit)] = []
        var chainUnit = chained
        for k in joined { chainUnit += lanes[k].positions }
        chainUnit.sort()
        if !chainUnit.isEmpty {
            let label = joined.isEmpty ? "the requests outside parallel folders"
                : "the requests outside parallel folders, with " + joined.sorted().map { "folder \"\(lanes[$0].folder.id)\"" }.joined(separator: ", ")
            units.append((chainUnit[0], Unit(kind: .requests(chainUnit), weight: chainUnit.count, label: label)))
        }
        for (k, lane) in lanes.enumerated() where !joined.contains(k) {
            units.append((lane.positions[0], Unit(kind: .requests(lane.positions), weight: lane.positions.count, label: "folder \"\(lane.folder.id)\"")))
        }
        return units.sorted { $0.first < $1.first }.map(\.unit)
    }

    /// Gives every unit of every collection to one of `count` shards: the heaviest
    /// first, each to the shard with the fewest requests so far (the lowest-numbered
    /// on a tie), so the same units always give the same shares. Returns, for each
    /// collection, the shard (1-based) of each of its units.
    public static func assign(_ units: [[Unit]], count: Int) -> [[Int]] {
        var flat: [(collection: Int, unit: Int, weight: Int)] = []
        for (c, list) in units.enumerated() {
            for (u, unit) in list.enumerated() { flat.append((c, u, unit.weight)) }
        }
        // Stable: equal weights keep run order.
        let order = flat.indices.sorted { a, b in
            flat[a].weight != flat[b].weight ? flat[a].weight > flat[b].weight : a < b
        }
        var load = [Int](repeating: 0, count: max(1, count))
        var out = units.map { [Int](repeating: 0, count: $0.count) }
        for i in order {
            var best = 0
            for s in 1..<load.count where load[s] < load[best] { best = s }
            load[best] += flat[i].weight
            out[flat[i].collection][flat[i].unit] = best + 1
        }
        return out
    }

    /// A fingerprint of the whole plan (every collection's name and units, and the
    /// number of shards), so reports of different plans are never merged.
    public static func fingerprint(names: [String], units: [[Unit]], count: Int) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) {
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
            hash ^= 0xFF
            hash = hash &* 0x0000_0100_0000_01B3
        }
        mix("fathom-shard-plan-1")
        mix(String(count))
        for (name, list) in zip(names, units) {
            mix(name)
            for unit in list {
                switch unit.kind {
                case .iteration(let i): mix("i\(i)")
                case .requests(let p): mix("r" + p.map(String.init).joined(separator: ","))
                }
                mix(String(unit.weight))
            }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The values some requests set (captures, and names scripts set) and use
    /// (`{{name}}` in their files and their folders' folder.json, and names scripts read).
    struct Values {
        var sets = Set<String>()
        var uses = Set<String>()

        init(requests: [ScheduledRequest], folders: [Folder]) {
            var files: [String] = []
            var seenFolders = Set<String>()
            for s in requests {
                for c in s.request.captures { sets.insert(c.name) }
                files.append(s.request.file)
                for f in s.folders.dropFirst() where seenFolders.insert(f.id).inserted {
                    if let source = f.source?.file, source.hasSuffix("folder.json") { files.append(source) }
                    for script in f.settings.scripts { Self.scan(script.source, sets: &sets, uses: &uses) }
                }
                for script in s.request.scripts { Self.scan(script.source, sets: &sets, uses: &uses) }
            }
            for f in folders where seenFolders.insert(f.id).inserted {
                if let source = f.source?.file, source.hasSuffix("folder.json") { files.append(source) }
            }
            for file in Set(files) {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                uses.formUnion(ParallelFolders.templateNames(Array(data)))
            }
        }

        /// Names a script sets or reads through `pm.*.set/get` and the legacy globals.
        static func scan(_ source: String, sets: inout Set<String>, uses: inout Set<String>) {
            for (pattern, isSet) in [(setPattern, true), (getPattern, false)] {
                let range = NSRange(source.startIndex..., in: source)
                for m in pattern.matches(in: source, range: range) {
                    guard let r = Range(m.range(at: 1), in: source) else { continue }
                    if isSet { sets.insert(String(source[r])) } else { uses.insert(String(source[r])) }
                }
            }
        }

        nonisolated(unsafe) static let setPattern = try! NSRegularExpression(
            pattern: #"(?:pm\.(?:environment|collectionVariables|variables|globals)\.set|postman\.set(?:Environment|Global)Variable)\(\s*["'`]([^"'`]+)["'`]"#)
        nonisolated(unsafe) static let getPattern = try! NSRegularExpression(
            pattern: #"(?:pm\.(?:environment|collectionVariables|variables|globals)\.(?:get|has|replaceIn)|postman\.get(?:Environment|Global)Variable)\(\s*["'`]([^"'`]+)["'`]"#)
    }
}

/// `--shard K/N`: this job is shard `index` of `count`.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int
    /// The most shards a run is cut into.
    public static let maxCount = 1000

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    public var description: String { "\(index)/\(count)" }

    /// `K/N`, or the message saying what is wrong with it.
    public static func parse(_ text: String) -> Result<Shard, ShardSyntaxError> {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0].trimmingCharacters(in: .whitespaces)), let n = Int(parts[1].trimmingCharacters(in: .whitespaces)) else {
            return .failure(ShardSyntaxError("--shard takes K/N, such as 2/5 (the second of five shards), not '\(text)'"))
        }
        if n < 1 { return .failure(ShardSyntaxError("--shard \(text): the number of shards must be at least 1")) }
        if n > maxCount { return .failure(ShardSyntaxError("--shard \(text): at most \(maxCount) shards")) }
        if k < 1 { return .failure(ShardSyntaxError("--shard \(text): shards are numbered from 1, so K runs from 1 to \(n) (1/\(n) ... \(n)/\(n))")) }
        if k > n { return .failure(ShardSyntaxError("--shard \(text): there is no shard \(k) of \(n); K runs from 1 to \(n)")) }
        return .success(Shard(index: k, count: n))
    }
}

public struct ShardSyntaxError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// What one collection's run does under `--shard`: this shard's units of it.
public struct RunShare: Sendable {
    public var shard: Shard
    /// Ordinals of this collection's units that this shard runs, ascending.
    public var units: [Int]
    /// How many units the collection has in all.
    public var unitCount: Int
    /// `ShardPlan.fingerprint` of the whole plan.
    public var plan: String

    public init(shard: Shard, units: [Int], unitCount: Int, plan: String) {
        self.shard = shard
        self.units = units
        self.unitCount = unitCount
        self.plan = plan
    }
}

/// Written into a sharded run's reports, so `merge-reports` can check and order them.
public struct ShardInfo: Sendable, Equatable {
    public var index: Int
    public var count: Int
    public var plan: String
    public var unitCount: Int
    public init(index: Int, count: Int, plan: String, unitCount: Int) {
        self.index = index
        self.count = count
        self.plan = plan
        self.unitCount = unitCount
    }
}
