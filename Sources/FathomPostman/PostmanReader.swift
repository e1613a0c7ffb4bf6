import FathomCore
import Foundation

/// Reads a Postman collection (v2.0 or v2.1, told apart by content) into the core
/// model, as Postman and Newman would run it.
///
/// Lenient where Postman is: a missing `info`, an unknown body mode (a warning; the
/// body is dropped), a BOM or UTF-16, and the spellings older exports still carry
/// (`enabled` for `disabled`, a header's `name` for `key`, `events`/`headers`/
/// `responses`/`data` for `event`/`header`/`response`/`body`, a URL without a scheme,
/// `null` query values, a legacy `url.auth`, `_postman_isSubFolder`, a script's
/// `packages`). What cannot be read is a located error naming the item:
/// `My.postman_collection.json:12:7: item "Accounts/List": ...`.
public struct PostmanReader {
    /// Where relative file paths (form-data files, binary bodies) are found:
    /// Newman's `--working-dir`, the current directory by default.
    public var workingDirectory: String

    public init(workingDirectory: String = FileManager.default.currentDirectoryPath) {
        self.workingDirectory = workingDirectory
    }

    /// Loads the collection file at `path`.
    public func load(_ path: String) throws(LoadError) -> CollectionSpec {
        try read(PostmanFile.read(path))
    }

    public func read(_ file: PostmanFile) throws(LoadError) -> CollectionSpec {
        var ctx = Context(file: file, workingDirectory: workingDirectory)
        guard case .object(let top) = file.json else {
            throw LoadError([Diagnostic(file: file.path, position: SourcePosition(line: 1, column: 1), message: "a Postman collection is a JSON object, not \(file.json.typeName)")])
        }
        let version: String
        switch FileKind.of(file.json) {
        case .postmanCollection(let v): version = v
        case .postmanV1Collection:
            throw LoadError([Diagnostic(file: file.path, position: SourcePosition(line: 1, column: 1), message: "this is a Postman collection in the old v1 format, which Fathom does not read; open it in Postman and export it again as Collection v2.1")])
        default: version = "2.1.0"
        }
        let info = top["info"]?.objectValue ?? JSONObject()
        let fileName = (file.path as NSString).lastPathComponent
        let defaultName = fileName.replacingOccurrences(of: ".postman_collection.json", with: "").replacingOccurrences(of: ".json", with: "")
        let name = info["name"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? defaultName
        var settings = Settings()
        settings.description = Self.description(info["description"]) ?? Self.description(top["description"])
        // Postman sends an undefined {{name}} as written; so does Fathom for Postman collections (with a warning).
        settings.options["unresolved_variables"] = .string("keep")
        ctx.readVariables(top["variable"], into: &settings, at: "/variable")
        if let a = top["auth"] { settings.auth = ctx.auth(a, at: "/auth", label: "the collection") }
        settings.scripts = ctx.scripts(top["event"] ?? top["events"], at: "/event", owner: "collection", label: nil)
        ctx.applyProtocolProfile(top["protocolProfileBehavior"], to: &settings.options, at: "/protocolProfileBehavior", label: nil)
        let items = ctx.items(top["item"], at: "/item", parentPath: [], inheritedAuth: settings.auth)
        if top["item"] == nil {
            ctx.warn("", nil, "the collection has no \"item\" list; it has no requests")
        }
        if !ctx.errors.isEmpty { throw LoadError(ctx.errors) }
        var root = Folder(id: "", name: name, settings: settings, children: items, source: SourceRef(file: file.path, context: nil, position: SourcePosition(line: 1, column: 1)))
        root.settings.order = nil
        return CollectionSpec(
            name: name, description: settings.description, rootPath: file.path, root: root,
            format: .postman(version: version), warnings: ctx.warnings)
    }

    static func description(_ value: JSON?) -> String? {
        switch value {
        case .string(let s)?: return s.isEmpty ? nil : s
        case .object(let o)?: return o["content"]?.stringValue
        default: return nil
        }
    }
}

/// The reading of one file: its diagnostics, and helpers shared by every item.
struct Context {
    let file: PostmanFile
    let workingDirectory: String
    var errors: [Diagnostic] = []
    var warnings: [Diagnostic] = []
    private var warnedProfileKeys = Set<String>()

