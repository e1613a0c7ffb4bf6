import Foundation

/// Reads one request file (§3) into a `RequestSpec`.
enum RequestReader {
    static let keys = [
        "name", "description", "tags", "method", "url", "query", "headers", "auth", "options",
        "json", "body", "content_type", "form", "multipart", "graphql", "body_file", "assert", "capture", "skip",
        "examples", "scripts", "baseline",
    ]
    static let bodyKeys = ["json", "body", "form", "multipart", "graphql", "body_file"]
    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT"]

    static func read(_ json: JSON, id: String, file: String, defaultName: String, checker: inout FileChecker) -> RequestSpec? {
        guard case .object(let o) = json else {
            checker.error("", "a request file must hold a JSON object, not \(json.typeName)", atValue: true)
            return nil
        }
        checker.checkKeys(o, at: "", allowed: keys, what: "key")
        var r = RequestSpec(id: id, name: defaultName, source: SourceRef(file: file, sourceMap: checker.map))
        if let n = checker.string(o["name"], at: "/name", field: "name") { r.name = n }
        r.description = checker.string(o["description"], at: "/description", field: "description")
        if let t = checker.stringArray(o["tags"], at: "/tags", field: "tags") { r.tags = t }
        if let m = checker.string(o["method"], at: "/method", field: "method") {
            let upper = m.uppercased()
            if !methods.contains(upper) && !m.hasTemplateMarker {
                var msg = "unknown HTTP method '\(m)'"
                if let s = closestMatch(to: upper, in: methods) { msg += " (did you mean '\(s)'?)" }
                checker.error("/method", msg, atValue: true)
            }
            r.method = m.hasTemplateMarker ? m : upper
        }
        r.url = checker.string(o["url"], at: "/url", field: "url")
        if let q = o["query"] { r.query = readQuery(q, checker: &checker) }
        if let h = o["headers"] { r.headers = readHeaders(h, checker: &checker) }
        if let a = o["auth"] { r.auth = AuthReader.read(a, at: "/auth", checker: &checker) }
        if let opts = checker.object(o["options"], at: "/options", field: "options") {
            var probe = RequestOptions()
            for p in probe.apply(opts, allowTemplates: true) { checker.error("/options" + p.pointer, p.message) }
            r.options = opts
        }
        r.body = readBody(o, file: file, checker: &checker)
        if let a = o["assert"] {
            if case .array(let items) = a {
                for (i, item) in items.enumerated() {
                    if let spec = AssertionReader.read(item, at: "/assert/\(i)", checker: &checker) {
                        r.assertions.append(spec)
                    }
                }
            } else {
                checker.error("/assert", "'assert' must be an array of assertions, e.g. [{\"status\": 200}]", atValue: true)
            }
        }
        if let c = checker.object(o["capture"], at: "/capture", field: "capture") {
            for (name, value) in c.members {
                if let spec = AssertionReader.readCapture(name: name, value, at: "/capture/\(jsonPointerEscape(name))", checker: &checker) {
                    r.captures.append(spec)
                }
            }
        }
        r.scripts = ScriptReader.read(o["scripts"], owner: "request \"\(id)\"", checker: &checker)
        r.baseline = BaselineRules.read(o["baseline"], checker: &checker)
        switch o["examples"] {
        case nil: break
        case .some(.array(let items)): r.examples = items
        case .some(let v): checker.error("/examples", "'examples' must be an array of saved responses, not \(v.typeName)", atValue: true)
        }
        switch o["skip"] {
        case nil, .some(.bool(false)): break
        case .some(.bool(true)): r.skip = ""
        case .some(.string(let reason)): r.skip = reason
        case .some(let v): checker.error("/skip", "'skip' must be true, false or a reason string, not \(v.typeName)", atValue: true)
        }
        return r
    }

