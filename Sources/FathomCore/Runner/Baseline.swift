import Foundation

/// Why a baseline directory cannot be used; the run is refused with exit status 2.
public struct BaselineError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Recorded responses, one file per request, that later runs are compared with
/// (`fathom run --record-baseline DIR`, `--compare-baseline DIR`).
///
/// A response is stored normalised: its status, the selected headers (`Content-Type`
/// and those the rules add), and its body — JSON with keys sorted, or text — with
/// secrets redacted. `DIR/baseline.json` names the collection and lists the files, so
/// a directory of another collection is refused rather than compared or overwritten.
public final class BaselineStore: Sendable {
    public enum Mode: Sendable { case record, compare }

    public let mode: Mode
    public let directory: String
    let collectionName: String
    /// Request key → file (relative to `directory`), as found when opened.
    let recorded: [String: String]
    private let written = Locked([String: String]())

    static let manifestName = "baseline.json"
    static let formatKey = "fathom_baseline"
    /// Differences listed per request before the rest are counted in one line.
    static let maxDifferences = 100

    private init(mode: Mode, directory: String, collectionName: String, recorded: [String: String]) {
        self.mode = mode
        self.directory = directory
        self.collectionName = collectionName
        self.recorded = recorded
    }

    /// Opens `directory` for `mode`. Recording accepts a missing or empty directory or
    /// this collection's own baseline (which it replaces); comparing needs this
    /// collection's baseline.
    public static func open(_ directory: String, mode: Mode, collection: CollectionSpec) throws(BaselineError) -> BaselineStore {
        let fm = FileManager.default
        let flag = mode == .record ? "--record-baseline" : "--compare-baseline"
        var isDir: ObjCBool = false
        let exists = fm.fileExists(atPath: directory, isDirectory: &isDir)
        if exists && !isDir.boolValue {
            throw BaselineError(description: "\(directory): error: \(flag) takes a directory, and this is a file")
        }
        let manifestPath = directory + "/" + manifestName
        guard exists, fm.fileExists(atPath: manifestPath) else {
            if mode == .compare {
                throw BaselineError(description: "\(directory): error: no baseline here (\(manifestName) is missing); record one first with fathom run \(collection.rootPath) --record-baseline \(directory)")
            }
            if exists, let entries = try? fm.contentsOfDirectory(atPath: directory), entries.contains(where: { !$0.hasPrefix(".") }) {
                throw BaselineError(description: "\(directory): error: the directory is not empty and holds no Fathom baseline; record into a new or empty directory so nothing of yours is overwritten")
            }
            return BaselineStore(mode: mode, directory: directory, collectionName: collection.name, recorded: [:])
        }
        let (name, files) = try readManifest(manifestPath)
        if name != collection.name {
            throw BaselineError(description: "\(manifestPath): error: this is the baseline of the collection '\(name)', not of '\(collection.name)'; give the baseline directory recorded for this collection"
                + (mode == .record ? ", or a new directory" : ""))
        }
        if mode == .compare, !files.isEmpty {
            let ids = Set(collection.flattened().map(\.request.id))
            if !files.keys.contains(where: { ids.contains(requestID(ofKey: $0)) }) {
                throw BaselineError(description: "\(manifestPath): error: none of the \(files.count) recorded responses belongs to a request of \(collection.rootPath); this baseline was recorded for another collection named '\(name)'")
            }
        }
        return BaselineStore(mode: mode, directory: directory, collectionName: collection.name, recorded: files)
    }

    static func readManifest(_ path: String) throws(BaselineError) -> (String, [String: String]) {
        func bad(_ what: String) -> BaselineError {
            BaselineError(description: "\(path): error: \(what); it is not a baseline Fathom wrote (record it again with --record-baseline)")
        }
        guard let data = FileManager.default.contents(atPath: path), let json = try? JSONParser.parse([UInt8](data)) else {
            throw bad("the file cannot be read as JSON")
        }
        guard json[formatKey]?.intValue == 1 else { throw bad("\"\(formatKey)\": 1 is missing") }
        guard let name = json["collection"]?.stringValue else { throw bad("\"collection\" is missing") }
        var files: [String: String] = [:]
        for (key, value) in json["responses"]?.objectValue?.members ?? [] {
            guard let file = value.stringValue, isSafeRelativePath(file) else { throw bad("the entry for \(key) is not a file inside the directory") }
            files[key] = file
        }
        return (name, files)
    }