    init(file: PostmanFile, workingDirectory: String) {
        self.file = file
        self.workingDirectory = workingDirectory
    }

    func position(_ pointer: String) -> SourcePosition? { file.position(pointer) }

    func location(_ pointer: String, _ label: String?) -> SourceRef {
        SourceRef(file: file.path, context: label, position: position(pointer))
    }

    mutating func error(_ pointer: String, _ label: String?, _ message: String) {
        errors.append(Diagnostic(file: file.path, position: position(pointer), message: label.map { "\($0): \(message)" } ?? message))
    }

    mutating func warn(_ pointer: String, _ label: String?, _ message: String) {
        warnings.append(Diagnostic(.warning, file: file.path, position: position(pointer), message: label.map { "\($0): \(message)" } ?? message))
    }

    // MARK: - Items

    mutating func items(_ value: JSON?, at pointer: String, parentPath: [String], inheritedAuth: AuthSpec?) -> [Node] {
        guard let value else { return [] }
        guard case .array(let list) = value else {
            error(pointer, Self.label(parentPath, folder: true), "\"item\" must be an array of requests and folders, not \(value.typeName)")
            return []
        }
        var out: [Node] = []
        var used: [String: Int] = [:]
        for (i, entry) in list.enumerated() {
            let p = "\(pointer)/\(i)"
            guard case .object(let o) = entry else {
                error(p, Self.label(parentPath, folder: true), "item \(i + 1) must be an object, not \(entry.typeName)")
                continue
            }
            var name = o["name"]?.interpolationText ?? ""
            if name.isEmpty { name = o["request"].flatMap(Self.urlLabel) ?? "item \(i + 1)" }
            // Names identify requests in reports: make repeats unique, stably.
            let count = used[name, default: 0] + 1
            used[name] = count
            let unique = count == 1 ? name : "\(name) (\(count))"
            let path = parentPath + [unique]
            if case .array? = o["item"] {
                out.append(.folder(folder(o, at: p, path: path, name: name, inheritedAuth: inheritedAuth)))
            } else if let r = o["request"] {
                if let spec = request(r, item: o, at: p, path: path, name: name, inheritedAuth: inheritedAuth) { out.append(.request(spec)) }
            } else if o["item"] != nil {
                error(p + "/item", Self.label(path, folder: true), "\"item\" must be an array of requests and folders")
            } else {
                warn(p, Self.label(path, folder: false), "this item has neither \"request\" nor \"item\"; it was skipped")
            }
        }
        return out
    }

    static func label(_ path: [String], folder: Bool) -> String? {
        path.isEmpty ? nil : "\(folder ? "folder" : "item") \"\(path.joined(separator: "/"))\""
    }

    static func urlLabel(_ request: JSON) -> String? {
        if case .string(let s) = request { return s }
        if case .string(let s)? = request["url"] { return s }
        return request["url"]?["raw"]?.stringValue
    }

    mutating func folder(_ o: JSONObject, at p: String, path: [String], name: String, inheritedAuth: AuthSpec?) -> Folder {
        let label = Self.label(path, folder: true)
        var settings = Settings()
        settings.description = PostmanReader.description(o["description"])
        readVariables(o["variable"], into: &settings, at: p + "/variable")
        if let a = o["auth"] { settings.auth = auth(a, at: p + "/auth", label: label) }
        settings.scripts = scripts(o["event"] ?? o["events"], at: p + "/event", owner: "folder \"\(path.joined(separator: "/"))\"", label: label)
        applyProtocolProfile(o["protocolProfileBehavior"], to: &settings.options, at: p + "/protocolProfileBehavior", label: label)
        let children = items(o["item"], at: p + "/item", parentPath: path, inheritedAuth: settings.auth ?? inheritedAuth)
        return Folder(id: path.joined(separator: "/"), name: name, settings: settings, children: children, source: location(p, label))
    }