    /// `headers`: name → template string, or an array of them to send the header several times.
    static func readHeaders(_ value: JSON, checker: inout FileChecker) -> [HTTPHeader] {
        guard let obj = checker.object(value, at: "/headers", field: "headers") else { return [] }
        var out: [HTTPHeader] = []
        for (k, v) in obj.members {
            let p = "/headers/\(jsonPointerEscape(k))"
            switch v {
            case .string(let s): out.append(HTTPHeader(k, s))
            case .integer, .double, .bool: out.append(HTTPHeader(k, v.serialized()))
            case .array(let items):
                for (i, item) in items.enumerated() {
                    switch item {
                    case .string(let s): out.append(HTTPHeader(k, s))
                    case .integer, .double, .bool: out.append(HTTPHeader(k, item.serialized()))
                    default: checker.error("\(p)/\(i)", "header values must be strings, not \(item.typeName)", atValue: true)
                    }
                }
            default:
                checker.error(p, "'headers.\(k)' must be a string (or an array of strings to repeat the header), not \(v.typeName)", atValue: true)
            }
        }
        return out
    }

    static func readQuery(_ value: JSON, checker: inout FileChecker) -> [(name: String, values: [String])] {
        guard let obj = checker.object(value, at: "/query", field: "query") else { return [] }
        var out: [(name: String, values: [String])] = []
        for (k, v) in obj.members {
            let p = "/query/\(jsonPointerEscape(k))"
            switch v {
            case .string(let s): out.append((k, [s]))
            case .integer, .double, .bool: out.append((k, [v.serialized()]))
            case .array(let items):
                var values: [String] = []
                for (i, item) in items.enumerated() {
                    switch item {
                    case .string(let s): values.append(s)
                    case .integer, .double, .bool: values.append(item.serialized())
                    default: checker.error("\(p)/\(i)", "query values must be strings or numbers, not \(item.typeName)", atValue: true)
                    }
                }
                out.append((k, values))
            default:
                checker.error(p, "query parameter '\(k)' must be a string or an array of strings, not \(v.typeName)", atValue: true)
            }
        }
        return out
    }

