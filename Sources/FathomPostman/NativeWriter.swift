import FathomCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a collection (read from any front end) as a Fathom collection directory,
/// to keep in git: `fathom import`.
///
/// - Folders become directories and requests `.json` files, both named `NN-slug`
///   so that natural order is the collection's order; every name is written out.
/// - Settings (variables, secrets, auth, options) go to `collection.json` and
///   `folder.json` at the level they were set; options carry what Postman's runner
///   did implicitly (`unresolved_variables: keep`) or was told by
///   `protocolProfileBehavior`.
/// - GraphQL queries go to `.graphql` sidecars, scripts to `NN-slug.prerequest.js` /
///   `NN-slug.test.js` (`folder.*.js`, `collection.*.js` for folders and the
///   collection), where Fathom's loader finds them.
/// - Relative file paths (form-data files, binary bodies) are made absolute against
///   the directory they were relative to, so the import sends the same files.
public struct NativeWriter {
    public enum WriteError: Error, CustomStringConvertible {
        case notEmpty(String)
        case io(String, String)

        public var description: String {
            switch self {
            case .notEmpty(let dir): return "\(dir) exists and is not empty; choose another --out directory, or give --force to replace its contents"
            case .io(let path, let reason): return "cannot write \(path): \(reason)"
            }
        }
    }

    public init() {}

    /// The files of the collection, relative path → contents, in writing order.
    public func files(for collection: CollectionSpec, environment: EnvironmentValues? = nil) -> [(String, String)] {
        var out: [(String, String)] = []
        var settings = settingsJSON(collection.root.settings, isRoot: true)
        var top = JSONObject()
        top["fathom"] = .integer(1)
        top["name"] = .string(collection.name)
        for (k, v) in settings.members { top[k] = v }
        settings = top
        let rootScripts = scripts(collection.root.settings.scripts, base: "collection", dir: "")
        if let ref = scriptsJSON(rootScripts, dir: "") { settings["scripts"] = ref }
        out.append(("collection.json", pretty(.object(settings))))
        out += rootScripts.map { ($0.path, $0.text) }
        writeChildren(collection.root.children, dir: "", into: &out)
        if let environment {
            var env = JSONObject()
            for (k, v) in environment.variables.members {
                env[k] = environment.secrets.contains(k) ? .object(["value": v, "secret": true]) : v
            }
            out.append(("environments/\(slug(environment.name, fallback: "environment")).json", pretty(.object(env))))
        }
        return out
    }

