import FathomCore
import FathomXML
import Foundation

/// `fathom merge-reports OUT IN...`: the JUnit or JSON reports of the shards of one
/// run (`fathom run --shard K/N`) merged into the report one unsharded run writes:
/// the same suites, testcases and request entries in the same order, numbered
/// again, with the totals added up; the shard markers are left out. Only times,
/// timestamps and host names differ from the unsharded report (each keeps its
/// shard's; the total time is the sum of the shards').
///
/// Refused, with the file named: a file that is not a Fathom report of a sharded
/// run, JUnit mixed with JSON, reports of different collections or of different
/// shard plans (another collection, selection, data, or number of shards), a shard
/// given twice, and a missing shard.
public enum ReportMerge {
    public enum Kind: String, Sendable {
        case junit = "JUnit"
        case json = "JSON"
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// One input: its path (for messages) and its bytes.
    public struct Input {
        public var path: String
        public var bytes: [UInt8]
        public init(path: String, bytes: [UInt8]) {
            self.path = path
            self.bytes = bytes
        }
    }

    /// The merged report's kind and text.
    public static func merge(_ inputs: [Input]) throws(Failure) -> (kind: Kind, text: String) {
        guard !inputs.isEmpty else { throw Failure("give the shards' reports to merge") }
        var kinds: [(path: String, kind: Kind)] = []
        for input in inputs {
            guard let k = kind(of: input.bytes) else { throw Failure("\(input.path) is neither a JUnit (XML) nor a JSON report") }
            kinds.append((input.path, k))
        }
        if let other = kinds.first(where: { $0.kind != kinds[0].kind }) {
            throw Failure("\(kinds[0].path) is a \(kinds[0].kind.rawValue) report but \(other.path) is a \(other.kind.rawValue) report; merge the JUnit reports and the JSON reports separately")
        }
        switch kinds[0].kind {
        case .junit: return (.junit, try mergeJUnit(inputs))
        case .json: return (.json, try mergeJSON(inputs))
        }
    }

    static func kind(of bytes: [UInt8]) -> Kind? {
        var i = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        guard i < bytes.count else { return nil }
        switch bytes[i] {
        case UInt8(ascii: "<"): return .junit
        case UInt8(ascii: "{"): return .json
        default: return nil
        }
    }

    // MARK: - Checks common to both kinds

    struct ShardOf {
        var path: String
        var collection: String
        var info: ShardInfo
    }

    /// Checks that the shards belong together and that each of 1...N is there once;
    /// returns them in shard order.
    static func checked<T>(_ shards: [(ShardOf, T)]) throws(Failure) -> [(ShardOf, T)] {
        let first = shards[0].0
        for (s, _) in shards.dropFirst() {
            if s.collection != first.collection {
                throw Failure("\(first.path) is a report of collection \"\(first.collection)\" but \(s.path) of \"\(s.collection)\"; merge one collection's shards at a time")
            }
            if s.info.count != first.info.count {
                throw Failure("\(first.path) is shard \(first.info.index)/\(first.info.count) but \(s.path) is shard \(s.info.index)/\(s.info.count); every shard of one run has the same N")
            }
            if s.info.plan != first.info.plan || s.info.unitCount != first.info.unitCount {
                throw Failure("\(first.path) and \(s.path) come from different shard plans (another collection, selection, data, or version of Fathom); run every shard with the same command and merge the reports of one run")
            }
        }
        var byIndex: [Int: (ShardOf, T)] = [:]
        for entry in shards {
            if let other = byIndex[entry.0.info.index] {
                throw Failure("shard \(entry.0.info.index)/\(first.info.count) is given twice: \(other.0.path) and \(entry.0.path)")
            }
            byIndex[entry.0.info.index] = entry
        }
        let missing = (1...first.info.count).filter { byIndex[$0] == nil }
        if !missing.isEmpty {
            let list = missing.map { "\($0)/\(first.info.count)" }.joined(separator: ", ")
            throw Failure("shard\(missing.count == 1 ? "" : "s") \(list) \(missing.count == 1 ? "is" : "are") missing: \(first.info.count) shards ran and \(shards.count) report\(shards.count == 1 ? " is" : "s are") given")
        }
        return (1...first.info.count).map { byIndex[$0]! }
    }

    // MARK: - JUnit