    mutating func request(_ value: JSON, item: JSONObject, at p: String, path: [String], name: String, inheritedAuth: AuthSpec?) -> RequestSpec? {
        let label = Self.label(path, folder: false)
        var spec = RequestSpec(id: path.joined(separator: "/"), name: name, source: location(p, label), baseDirectory: workingDirectory)
        spec.postmanId = (item["id"] ?? item["_postman_id"])?.stringValue
        let rp = p + "/request"
        let r: JSONObject
        switch value {
        case .string(let url):
            r = ["url": .string(url), "method": "GET"]
        case .object(let o):
            r = o
        default:
            error(rp, label, "\"request\" must be an object or a URL string, not \(value.typeName)")
            return nil
        }
        spec.description = PostmanReader.description(r["description"]) ?? PostmanReader.description(item["description"])
        let method = (r["method"]?.stringValue ?? "GET").trimmedASCIIWhitespace
        spec.method = method.isEmpty ? "GET" : (Template.hasReference(method) ? method : method.uppercased())
        switch r["url"] {
        case nil, .some(.null):
            // Postman lets a request without a URL be saved; running it is that request's error.
            warn(rp, label, "the request has no \"url\"; it will be reported as an error when run")
            spec.url = ""
        case .some(let u):
            if let url = PostmanURL.template(from: u) {
                spec.url = url
            } else {
                error(rp + "/url", label, "\"url\" must be a string or an object with \"raw\" or \"host\" and \"path\", not \(u.typeName)")
            }
        }
        spec.headers = headers(r["header"] ?? r["headers"], at: rp + "/header", label: label)
        if let a = r["auth"] { spec.auth = auth(a, at: rp + "/auth", label: label) }
        applyProtocolProfile(item["protocolProfileBehavior"], to: &spec.options, at: p + "/protocolProfileBehavior", label: label)
        let pruning = item["protocolProfileBehavior"]?["disableBodyPruning"]?.flag != true
        if let b = r["body"] ?? r["data"], !b.isNull {
            let body = self.body(b, at: rp + "/body", label: label)
            // Postman drops the body of GET, HEAD, COPY, PURGE and UNLOCK unless told not to.
            if pruning, ["GET", "HEAD", "COPY", "PURGE", "UNLOCK"].contains(spec.method ?? "GET") {
                spec.body = nil
            } else {
                spec.body = body
                if case .raw(let text, let ct)? = body, ct == nil, text.isEmpty { spec.body = nil }
            }
        }
        if spec.body == nil, spec.method == nil { spec.method = "GET" }
        spec.scripts = scripts(item["event"] ?? item["events"], at: p + "/event", owner: "request \"\(path.joined(separator: "/"))\"", label: label)
        if case .array(let examples)? = item["response"] ?? item["responses"] { spec.examples = examples }
        // The request's auth (or the inherited one) replaces an Authorization header
        // written by hand, as Postman's authorizers do.
        let effective = spec.auth ?? inheritedAuth
        if let effective, effective != .none, Self.setsAuthorization(effective) {
            spec.headers.removeAll { $0.name.lowercased() == "authorization" }
        }
        return spec
    }

    static func setsAuthorization(_ auth: AuthSpec) -> Bool {
        switch auth {
        case .apiKeyHeader(let name, _): return name.lowercased() == "authorization"
        case .apiKeyQuery, .none: return false
        case .oauth2(let o): return o.placement == .header
        case .oauth1(let o): return o.placement == .header
        default: return true
        }
    }

    // MARK: - Headers