    /// Writes the collection into `directory`, which must be missing or empty unless
    /// `force` (then its contents are replaced). Files are written to a temporary
    /// sibling first and moved into place, so a failure leaves `directory` as it was.
    public func write(_ collection: CollectionSpec, environment: EnvironmentValues? = nil, to directory: String, force: Bool) throws(WriteError) {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        let exists = fm.fileExists(atPath: directory, isDirectory: &isDir)
        if exists {
            let entries = (try? fm.contentsOfDirectory(atPath: directory)) ?? []
            if !isDir.boolValue || (!entries.isEmpty && !force) { throw .notEmpty(directory) }
        }
        let parent = (directory as NSString).deletingLastPathComponent
        let staging = (parent.isEmpty ? "." : parent) + "/.fathom-import-" + UUID().uuidString
        do {
            var made = Set<String>()
            for (relative, text) in files(for: collection, environment: environment) {
                let full = staging + "/" + relative
                let dir = String(full[..<(full.lastIndex(of: "/") ?? full.endIndex)])
                if made.insert(dir).inserted { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) }
                try Self.writeFile(full, text)
            }
            if exists { try fm.removeItem(atPath: directory) }
            try fm.moveItem(atPath: staging, toPath: directory)
        } catch {
            try? fm.removeItem(atPath: staging)
            throw .io(directory, (error as? POSIXError)?.description ?? (error as NSError).localizedFailureReason ?? error.localizedDescription)
        }
    }

    struct POSIXError: Error, CustomStringConvertible {
        var path: String
        var code: Int32
        var description: String { "\(path): \(String(cString: strerror(code)))" }
    }

    /// Creates a new file with the text: plain open/write/close. (Foundation's
    /// `Data.write` syncs every file to disk, which made importing thousands of
    /// requests take seconds; the import is moved into place once complete instead.)
    static func writeFile(_ path: String, _ text: String) throws {
        #if canImport(Glibc)
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        #else
        let fd = Darwin.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        #endif
        guard fd >= 0 else { throw POSIXError(path: path, code: errno) }
        defer { _ = close(fd) }
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            #if canImport(Glibc)
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            #else
            let n = bytes.withUnsafeMutableBytes { Darwin.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            #endif
            if n < 0 {
                if errno == EINTR { continue }
                throw POSIXError(path: path, code: errno)
            }
            offset += n
        }
    }

    // MARK: - Tree

    private func writeChildren(_ children: [Node], dir: String, into out: inout [(String, String)]) {
        let width = max(2, String(children.count).count)
        var used = Set<String>()
        for (i, child) in children.enumerated() {
            let number = String(repeating: "0", count: max(0, width - String(i + 1).count)) + String(i + 1)
            let name: String
            switch child {
            case .folder(let f): name = f.name
            case .request(let r): name = r.name
            }
            var base = "\(number)-\(slug(name, fallback: "item"))"
            while !used.insert(base.lowercased()).inserted { base += "-\(i + 1)" }
            let path = dir.isEmpty ? base : "\(dir)/\(base)"
            switch child {
            case .folder(let f):
                var o = JSONObject()
                o["name"] = .string(f.name)
                for (k, v) in settingsJSON(f.settings, isRoot: false).members { o[k] = v }
                let folderScripts = scripts(f.settings.scripts, base: "folder", dir: path)
                if let ref = scriptsJSON(folderScripts, dir: path) { o["scripts"] = ref }
                out.append(("\(path)/folder.json", pretty(.object(o))))
                out += folderScripts.map { ($0.path, $0.text) }
                writeChildren(f.children, dir: path, into: &out)
            case .request(let request):
                let r = (try? request.loaded()) ?? request
                var files: [(String, String)] = []
                var json = requestJSON(r, base: base, dir: dir, sidecars: &files)
                let requestScripts = scripts(r.scripts, base: base, dir: dir)
                if let ref = scriptsJSON(requestScripts, dir: dir) { json["scripts"] = ref }
                out.append(("\(path).json", pretty(.object(json))))
                out += files
                out += requestScripts.map { ($0.path, $0.text) }
            }
        }
    }

    struct ScriptFile {
        var phase: ScriptSpec.Phase
        var path: String
        var text: String
    }

    /// One `.js` file per phase, named after its owner (`01-list.test.js`); several
    /// scripts of one phase (rare) are joined, in order.
    private func scripts(_ scripts: [ScriptSpec], base: String, dir: String) -> [ScriptFile] {
        ScriptSpec.Phase.allCases.compactMap { phase in
            let sources = scripts.filter { $0.phase == phase }.map(\.source)
            guard !sources.isEmpty else { return nil }
            let name = "\(base).\(phase.rawValue).js"
            let text = sources.joined(separator: "\n\n")
            return ScriptFile(phase: phase, path: dir.isEmpty ? name : "\(dir)/\(name)", text: text.hasSuffix("\n") ? text : text + "\n")
        }
    }

    /// `{"pre_request": "x.prerequest.js", "test": "x.test.js"}`, paths relative to `dir`.
    private func scriptsJSON(_ files: [ScriptFile], dir: String) -> JSON? {
        guard !files.isEmpty else { return nil }
        var o = JSONObject()
        for f in files {
            let relative = dir.isEmpty ? f.path : String(f.path.dropFirst(dir.count + 1))
            o[f.phase == .preRequest ? "pre_request" : "test"] = .string(relative)
        }
        return .object(o)
    }

    private func settingsJSON(_ s: Settings, isRoot: Bool) -> JSONObject {
        var o = JSONObject()
        if let d = s.description { o["description"] = .string(d) }
        if !s.variables.isEmpty { o["variables"] = .object(s.variables) }
        if !s.secrets.isEmpty { o["secrets"] = .array(s.secrets.map { .string($0) }) }
        if let a = s.auth { o["auth"] = authJSON(a) }
        if !s.headers.isEmpty { o["headers"] = headersJSON(s.headers) }
        if let e = s.graphqlEndpoint { o["graphql_endpoint"] = .string(e) }
        if !s.options.isEmpty { o["options"] = .object(s.options) }
        if !s.tags.isEmpty { o["tags"] = .array(s.tags.map { .string($0) }) }
        return o
    }

    private func requestJSON(_ r: RequestSpec, base: String, dir: String, sidecars: inout [(String, String)]) -> JSONObject {
        var o = JSONObject()
        o["name"] = .string(r.name)
        if let d = r.description { o["description"] = .string(d) }
        if !r.tags.isEmpty { o["tags"] = .array(r.tags.map { .string($0) }) }
        if let m = r.method { o["method"] = .string(m) }
        if let u = r.url { o["url"] = .string(u) }
        if !r.query.isEmpty {
            var q = JSONObject()
            for (name, values) in r.query { q[name] = values.count == 1 ? .string(values[0]) : .array(values.map { .string($0) }) }
            o["query"] = .object(q)
        }
        if !r.headers.isEmpty { o["headers"] = headersJSON(r.headers) }
        if let a = r.auth { o["auth"] = authJSON(a) }
        if !r.options.isEmpty { o["options"] = .object(r.options) }
        func absolute(_ path: String) -> String {
            path.hasPrefix("/") || path.contains("{{") ? path : (r.baseDirectory as NSString).appendingPathComponent(path)
        }
        switch r.body {
        case nil: break
        case .json(let v): o["json"] = v
        case .raw(let text, let ct):
            o["body"] = .string(text)
            if let ct { o["content_type"] = .string(ct) }
        case .form(let pairs):
            o["form"] = .object(grouped(pairs.map { ($0.name, $0.value) }))
        case .multipart(let parts):
            o["multipart"] = .array(parts.map { p in
                var j = JSONObject()
                j["name"] = .string(p.name)
                if let f = p.file { j["file"] = .string(absolute(f)) } else { j["value"] = .string(p.value ?? "") }
                if let ct = p.contentType { j["content_type"] = .string(ct) }
                return .object(j)
            })
        case .graphql(let g):
            let file = "\(base).graphql"
            sidecars.append((dir.isEmpty ? file : "\(dir)/\(file)", g.query))
            var j = JSONObject()
            j["file"] = .string(file)
            if let v = g.variables { j["variables"] = v }
            if let op = g.operationName { j["operation_name"] = .string(op) }
            o["graphql"] = .object(j)
        case .file(let path, let ct):
            o["body_file"] = .string(absolute(path))
            if let ct { o["content_type"] = .string(ct) }
        }
        if let s = r.skip { o["skip"] = s.isEmpty ? .bool(true) : .string(s) }
        if !r.examples.isEmpty { o["examples"] = .array(r.examples) }
        return o
    }

    /// name → value, or → [values] when a name repeats (native headers, forms).
    private func grouped(_ pairs: [(String, String)]) -> JSONObject {
        var o = JSONObject()
        for (k, v) in pairs {
            switch o[k] {
            case nil: o[k] = .string(v)
            case .array(var a)?:
                a.append(.string(v))
                o[k] = .array(a)
            case let existing?: o[k] = .array([existing, .string(v)])
            }
        }
        return o
    }

    private func headersJSON(_ headers: [HTTPHeader]) -> JSON {
        .object(grouped(headers.map { ($0.name, $0.value) }))
    }

    private func authJSON(_ a: AuthSpec) -> JSON {
        switch a {
        case .none: return "none"
        case .bearer(let t): return ["bearer": .string(t)]
        case .basic(let u, let p): return ["basic": ["username": .string(u), "password": .string(p)]]
        case .digest(let u, let p): return ["digest": ["username": .string(u), "password": .string(p)]]
        case .apiKeyHeader(let n, let v): return ["apikey": ["header": .string(n), "value": .string(v)]]
        case .apiKeyQuery(let n, let v): return ["apikey": ["query": .string(n), "value": .string(v)]]
        case .oauth2(let o):
            return ["oauth2": ["access_token": .string(o.accessToken), "add_to": .string(o.placement.rawValue), "header_prefix": .string(o.headerPrefix)]]
        case .oauth1(let o):
            var j = JSONObject()
            j["consumer_key"] = .string(o.consumerKey)
            j["consumer_secret"] = .string(o.consumerSecret)
            j["token"] = .string(o.token)
            j["token_secret"] = .string(o.tokenSecret)
            j["signature_method"] = .string(o.signatureMethod)
            if !o.timestamp.isEmpty { j["timestamp"] = .string(o.timestamp) }
            if !o.nonce.isEmpty { j["nonce"] = .string(o.nonce) }
            j["version"] = .string(o.version)
            if !o.realm.isEmpty { j["realm"] = .string(o.realm) }
            if !o.callback.isEmpty { j["callback"] = .string(o.callback) }
            if !o.verifier.isEmpty { j["verifier"] = .string(o.verifier) }
            j["add_to"] = .string(o.placement.rawValue)
            j["include_empty"] = .bool(o.includeEmptyParameters)
            return ["oauth1": .object(j)]
        case .hawk(let h):
            var j = JSONObject()
            j["id"] = .string(h.id)
            j["key"] = .string(h.key)
            j["algorithm"] = .string(h.algorithm)
            for (k, v) in [("user", h.user), ("ext", h.ext), ("app", h.app), ("dlg", h.dlg), ("nonce", h.nonce), ("timestamp", h.timestamp)] where !v.isEmpty {
                j[k] = .string(v)
            }
            j["payload_hash"] = .bool(h.includePayloadHash)
            return ["hawk": .object(j)]
        case .awsv4(let a):
            var j = JSONObject()
            j["access_key"] = .string(a.accessKey)
            j["secret_key"] = .string(a.secretKey)
            j["region"] = .string(a.region)
            j["service"] = .string(a.service)
            if !a.sessionToken.isEmpty { j["session_token"] = .string(a.sessionToken) }
            return ["awsv4": .object(j)]
        case .ntlm(let u, let p, let d):
            return ["ntlm": ["username": .string(u), "password": .string(p), "domain": .string(d)]]
        case .unsupported(let k): return ["unsupported": .string(k)]
        }
    }

    private func pretty(_ v: JSON) -> String { v.serialized(pretty: true) + "\n" }

    /// `List Accounts (v2)` → `list-accounts-v2`.
    func slug(_ name: String, fallback: String) -> String {
        var out = ""
        var dash = false
        for c in name.lowercased().unicodeScalars {
            if (c >= "a" && c <= "z") || (c >= "0" && c <= "9") {
                out.unicodeScalars.append(c)
                dash = false
            } else if !dash && !out.isEmpty {
                out += "-"
                dash = true
            }
            if out.count >= 60 { break }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? fallback : out
    }
}