    static func mergeJUnit(_ inputs: [Input]) throws(Failure) -> String {
        var shards: [(ShardOf, XMLNode)] = []
        for input in inputs {
            let parsed: (prologue: [XMLNode], root: XMLNode)
            do {
                parsed = try XMLTree.parse(input.bytes, name: input.path)
            } catch {
                throw Failure(error.description)
            }
            guard parsed.root.name == "testsuites" else {
                throw Failure("\(input.path) is not a JUnit report of Fathom's (its root is <\(parsed.root.name)>, not <testsuites>)")
            }
            guard let marker = parsed.prologue.first(where: { $0.name == JUnitShardMarker.target }),
                  let info = shardInfo(fromPI: marker.text)
            else {
                throw Failure("\(input.path) is not the report of a sharded run (it has no <?\(JUnitShardMarker.target)?> marker); merge-reports merges the reports of fathom run --shard K/N")
            }
            shards.append((ShardOf(path: input.path, collection: parsed.root.attribute("name") ?? "", info: info), parsed.root))
        }
        let ordered = try checked(shards)

        // Every request's suite, with its place in the unsharded order; the suite of scripts not run, once.
        var suites: [(order: Int, shard: Int, position: Int, node: XMLNode)] = []
        var scripts: XMLNode?
        var interrupted: XMLNode?
        var time = 0.0
        for (n, (shard, root)) in ordered.enumerated() {
            time += Double(root.attribute("time") ?? "") ?? 0
            for (position, suite) in root.elements(named: "testsuite").enumerated() {
                var node = suite
                let properties = node.children.firstIndex { $0.kind == .element && $0.name == "properties" }
                let order = properties.flatMap { i in
                    node.children[i].elements(named: "property").first { $0.attribute("name") == JUnitShardMarker.orderProperty }?.attribute("value")
                }.flatMap { Int($0) }
                guard let order, order >= 0 else {
                    switch node.attribute("name") {
                    case "Scripts (not run)"?: if scripts == nil { scripts = node }
                    case JUnitReporter.interruptedSuite?: if interrupted == nil { interrupted = node }
                    default:
                        throw Failure("\(shard.path): suite \(position + 1) (\(node.attribute("name") ?? "?")) has no \(JUnitShardMarker.orderProperty) property; it was not written by a sharded run")
                    }
                    continue
                }
                // Leave out the marker property (and the element, when it held only that).
                if let i = properties {
                    node.children[i].children.removeAll { $0.kind == .element && $0.name == "property" && $0.attribute("name") == JUnitShardMarker.orderProperty }
                    if node.children[i].children.isEmpty { node.children.remove(at: i) }
                }
                suites.append((order, n, position, node))
            }
        }
        suites.sort { ($0.order, $0.shard, $0.position) < ($1.order, $1.shard, $1.position) }

        var tests = 0, failures = 0, errors = 0
        for s in suites {
            tests += Int(s.node.attribute("tests") ?? "") ?? 0
            failures += Int(s.node.attribute("failures") ?? "") ?? 0
            errors += Int(s.node.attribute("errors") ?? "") ?? 0
        }
        tests += Int(scripts?.attribute("tests") ?? "") ?? 0
        tests += interrupted == nil ? 0 : 1
        errors += interrupted == nil ? 0 : 1
        var root = XMLNode(element: "testsuites", attributes: [
            ("name", ordered[0].0.collection), ("tests", String(tests)), ("failures", String(failures)),
            ("errors", String(errors)), ("time", Format.seconds(ms: time * 1000)),
        ])
        for (i, s) in suites.enumerated() {
            var node = s.node
            node.setAttribute("id", String(i + 1))
            root.children.append(node)
        }
        if var scripts {
            scripts.setAttribute("id", String(suites.count + 1))
            root.children.append(scripts)
        }
        if var interrupted {
            let n = suites.count
            interrupted.setAttribute("id", String(n + (scripts == nil ? 1 : 2)))
            // The message counts the merged run's requests.
            let message = JUnitReporter.interruptedMessage(requests: n)
            for i in interrupted.children.indices where interrupted.children[i].name == "testcase" {
                for j in interrupted.children[i].children.indices where interrupted.children[i].children[j].name == "error" {
                    interrupted.children[i].children[j].setAttribute("message", message)
                    interrupted.children[i].children[j].children = [XMLNode(text: message)]
                }
            }
            root.children.append(interrupted)
        }
        do {
            let w = try XMLWriter(indent: true)
            try w.startDocument()
            try root.write(to: w)
            try w.endDocument()
            return w.result()
        } catch {
            throw Failure("cannot write the merged JUnit report: \(error)")
        }
    }