    mutating func headers(_ value: JSON?, at p: String, label: String?) -> [HTTPHeader] {
        switch value {
        case nil, .some(.null): return []
        case .some(.string(let text)):
            // The oldest exports keep headers as "Name: value" lines.
            return text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).compactMap { line in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                let name = line[..<colon].trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty, !name.hasPrefix("//") else { return nil }
                return HTTPHeader(name, line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
        case .some(.array(let list)):
            var out: [HTTPHeader] = []
            for (i, h) in list.enumerated() {
                guard case .object(let o) = h else { continue }
                if Self.isDisabled(o) { continue }
                guard let key = (o["key"] ?? o["name"])?.interpolationText, !key.isEmpty else {
                    if o["value"].map({ !$0.interpolationText.isEmpty }) == true {
                        warn("\(p)/\(i)", label, "a header without a name was left out")
                    }
                    continue
                }
                out.append(HTTPHeader(key, o["value"].map { $0.isNull ? "" : $0.interpolationText } ?? ""))
            }
            return out
        case .some(let v):
            error(p, label, "\"header\" must be an array of {key, value}, not \(v.typeName)")
            return []
        }
    }

    /// `disabled: true`, or the older `enabled: false`.
    static func isDisabled(_ o: JSONObject) -> Bool {
        o["disabled"]?.flag == true || o["enabled"]?.flag == false
    }

    // MARK: - Variables

    mutating func readVariables(_ value: JSON?, into settings: inout Settings, at p: String) {
        guard case .array(let list)? = value else { return }
        for v in list {
            guard case .object(let o) = v, !Self.isDisabled(o) else { continue }
            guard let key = (o["key"] ?? o["id"])?.stringValue, !key.isEmpty else { continue }
            settings.variables[key] = o["value"].map { $0.isNull ? .string("") : $0 } ?? .string("")
            if o["type"]?.stringValue == "secret", !settings.secrets.contains(key) { settings.secrets.append(key) }
        }
    }

    // MARK: - Scripts

    mutating func scripts(_ value: JSON?, at p: String, owner: String, label: String?) -> [ScriptSpec] {
        guard case .array(let events)? = value else { return [] }
        var out: [ScriptSpec] = []
        for (i, e) in events.enumerated() {
            guard case .object(let o) = e, o["disabled"]?.flag != true else { continue }
            let phase: ScriptSpec.Phase
            switch o["listen"]?.stringValue {
            case "prerequest"?: phase = .preRequest
            case "test"?: phase = .test
            default: continue
            }
            let script = o["script"]?.objectValue ?? JSONObject()
            let source: String
            switch script["exec"] {
            case .array(let lines)?: source = lines.map(\.interpolationText).joined(separator: "\n")
            case .string(let s)?: source = s
            default: source = ""
            }
            if script["src"] != nil, source.isEmpty {
                warn("\(p)/\(i)/script/src", label, "a script loaded from \"src\" is not read; only inline scripts are")
            }
            // An empty script does nothing: not worth reporting as skipped.
            guard source.utf8.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else { continue }
            out.append(ScriptSpec(phase: phase, source: source, location: location("\(p)/\(i)", label), owner: owner))
        }
        return out
    }

    // MARK: - protocolProfileBehavior

    mutating func applyProtocolProfile(_ value: JSON?, to options: inout JSONObject, at p: String, label: String?) {
        guard case .object(let o)? = value else { return }
        for (k, v) in o.members {
            switch k {
            case "followRedirects": if let b = v.flag { options["follow_redirects"] = .bool(b) }
            case "maxRedirects": if let i = v.intValue { options["max_redirects"] = .integer(Int64(i)) }
            case "strictSSL": if v.flag == false { options["insecure"] = .bool(true) }
            case "disableCookies": if let b = v.flag { options["cookies"] = .bool(!b) }
            case "disableUrlEncoding": if let b = v.flag { options["encode_url"] = .bool(!b) }
            case "followOriginalHttpMethod": if let b = v.flag { options["follow_original_method"] = .bool(b) }
            case "disableBodyPruning": break  // applied while reading the body
            default:
                if warnedProfileKeys.insert(k).inserted {
                    warn("\(p)/\(jsonPointerEscape(k))", label, "protocolProfileBehavior \"\(k)\" is not supported by Fathom and is ignored")
                }
            }
        }
    }
}

extension JSON {
    /// A boolean, also when written as the string "true" or "false" (older exports do).
    var flag: Bool? {
        switch self {
        case .bool(let b): return b
        case .string("true"): return true
        case .string("false"): return false
        default: return nil
        }
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks (ASCII only: cheap).
    var trimmedASCIIWhitespace: String {
        let u = utf8
        func ws(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        guard let first = u.firstIndex(where: { !ws($0) }) else { return "" }
        let last = u.lastIndex(where: { !ws($0) })!
        if first == u.startIndex, last == u.index(before: u.endIndex) { return self }
        return String(self[first...last])
    }
}