    /// The key of one response: the request's id, with `#N` for iteration N of a run
    /// of several.
    public static func key(requestID: String, iteration: Int, iterations: Int) -> String {
        iterations > 1 ? "\(requestID)#\(iteration)" : requestID
    }

    static func requestID(ofKey key: String) -> String {
        guard let hash = key.lastIndex(of: "#"), Int(key[key.index(after: hash)...]) != nil else { return key }
        return String(key[..<hash])
    }

    /// A relative path inside the directory for a request key: the id's path with
    /// unusual characters replaced, `.json` at the end.
    static func fileName(forKey key: String) -> String {
        let id = requestID(ofKey: key)
        var parts = id.split(separator: "/", omittingEmptySubsequences: true).map { part -> String in
            let cleaned = String(part.map { c -> Character in
                c.isLetter || c.isNumber || c == "-" || c == "_" || c == "." || c == " " ? c : "_"
            })
            return cleaned == "." || cleaned == ".." || cleaned.isEmpty ? "_" : cleaned
        }
        if parts.isEmpty { parts = ["request"] }
        var last = parts.removeLast()
        if last.hasSuffix(".json") { last.removeLast(5) }
        if key != id { last += ".iteration-" + key[key.index(after: key.lastIndex(of: "#")!)...] }
        return (parts + [last + ".json"]).joined(separator: "/")
    }

    static func isSafeRelativePath(_ path: String) -> Bool {
        !path.hasPrefix("/") && !path.split(separator: "/").contains("..") && !path.isEmpty
    }

    /// The response stored as the baseline, normalised: what is recorded and what is compared.
    static func normalise(_ response: HTTPResponse, rules: BaselineRules, redact: (String) -> String) -> JSON {
        var out = JSONObject()
        out["status"] = .integer(Int64(response.status))
        var headers = JSONObject()
        let wanted = ["content-type"] + rules.headers.map { $0.lowercased() }
        for name in wanted where headers[name] == nil {
            let values = response.headers.filter { $0.name.lowercased() == name }.map(\.value)
            if !values.isEmpty { headers[name] = .string(redact(values.joined(separator: ", "))) }
        }
        out["headers"] = .object(headers)
        if !response.body.isEmpty {
            if let json = try? JSONParser.parse(response.body) {
                out["body"] = redacted(json, redact)
            } else {
                out["text"] = .string(redact(String(decoding: response.body, as: UTF8.self)))
            }
        }
        return .object(out)
    }

    private static func redacted(_ json: JSON, _ redact: (String) -> String) -> JSON {
        switch json {
        case .string(let s): return .string(redact(s))
        case .array(let a): return .array(a.map { redacted($0, redact) })
        case .object(let o): return .object(JSONObject(o.members.map { (redact($0.key), redacted($0.value, redact)) }))
        default: return json
        }
    }