    /// `index="1" count="3" plan="…" units="7"`.
    static func shardInfo(fromPI text: String) -> ShardInfo? {
        var values: [String: String] = [:]
        for part in text.split(separator: " ") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            values[String(pair[0])] = String(pair[1]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        guard let index = values["index"].flatMap({ Int($0) }), let count = values["count"].flatMap({ Int($0) }),
              let plan = values["plan"], let units = values["units"].flatMap({ Int($0) }), count >= 1, index >= 1, index <= count
        else { return nil }
        return ShardInfo(index: index, count: count, plan: plan, unitCount: units)
    }

    // MARK: - JSON

    static func mergeJSON(_ inputs: [Input]) throws(Failure) -> String {
        var shards: [(ShardOf, JSONObject)] = []
        for input in inputs {
            guard case .object(let root)? = try? JSONParser.parse(input.bytes) else {
                throw Failure("\(input.path) is not valid JSON")
            }
            guard case .string(let collection)? = root["collection"], case .array? = root["requests"] else {
                throw Failure("\(input.path) is not a JSON report of Fathom's (no \"collection\" and \"requests\")")
            }
            guard case .object(let s)? = root["shard"], case .integer(let index)? = s["index"], case .integer(let count)? = s["count"],
                  case .string(let plan)? = s["plan"], case .integer(let units)? = s["units"], count >= 1, index >= 1, index <= count
            else {
                throw Failure("\(input.path) is not the report of a sharded run (it has no \"shard\" member); merge-reports merges the reports of fathom run --shard K/N")
            }
            let info = ShardInfo(index: Int(index), count: Int(count), plan: plan, unitCount: Int(units))
            shards.append((ShardOf(path: input.path, collection: collection, info: info), root))
        }
        let ordered = try checked(shards)

        var entries: [(order: Int, shard: Int, position: Int, entry: JSONObject)] = []
        var duration = 0.0
        var interrupted = false
        var startedAt: String?
        for (n, (shard, root)) in ordered.enumerated() {
            duration += root["durationMs"]?.doubleValue ?? 0
            if case .bool(true)? = root["interrupted"] { interrupted = true }
            if case .string(let t)? = root["startedAt"], startedAt.map({ t < $0 }) ?? true { startedAt = t }
            guard case .array(let requests)? = root["requests"] else { continue }
            for (position, value) in requests.enumerated() {
                guard case .object(var entry) = value, case .integer(let order)? = entry["shardOrder"], order >= 0 else {
                    throw Failure("\(shard.path): request entry \(position + 1) has no \"shardOrder\"; it was not written by a sharded run")
                }
                entry["shardOrder"] = nil
                entries.append((Int(order), n, position, entry))
            }
        }
        entries.sort { ($0.order, $0.shard, $0.position) < ($1.order, $1.shard, $1.position) }

        // The totals, as the JSON reporter counts them.
        var requests = 0, passed = 0, failed = 0, errors = 0, skipped = 0
        var aPassed = 0, aFailed = 0, aSkipped = 0
        for e in entries {
            switch e.entry["status"]?.stringValue {
            case "passed": passed += 1
            case "failed": failed += 1
            case "error": errors += 1
            case "skipped": skipped += 1
            default: break
            }
            if e.entry["status"]?.stringValue != "skipped" { requests += 1 }
            if case .array(let assertions)? = e.entry["assertions"] {
                for case .object(let a) in assertions {
                    if case .bool(true)? = a["skipped"] {
                        aSkipped += 1
                    } else if case .bool(false)? = a["passed"] {
                        aFailed += 1
                    } else if case .bool(false)? = a["implicit"] {
                        aPassed += 1
                    }
                }
            }
        }
        let exitStatus: Int64 = interrupted ? 130 : errors > 0 ? 3 : failed > 0 ? 1 : 0

        let first = ordered[0].1
        var root = JSONObject()
        for (key, value) in first.members {
            switch key {
            case "shard": continue
            case "startedAt": root[key] = startedAt.map { .string($0) } ?? value
            case "durationMs": root[key] = Format.msValue(duration)
            case "interrupted": root[key] = .bool(interrupted)
            case "exitStatus": root[key] = .integer(exitStatus)
            case "summary":
                root[key] = .object([
                    "requests": .integer(Int64(requests)), "passed": .integer(Int64(passed)), "failed": .integer(Int64(failed)),
                    "errors": .integer(Int64(errors)), "skipped": .integer(Int64(skipped)),
                    "assertions": .object([
                        "total": .integer(Int64(aPassed + aFailed)), "passed": .integer(Int64(aPassed)),
                        "failed": .integer(Int64(aFailed)), "skipped": .integer(Int64(aSkipped)),
                    ]),
                ])
            case "requests":
                root[key] = .array(entries.enumerated().map { i, e in
                    var entry = e.entry
                    entry["index"] = .integer(Int64(i + 1))
                    return .object(entry)
                })
            default: root[key] = value
            }
        }
        return JSON.object(root).serialized(pretty: true) + "\n"
    }
}
