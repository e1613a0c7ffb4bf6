import Foundation

/// Loads a collection directory (or a single request file) into the model,
/// checking every file against the format and collecting every problem found.
public enum CollectionLoader {
    static let settingsKeys = [
        "fathom", "name", "description", "variables", "secrets", "auth", "headers",
        "graphql_endpoint", "options", "order", "tags", "scripts", "baseline", "parallel",
    ]

    /// Loads `path`: a directory with a collection.json, or one request file.
    public static func load(_ path: String) throws(LoadError) -> CollectionSpec {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw LoadError([Diagnostic(file: path, position: nil, message: "no such file or directory; give a collection directory or a request .json file")])
        }
        if isDir.boolValue {
            return try loadDirectory(path)
        }
        return try loadSingleFile(path)
    }

    // MARK: - Directory

    static func loadDirectory(_ given: String) throws(LoadError) -> CollectionSpec {
        // Paths below are joined with "/", so the root carries no trailing one.
        var root = given
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        var diags: [Diagnostic] = []
        let collectionFile = (root as NSString).appendingPathComponent("collection.json")
        guard FileManager.default.fileExists(atPath: collectionFile) else {
            throw LoadError([Diagnostic(file: collectionFile, position: nil, message: "missing collection.json; every collection directory needs one with at least {\"fathom\": 1, \"name\": \"...\"}")])
        }
        var settings = Settings()
        var name = (root as NSString).lastPathComponent
        if let (json, map) = parseFile(collectionFile, into: &diags) {
            var checker = FileChecker(file: collectionFile, map: map)
            if let obj = checker.object(json, at: "", field: "collection.json") {
                checker.checkKeys(obj, at: "", allowed: settingsKeys, what: "key")
                switch obj["fathom"] {
                case nil: checker.error("", "collection.json needs \"fathom\": 1 (the format version)")
                case .some(let v) where v == .integer(1): break
                case .some(let v): checker.error("/fathom", "unsupported format version \(v.serialized()); this Fathom reads version 1", atValue: true)
                }
                if let n = checker.string(obj["name"], at: "/name", field: "name") { name = n } else if obj["name"] == nil {
                    checker.error("", "collection.json needs a \"name\"")
                }
                settings = readSettings(obj, owner: "collection", checker: &checker)
            }
            diags += checker.diagnostics
        }
        var rootFolder = loadFolder(root, id: "", name: name, settings: settings, isRoot: true, ancestors: [], diagnostics: &diags)
        rootFolder.source = SourceRef(file: collectionFile)
        var collection = CollectionSpec(name: name, description: settings.description, rootPath: root, root: rootFolder)
        if !diags.contains(where: { $0.severity == .error }) { diags += checkTargets(collection) }
        if !diags.contains(where: { $0.severity == .error }) { diags += ParallelFolders.check(collection) }
        if diags.contains(where: { $0.severity == .error }) { throw LoadError(diags.filter { $0.severity == .error }) }
        collection.warnings = diags
        return collection
    }

    static func loadFolder(
        _ dir: String, id: String, name: String, settings: Settings, isRoot: Bool, ancestors: [String],
        diagnostics diags: inout [Diagnostic]
    ) -> Folder {
        // A symbolic link back to an enclosing folder would load the same requests forever.
        let real = URL(fileURLWithPath: dir).resolvingSymlinksInPath().path
        if ancestors.contains(real) {
            diags.append(Diagnostic(file: dir, position: nil, message: "this folder is a link back to an enclosing folder (\(real)); remove the link or point it elsewhere"))
            return Folder(id: id, name: name, settings: settings, children: [])
        }
        let ancestors = ancestors + [real]
        // The entry types come from readdir: no stat per request file.
        var isFolder: [String: Bool] = [:]
        var entries: [String] = []
        switch DirectoryListing.entries(dir) {
        case .failure(let failure):
            diags.append(Diagnostic(file: dir, position: nil, message: "cannot read the directory: \(failure.message)"))
        case .success(let listing):
            for entry in listing {
                let name = entry.name
                if name.hasPrefix(".") { continue }
                if name == "collection.json" || name == "folder.json" { continue }
                if isRoot && (name == "environments" || name == "data") { continue }
                guard entry.isDirectory || name.hasSuffix(".json") else { continue }
                isFolder[name] = entry.isDirectory
                entries.append(name)
            }
        }
        entries = naturalSorted(entries)
        if let order = settings.order {
            let present = Set(entries)
            let listed = order.filter { present.contains($0) }
            for missing in order where !present.contains(missing) {
                let file = dir + "/" + (isRoot ? "collection.json" : "folder.json")
                var msg = "'order' lists '\(missing)', which is not in this directory"
                if let s = closestMatch(to: missing, in: entries) { msg += " (did you mean '\(s)'?)" }
                diags.append(Diagnostic(file: file, position: nil, message: msg))
            }
            let ordered = Set(order)
            entries = listed + entries.filter { !ordered.contains($0) }
        }
        var children: [Node] = []
        // Requests are kept as deferred entries of one table per folder (see RequestFiles).
        let requests = RequestFiles(directory: dir, folderID: id)
        // Request files are read and checked a chunk at a time, on every core (see
        // readRequests); children and messages still come in the folder's order.
        var prepared: [Int: (RequestSpec?, [Diagnostic])] = [:]
        for (index, entry) in entries.enumerated() {
            let full = dir + "/" + entry
            let childID = id.isEmpty ? entry : id + "/" + entry
            if isFolder[entry] == true {
                var folderSettings = Settings()
                var folderName = displayName(entry)
                let folderFile = full + "/folder.json"
                let hasFolderFile = FileManager.default.fileExists(atPath: folderFile)
                if hasFolderFile, let (json, map) = parseFile(folderFile, into: &diags) {
                    var checker = FileChecker(file: folderFile, map: map)
                    if let obj = checker.object(json, at: "", field: "folder.json") {
                        // "fathom" is known, but misplaced here: say why rather than "unknown key".
                        checker.checkKeys(obj, at: "", allowed: settingsKeys, what: "key")
                        if obj["fathom"] != nil {
                            checker.error("/fathom", "'fathom' belongs in collection.json only; remove it from folder.json")
                        }
                        if let n = checker.string(obj["name"], at: "/name", field: "name") { folderName = n }
                        folderSettings = readSettings(obj, owner: "folder \"\(childID)\"", checker: &checker)
                        if !isRoot, folderSettings.parallel != nil {
                            checker.error("/parallel", "'parallel' applies to top-level folders only (this folder is inside \"\(id)\"); its requests always run in order with their folder's. Set it in the folder.json of \"\(id.split(separator: "/").first ?? "")\", or remove it")
                        }
                    }
                    diags += checker.diagnostics
                }
                var folder = loadFolder(full, id: childID, name: folderName, settings: folderSettings, isRoot: false, ancestors: ancestors, diagnostics: &diags)
                folder.source = SourceRef(file: hasFolderFile ? folderFile : full)
                children.append(.folder(folder))
            } else {
                if prepared[index] == nil {
                    let chunk = Array(entries.indices[index...].lazy.filter { isFolder[entries[$0]] != true }.prefix(readChunk))
                    for (k, r) in zip(chunk, readRequests(chunk.map { entries[$0] }, dir: dir, folderID: id)) { prepared[k] = r }
                }
                let (req, found) = prepared.removeValue(forKey: index) ?? (nil, [])
                if let req { children.append(.request(requests.add(req, entry: entry))) }
                diags += found
            }
        }
        return Folder(id: id, name: name, settings: settings, children: children)
    }

    /// How many request files are read at once: enough to keep every core busy,
    /// few enough that their parsed form (about 2 KiB each) stays small.
    static let readChunk = 256

    /// Reads and checks request files of one folder, in parallel when there are
    /// enough of them to pay for it; results are in the order of `names`.
    static func readRequests(_ names: [String], dir: String, folderID: String) -> [(RequestSpec?, [Diagnostic])] {
        let idPrefix = folderID.isEmpty ? "" : folderID + "/"
        guard names.count >= 32, ProcessInfo.processInfo.activeProcessorCount > 1 else {
            return names.map { readRequestFile($0, directory: dir, idPrefix: idPrefix) }
        }
        let slots = ResultSlots<(RequestSpec?, [Diagnostic])>(count: names.count)
        DispatchQueue.concurrentPerform(iterations: names.count) { i in
            slots.set(i, readRequestFile(names[i], directory: dir, idPrefix: idPrefix))
        }
        return slots.take()
    }

    /// One request file of a folder, read and checked: at load, and again at its
    /// turn (`RequestFiles.load`). The request is nil when the file does not parse
    /// or is not a request object; the messages are every problem found.
    static func readRequestFile(_ entry: String, directory: String, idPrefix: String) -> (RequestSpec?, [Diagnostic]) {
        let full = directory + "/" + entry
        var diags: [Diagnostic] = []
        guard let (json, map) = parseFile(full, into: &diags) else { return (nil, diags) }
        var checker = FileChecker(file: full, map: map)
        let req = RequestReader.read(json, id: idPrefix + entry, file: full, defaultName: displayName(entry), checker: &checker)
        return (req, diags + checker.diagnostics)
    }

    // MARK: - Single file

    static func loadSingleFile(_ path: String) throws(LoadError) -> CollectionSpec {
        var diags: [Diagnostic] = []
        guard let (json, map) = parseFile(path, into: &diags) else { throw LoadError(diags) }
        var checker = FileChecker(file: path, map: map)
        let file = (path as NSString).lastPathComponent
        let req = RequestReader.read(json, id: file, file: path, defaultName: displayName(file), checker: &checker)
        diags += checker.diagnostics
        guard let req, !diags.contains(where: { $0.severity == .error }) else { throw LoadError(diags.filter { $0.severity == .error }) }
        let name = req.name
        let root = Folder(id: "", name: name, settings: Settings(), children: [.request(req)])
        var collection = CollectionSpec(name: name, description: nil, rootPath: path, root: root, warnings: diags)
        let problems = checkTargets(collection)
        if !problems.isEmpty { throw LoadError(problems) }
        collection.warnings = diags
        return collection
    }

    // MARK: - Helpers

    /// Every request needs a URL: its own, or a graphql_endpoint above a GraphQL request.
    static func checkTargets(_ collection: CollectionSpec) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for s in collection.flattened() where !s.request.hasURL {
            let hasEndpoint = s.folders.contains { $0.settings.graphqlEndpoint != nil }
            if s.request.isGraphQL {
                if !hasEndpoint {
                    out.append(Diagnostic(file: s.request.file, position: SourcePosition(line: 1, column: 1),
                        message: "the GraphQL request has no \"url\" and no \"graphql_endpoint\" applies to it; add \"url\", or set \"graphql_endpoint\" in collection.json or a folder.json"))
                }
            } else {
                out.append(Diagnostic(file: s.request.file, position: SourcePosition(line: 1, column: 1),
                    message: "the request has no \"url\"; add one, e.g. \"url\": \"{{instance}}/get\""))
            }
        }
        return out
    }

    /// Reads and parses a JSON file, recording a located diagnostic on failure.
    public static func parseFile(_ path: String, rejectDuplicateKeys: Bool = true, into diags: inout [Diagnostic]) -> (JSON, JSONSourceMap)? {
        guard let data = FileBytes.read(path) else {
            let message = FileBytes.isSpecialFile(path)
                ? "not a regular file (a FIFO, socket or device); remove it, or rename it so its name does not end in .json"
                : "cannot read the file (check that it exists and is readable)"
            diags.append(Diagnostic(file: path, position: nil, message: message))
            return nil
        }
        guard let (bytes, _) = TextDecoding.utf8(data) else {
            diags.append(Diagnostic(file: path, position: nil, message: "the file looks like UTF-16 but does not decode (an unpaired surrogate); save it as UTF-8"))
            return nil
        }
        do {
            // Positions only when a message needs one (see JSONSourceMap(file:)).
            return (try JSONParser.parse(bytes, options: .init(rejectDuplicateKeys: rejectDuplicateKeys)), JSONSourceMap(file: path))
        } catch {
            diags.append(Diagnostic(file: path, position: error.position, message: "invalid JSON: \(error.message)"))
            return nil
        }
    }

    /// A request or folder name from its file name: `01-list-accounts.json` → `list-accounts`.
    public static func displayName(_ fileName: String) -> String {
        // On the UTF-8 bytes: it runs for every request file, at load and at its turn.
        let u = fileName.utf8
        var end = u.endIndex
        if fileName.hasSuffix(".json") { end = u.index(end, offsetBy: -5) }
        var idx = u.startIndex
        while idx < end, (0x30...0x39).contains(u[idx]) { idx = u.index(after: idx) }
        if idx > u.startIndex, idx < end, u[idx] == 0x2D || u[idx] == 0x5F {
            let rest = u.index(after: idx)
            if rest < end { return String(fileName[rest..<end]) }
        }
        return String(fileName[u.startIndex..<end])
    }

    static func readSettings(_ obj: JSONObject, owner: String, checker: inout FileChecker) -> Settings {
        var s = Settings()
        s.scripts = ScriptReader.read(obj["scripts"], owner: owner, checker: &checker)
        s.description = checker.string(obj["description"], at: "/description", field: "description")
        if let v = checker.object(obj["variables"], at: "/variables", field: "variables") { s.variables = v }
        if let v = checker.stringArray(obj["secrets"], at: "/secrets", field: "secrets") { s.secrets = v }
        if let v = obj["auth"] { s.auth = AuthReader.read(v, at: "/auth", checker: &checker) }
        if let h = obj["headers"] { s.headers = RequestReader.readHeaders(h, checker: &checker) }
        s.graphqlEndpoint = checker.string(obj["graphql_endpoint"], at: "/graphql_endpoint", field: "graphql_endpoint")
        if let o = checker.object(obj["options"], at: "/options", field: "options") {
            var probe = RequestOptions()
            for p in probe.apply(o, allowTemplates: true) { checker.error("/options" + p.pointer, p.message) }
            s.options = o
        }
        s.order = checker.stringArray(obj["order"], at: "/order", field: "order")
        if let t = checker.stringArray(obj["tags"], at: "/tags", field: "tags") { s.tags = t }
        s.baseline = BaselineRules.read(obj["baseline"], checker: &checker)
        switch obj["parallel"] {
        case nil: break
        case .bool(let b)?: s.parallel = b
        case .some: checker.error("/parallel", "'parallel' must be true or false", atValue: true)
        }
        return s
    }
}

/// Fixed slots that concurrent workers fill, each its own index, then read once.
/// `@unchecked Sendable`: every index is written by one worker, and read only after
/// all of them have finished (`DispatchQueue.concurrentPerform` returns).
final class ResultSlots<T>: @unchecked Sendable {
    private let base: UnsafeMutablePointer<T?>
    private let count: Int

    init(count: Int) {
        self.count = count
        base = .allocate(capacity: count)
        base.initialize(repeating: nil, count: count)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    func set(_ i: Int, _ value: T) { base[i] = value }

    func take() -> [T] { (0..<count).map { base[$0].take()! } }
}