    /// Records the response (record mode: no assertions) or compares it with the
    /// recorded one (compare mode: failing assertions for each difference, or one
    /// passing assertion when it matches).
    public func handle(key: String, requestName: String, response: HTTPResponse, rules: BaselineRules, redact: (String) -> String) -> [AssertionResult] {
        let current = Self.normalise(response, rules: rules, redact: redact)
        switch mode {
        case .record:
            let file = Self.fileName(forKey: key)
            var doc = JSONObject()
            doc["request"] = .string(key)
            doc["name"] = .string(requestName)
            for (k, v) in current.objectValue?.members ?? [] { doc[k] = v }
            let path = directory + "/" + file
            do {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data((JSON.object(doc).serialized(pretty: true, sortKeys: true) + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                return [AssertionResult(name: "baseline recorded", passed: false, message: "cannot write \(path): \(error.localizedDescription)", isError: true)]
            }
            written.withLock { $0[key] = file }
            return []
        case .compare:
            let id = Self.requestID(ofKey: key)
            guard let file = recorded[key] ?? recorded[id] else {
                return [AssertionResult(name: "baseline", passed: false, expected: "a recorded response", actual: "none",
                                        message: "no response was recorded for this request in \(directory); record the baseline again with --record-baseline")]
            }
            let path = directory + "/" + file
            guard let data = FileManager.default.contents(atPath: path), let old = try? JSONParser.parse([UInt8](data)) else {
                return [AssertionResult(name: "baseline", passed: false, message: "the recorded response \(path) is missing or not JSON; record the baseline again with --record-baseline", isError: true)]
            }
            return BaselineDiff.compare(recorded: old, current: current, rules: rules)
        }
    }

    /// Record mode: writes `baseline.json` and removes the files of requests recorded
    /// before that this run did not record again.
    public func finish(recordedAt: Double) throws(BaselineError) {
        guard mode == .record else { return }
        let files = written.withLock { $0 }
        var manifest = JSONObject()
        manifest[Self.formatKey] = 1
        manifest["collection"] = .string(collectionName)
        manifest["recorded_at"] = .string(CivilDate.iso8601(millisecondsSince1970: Int64((recordedAt * 1000).rounded(.down))))
        manifest["responses"] = .object(JSONObject(files.sorted { $0.key < $1.key }.map { ($0.key, JSON.string($0.value)) }))
        let path = directory + "/" + Self.manifestName
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data((JSON.object(manifest).serialized(pretty: true) + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw BaselineError(description: "\(path): error: cannot write the baseline: \(error.localizedDescription)")
        }
        let kept = Set(files.values)
        for stale in Set(recorded.values).subtracting(kept) {
            try? FileManager.default.removeItem(atPath: directory + "/" + stale)
        }
    }

    /// How many responses were recorded (record mode).
    public var recordedCount: Int { written.withLock { $0.count } }
}

/// The comparison of a recorded response with the current one: ignored nodes removed,
/// unordered arrays sorted, then every difference at its JSONPath.
enum BaselineDiff {
    static func compare(recorded: JSON, current: JSON, rules: BaselineRules) -> [AssertionResult] {
        var results: [AssertionResult] = []
        if let a = recorded["status"]?.intValue, let b = current["status"]?.intValue, a != b {
            results.append(AssertionResult(name: "baseline status", passed: false, expected: String(a), actual: String(b), message: "the status differs from the baseline"))
        }
        let oldHeaders = recorded["headers"]?.objectValue ?? JSONObject()
        let newHeaders = current["headers"]?.objectValue ?? JSONObject()
        for name in Set(oldHeaders.keys + newHeaders.keys).sorted() where !same(oldHeaders[name], newHeaders[name]) {
            results.append(AssertionResult(name: "baseline header \(name)", passed: false, expected: oldHeaders[name]?.stringValue ?? "(absent)",
                                           actual: newHeaders[name]?.stringValue ?? "(absent)", message: "the header differs from the baseline"))
        }
        var differences: [(path: String, old: JSON?, new: JSON?)] = []
        if recorded["body"] != nil || current["body"] != nil {
            let old = prepare(recorded["body"], rules)
            let new = prepare(current["body"], rules)
            if let old, let new {
                diff(old, new, path: "$", into: &differences)
            } else if old != nil || new != nil {
                differences.append(("$", old, new))
            }
        }
        if recorded["text"] != nil || current["text"] != nil, !same(recorded["text"], current["text"]) {
            differences.append(("body text", recorded["text"], current["text"]))
        }
        for d in differences.prefix(BaselineStore.maxDifferences) {
            let message = d.old == nil ? "not in the baseline (new)" : d.new == nil ? "missing (it is in the baseline)" : "differs from the baseline"
            results.append(AssertionResult(name: "baseline \(d.path)", passed: false, expected: d.old.map(show) ?? "(absent)", actual: d.new.map(show) ?? "(absent)", message: message))
        }
        if differences.count > BaselineStore.maxDifferences {
            results.append(AssertionResult(name: "baseline", passed: false, message: "\(differences.count - BaselineStore.maxDifferences) more differences from the baseline are not listed"))
        }
        if results.isEmpty {
            results.append(AssertionResult(name: "baseline matches", passed: true))
        }
        return results
    }

    /// The body with the ignored nodes removed and the unordered arrays sorted.
    static func prepare(_ body: JSON?, _ rules: BaselineRules) -> JSON? {
        guard var body else { return nil }
        for text in rules.ignore {
            guard let path = try? JSONPath.compile(text) else { continue }
            // Deepest and last first, so removing one node never moves another.
            let locations = path.locations(in: body).sorted { later($0, than: $1) }
            for l in locations { remove(&body, at: l[...]) }
        }
        // Inner arrays first, across all the rules: an outer array is sorted by its
        // elements' final text, and sorting inside an element moves no other array.
        let unordered = rules.unordered.compactMap { try? JSONPath.compile($0) }.flatMap { $0.locations(in: body) }
        for l in unordered.sorted(by: { $0.count > $1.count }) {
            update(&body, at: l[...]) { value in
                guard case .array(let items) = value else { return }
                value = .array(items.map { ($0.serialized(sortKeys: true), $0) }.sorted { $0.0 < $1.0 }.map(\.1))
            }
        }
        return body
    }

    /// Whether location `a` comes after `b` in document order (or lies below it).
    static func later(_ a: [JSONPathLocation], than b: [JSONPathLocation]) -> Bool {
        for (x, y) in zip(a, b) {
            switch (x, y) {
            case (.index(let i), .index(let j)) where i != j: return i > j
            case (.name(let m), .name(let n)) where m != n: return m > n
            default: continue
            }
        }
        return a.count > b.count
    }

    static func remove(_ json: inout JSON, at path: ArraySlice<JSONPathLocation>) {
        guard let first = path.first else { return }
        let rest = path.dropFirst()
        switch (json, first) {
        case (.object(var o), .name(let n)):
            if rest.isEmpty {
                o[n] = nil
            } else if var child = o[n] {
                remove(&child, at: rest)
                o[n] = child
            }
            json = .object(o)
        case (.array(var a), .index(let i)) where a.indices.contains(i):
            if rest.isEmpty { a.remove(at: i) } else { remove(&a[i], at: rest) }
            json = .array(a)
        default:
            return
        }
    }

    static func update(_ json: inout JSON, at path: ArraySlice<JSONPathLocation>, _ change: (inout JSON) -> Void) {
        guard let first = path.first else { change(&json); return }
        switch (json, first) {
        case (.object(var o), .name(let n)):
            guard var child = o[n] else { return }
            update(&child, at: path.dropFirst(), change)
            o[n] = child
            json = .object(o)
        case (.array(var a), .index(let i)) where a.indices.contains(i):
            update(&a[i], at: path.dropFirst(), change)
            json = .array(a)
        default:
            return
        }
    }

    static func diff(_ old: JSON, _ new: JSON, path: String, into out: inout [(path: String, old: JSON?, new: JSON?)]) {
        switch (old, new) {
        case (.object(let a), .object(let b)):
            for (k, v) in a.members {
                let p = child(path, k)
                if let w = b[k] { diff(v, w, path: p, into: &out) } else { out.append((p, v, nil)) }
            }
            for (k, w) in b.members where a[k] == nil { out.append((child(path, k), nil, w)) }
        case (.array(let a), .array(let b)):
            for i in 0..<max(a.count, b.count) {
                let p = "\(path)[\(i)]"
                switch (i < a.count, i < b.count) {
                case (true, true): diff(a[i], b[i], path: p, into: &out)
                case (true, false): out.append((p, a[i], nil))
                default: out.append((p, nil, b[i]))
                }
            }
        default:
            if !same(old, new) { out.append((path, old, new)) }
        }
    }

    /// `$.data.name`, or `$['odd key']` for names that are not identifiers.
    static func child(_ path: String, _ name: String) -> String {
        let identifier = !name.isEmpty && name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
            && !("0"..."9").contains(name.unicodeScalars.first!)
        if identifier { return path + "." + name }
        return path + "['" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "']"
    }

    static func same(_ a: JSON?, _ b: JSON?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (.some(let x), .some(let y)):
            if let p = x.doubleValue, let q = y.doubleValue { return p == q }
            return x.serialized(sortKeys: true) == y.serialized(sortKeys: true)
        default: return false
        }
    }

    static func show(_ value: JSON) -> String {
        let text = value.serialized()
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}