    static func readBody(_ o: JSONObject, file: String, checker: inout FileChecker) -> BodySpec? {
        let present = bodyKeys.filter { o[$0] != nil }
        if present.count > 1 {
            checker.error("/" + present[1], "a request has at most one body; found \(present.joined(separator: " and ")). Keep one of them")
            return nil
        }
        if o["content_type"] != nil, o["body"] == nil, o["body_file"] == nil {
            checker.error("/content_type", "'content_type' applies to a 'body' string or a 'body_file' only; for other bodies set a Content-Type header")
        }
        guard let kind = present.first, let value = o[kind] else { return nil }
        let dir = RequestSpec.directory(of: file)
        switch kind {
        case "json":
            return .json(value)
        case "body":
            guard let text = checker.string(value, at: "/body", field: "body") else { return nil }
            let ct = checker.string(o["content_type"], at: "/content_type", field: "content_type")
            return .raw(text, contentType: ct)
        case "body_file":
            guard let path = checker.string(value, at: "/body_file", field: "body_file") else { return nil }
            let full = path.hasPrefix("/") ? path : (dir as NSString).appendingPathComponent(path)
            if !path.hasTemplateMarker && !FileManager.default.fileExists(atPath: full) {
                checker.warning("/body_file", "file '\(path)' not found (looked for \(full)); the request will be an error unless it exists when run (paths are relative to the request file)", atValue: true)
            }
            let ct = checker.string(o["content_type"], at: "/content_type", field: "content_type")
            return .file(path: path, contentType: ct)
        case "form":
            // name → value, or → [values] to send a field several times.
            guard let obj = checker.object(value, at: "/form", field: "form") else { return nil }
            var pairs: [(name: String, value: String)] = []
            for (k, v) in obj.members {
                let p = "/form/\(jsonPointerEscape(k))"
                let items: [(JSON, String)] = v.arrayValue.map { a in a.enumerated().map { ($0.element, "\(p)/\($0.offset)") } } ?? [(v, p)]
                for (item, ip) in items {
                    switch item {
                    case .string(let s): pairs.append((k, s))
                    case .integer, .double, .bool: pairs.append((k, item.serialized()))
                    default: checker.error(ip, "'form.\(k)' must be a string (or an array of strings to repeat the field), not \(item.typeName)", atValue: true)
                    }
                }
            }
            return .form(pairs)
        case "multipart":
            guard case .array(let items) = value else {
                checker.error("/multipart", "'multipart' must be an array of parts like {\"name\": \"f\", \"value\": \"v\"} or {\"name\": \"f\", \"file\": \"x.bin\"}", atValue: true)
                return nil
            }
            var parts: [MultipartPart] = []
            for (i, item) in items.enumerated() {
                let p = "/multipart/\(i)"
                guard let part = checker.object(item, at: p, field: "multipart part") else { continue }
                checker.checkKeys(part, at: p, allowed: ["name", "value", "file", "content_type"], what: "multipart key")
                guard let name = checker.string(part["name"], at: p + "/name", field: "name") else {
                    if part["name"] == nil { checker.error(p, "a multipart part needs a \"name\"", atValue: true) }
                    continue
                }
                let v = part["value"].flatMap { $0.stringValue ?? $0.serialized() }
                let f = checker.string(part["file"], at: p + "/file", field: "file")
                if (v == nil) == (f == nil) {
                    checker.error(p, "a multipart part needs exactly one of \"value\" or \"file\"", atValue: true)
                    continue
                }
                if let f {
                    let full = f.hasPrefix("/") ? f : (dir as NSString).appendingPathComponent(f)
                    if !f.hasTemplateMarker && !FileManager.default.fileExists(atPath: full) {
                        checker.warning(p + "/file", "file '\(f)' not found (looked for \(full)); the request will be an error unless it exists when run (paths are relative to the request file)", atValue: true)
                    }
                }
                let ct = checker.string(part["content_type"], at: p + "/content_type", field: "content_type")
                parts.append(MultipartPart(name: name, value: v, file: f, contentType: ct))
            }
            return .multipart(parts)
        default:  // graphql
            guard let g = checker.object(value, at: "/graphql", field: "graphql") else { return nil }
            checker.checkKeys(g, at: "/graphql", allowed: ["query", "file", "variables", "operation_name"], what: "graphql key")
            var query = checker.string(g["query"], at: "/graphql/query", field: "query")
            var queryFile: String?
            if let f = checker.string(g["file"], at: "/graphql/file", field: "file") {
                if query != nil {
                    checker.error("/graphql/file", "give either \"query\" or \"file\", not both")
                    return nil
                }
                let full = f.hasPrefix("/") ? f : (dir as NSString).appendingPathComponent(f)
                guard let data = FileManager.default.contents(atPath: full), let text = String(data: data, encoding: .utf8) else {
                    checker.error("/graphql/file", "GraphQL file '\(f)' not found or unreadable (looked for \(full)); paths are relative to the request file", atValue: true)
                    return nil
                }
                query = text
                queryFile = full
            }
            guard let query else {
                if g["query"] == nil && g["file"] == nil {
                    checker.error("/graphql", "a graphql body needs \"query\" (the text) or \"file\" (a .graphql file)", atValue: true)
                }
                return nil
            }
            if let v = g["variables"], !(v.objectValue != nil || v.stringValue != nil || v.isNull) {
                checker.error("/graphql/variables", "GraphQL 'variables' must be an object (or a string of JSON text), not \(v.typeName)", atValue: true)
            }
            let op = checker.string(g["operation_name"], at: "/graphql/operation_name", field: "operation_name")
            return .graphql(GraphQLBody(query: query, queryFile: queryFile, variables: g["variables"], operationName: op))
        }
    }
}
