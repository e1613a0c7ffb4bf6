import Foundation

/// The runner's side of scripts: what a script sees of the request, the response
/// and the scopes (as JSON for the engine), and what its changes do to them.
enum ScriptSteps {
    /// The scripts of a phase for a request: collection → folders → request.
    static func scripts(_ phase: ScriptSpec.Phase, for s: ScheduledRequest) -> [ScriptSpec] {
        (s.folders.flatMap(\.settings.scripts) + s.request.scripts).filter { $0.phase == phase }
    }

    // MARK: - The context

    /// The scopes as scripts see them. `commandLine` (`--var`, `--secret`, what
    /// `--mock` binds) and `folders` (the request's folders' variables, innermost
    /// winning) are read-only layers that `pm.variables` resolves through, in the
    /// order `VariableScopes.lookup` uses.
    static func variables(_ scopes: VariableScopes, folders: [Folder]) -> JSON {
        var commandLine = scopes.commandLine
        for k in scopes.commandLineSecrets.keys { commandLine[k] = scopes.commandLineSecrets[k] }
        var folderLayer = JSONObject()
        for f in folders.dropFirst() { for k in f.settings.variables.keys { folderLayer[k] = f.settings.variables[k] } }
        return ["globals": .object(scopes.globals), "collection": .object(scopes.collection), "environment": .object(scopes.environment),
                "data": .object(scopes.data), "local": .object(scopes.local), "commandLine": .object(commandLine), "folders": .object(folderLayer)]
    }

    static func apply(variables v: JSON?, to scopes: VariableScopes) {
        guard let v else { return }
        if let o = v["globals"]?.objectValue { scopes.globals = o }
        if let o = v["collection"]?.objectValue { scopes.collection = o }
        if let o = v["environment"]?.objectValue { scopes.environment = o }
        if let o = v["data"]?.objectValue { scopes.data = o }
        if let o = v["local"]?.objectValue { scopes.local = o }
    }

    static func info(_ s: ScheduledRequest, _ info: RequestInfo, phase: ScriptSpec.Phase, environmentName: String?) -> JSON {
        ["eventName": .string(phase.rawValue), "iteration": .integer(Int64(info.iteration - 1)), "iterationCount": .integer(Int64(info.iterations)),
         "requestName": .string(s.request.name), "requestId": .string(s.request.postmanId ?? s.request.id), "environmentName": .string(environmentName ?? "")]
    }

    /// The request as written (templates unresolved), for pre-request scripts.
    static func requestJSON(_ spec: RequestSpec) -> JSON {
        var o: JSONObject = ["url": .string(spec.url ?? ""), "method": .string(spec.method ?? (spec.body == nil ? "GET" : "POST")),
                             "headers": .array(spec.headers.map { ["key": .string($0.name), "value": .string($0.value)] }),
                             "name": .string(spec.name), "id": .string(spec.id)]
        switch spec.body {
        case nil: o["body"] = ["mode": "none"]
        case .raw(let text, _): o["body"] = ["mode": "raw", "raw": .string(text)]
        case .json(let v): o["body"] = ["mode": "raw", "raw": .string(v.serialized())]
        case .form(let pairs): o["body"] = ["mode": "urlencoded", "urlencoded": .array(pairs.map { ["key": .string($0.name), "value": .string($0.value)] })]
        case .multipart(let parts):
            o["body"] = ["mode": "formdata", "formdata": .array(parts.map { p in
                p.file.map { ["key": .string(p.name), "type": "file", "src": .string($0)] } ?? ["key": .string(p.name), "type": "text", "value": .string(p.value ?? "")]
            })]
        case .graphql(let g): o["body"] = ["mode": "graphql", "graphql": ["query": .string(g.query), "variables": g.variables ?? .null]]
        case .file(let path, _): o["body"] = ["mode": "file", "file": ["src": .string(path)]]
        }
        return .object(o)
    }

    /// The request as it was sent (before any `--rewrite`, which scripts do not see), for test scripts.
    static func sentRequestJSON(_ built: BuiltRequest, spec: RequestSpec) -> JSON {
        let http = built.http
        let headers = http.headers.filter { !built.rewriteHeaders.contains($0.name.lowercased()) }
        var o: JSONObject = ["url": .string(built.urlBeforeRewrite), "method": .string(http.method),
                             "headers": .array(headers.map { ["key": .string($0.name), "value": .string($0.value)] }),
                             "name": .string(spec.name), "id": .string(spec.id)]
        o["body"] = http.body.map { ["mode": "raw", "raw": .string(String(decoding: $0, as: UTF8.self))] } ?? ["mode": "none"]
        return .object(o)
    }

    /// The response for scripts. `pm.cookies` is what Postman gives: the jar's cookies
    /// for the response's URL (which include any a redirect on the way set), and the
    /// response's own `Set-Cookie` when the jar is off.
    static func responseJSON(_ r: HTTPResponse, jar: [String] = []) -> JSON {
        var cookies: [JSON] = []
        var seen = Set<String>()
        for line in jar {
            guard let c = JarCookie(netscapeLine: line), c.matches(r.effectiveURL), seen.insert(c.name).inserted else { continue }
            cookies.append(["name": .string(c.name), "value": .string(c.value), "domain": .string(c.domain), "path": .string(c.path),
                            "secure": .bool(c.secure), "httpOnly": .bool(c.httpOnly)])
        }
        for value in r.headers.all(named: "set-cookie") {
            let pair = value.split(separator: ";", maxSplits: 1).first ?? ""
            guard let eq = pair.firstIndex(of: "=") else { continue }
            let name = pair[..<eq].trimmingCharacters(in: .whitespaces)
            guard seen.insert(name).inserted else { continue }
            cookies.append(["name": .string(name), "value": .string(String(pair[pair.index(after: eq)...]))])
        }
        return ["code": .integer(Int64(r.status)), "headers": .array(r.headers.map { ["key": .string($0.name), "value": .string($0.value)] }),
                "body": .string(String(decoding: r.body, as: UTF8.self)), "responseTime": .double((r.timing.totalMs * 10).rounded() / 10),
                "responseSize": .integer(Int64(r.body.count)), "cookies": .array(cookies)]
    }

    /// What a pre-request script changed in `pm.request`, applied to the request
    /// spec, so that is what gets resolved and sent.
    static func apply(request r: JSON?, to spec: inout RequestSpec, original: JSON) {
        guard let r, r != original else { return }
        if let url = r["url"]?.stringValue, url != original["url"]?.stringValue { spec.url = url }
        if let m = r["method"]?.stringValue, m != original["method"]?.stringValue { spec.method = m.uppercased() }
        if let headers = r["headers"]?.arrayValue, r["headers"] != original["headers"] {
            spec.headers = headers.compactMap { h in h["key"]?.stringValue.map { HTTPHeader($0, h["value"]?.interpolationText ?? "") } }
        }
        if let body = r["body"], body != original["body"] {
            switch body["mode"]?.stringValue {
            case "raw":
                var contentType: String?
                switch spec.body {
                case .raw(_, let ct)?: contentType = ct
                case .json?: contentType = "application/json"
                default: break
                }
                spec.body = .raw(body["raw"]?.interpolationText ?? "", contentType: contentType)
            case "urlencoded":
                spec.body = .form((body["urlencoded"]?.arrayValue ?? []).compactMap { f in
                    f["key"]?.stringValue.map { (name: $0, value: f["value"]?.interpolationText ?? "") }
                })
            case "none": spec.body = nil
            default: break
            }
        }
    }

    // MARK: - pm.sendRequest

    /// A Postman request object (`{url, method, header, body}`) as an `HTTPRequest`:
    /// the URL normalised and rewritten like any other, the run's TLS settings.
    struct SendError: Error { var message: String }

    /// The request and the credentials its `auth` carries (for the redactor).
    static func httpRequest(from r: JSON, configuration: RunConfiguration) -> Result<(HTTPRequest, [String]), SendError> {
        guard var url = r["url"]?.stringValue, !url.trimmingCharacters(in: .whitespaces).isEmpty else {
            return .failure(SendError(message: "pm.sendRequest needs a URL"))
        }
        url = URLNormalizer.normalize(url)
        for rewrite in configuration.rewrites {
            if let u = rewrite.apply(url) { url = u; break }
        }
        var headers: [HTTPHeader] = (r["header"]?.arrayValue ?? []).compactMap { h in
            h["key"]?.stringValue.map { HTTPHeader($0, h["value"]?.interpolationText ?? "") }
        }
        var body: [UInt8]?
        var contentType: String?
        switch r["body"]?["mode"]?.stringValue {
        case "raw"?:
            body = Array((r["body"]?["raw"]?.interpolationText ?? "").utf8)
            if let lang = r["body"]?["options"]?["raw"]?["language"]?.stringValue, lang == "json" { contentType = "application/json" }
        case "urlencoded"?:
            let pairs = (r["body"]?["urlencoded"]?.arrayValue ?? []).compactMap { f -> String? in
                guard let k = f["key"]?.stringValue else { return nil }
                return formEncode(k) + "=" + formEncode(f["value"]?.interpolationText ?? "")
            }
            body = Array(pairs.joined(separator: "&").utf8)
            contentType = "application/x-www-form-urlencoded"
        default: break
        }
        if let contentType, !headers.contains(where: { $0.name.lowercased() == "content-type" }) { headers.append(HTTPHeader("Content-Type", contentType)) }
        if !headers.contains(where: { $0.name.lowercased() == "user-agent" }) { headers.append(HTTPHeader("User-Agent", RequestBuilder.userAgent)) }
        for h in headers where (h.name + h.value).utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) {
            return .failure(SendError(message: "pm.sendRequest: header '\(h.name)' has a line break"))
        }
        var options = TransportOptions()
        if let t = configuration.timeoutMs { options.timeoutMs = t }
        options.insecure = configuration.insecure
        options.caCertPath = configuration.caCertPath
        options.clientCertPath = configuration.clientCertPath
        options.clientKeyPath = configuration.clientKeyPath
        options.connectTo = configuration.connectTo
        options.redirectRewrites = configuration.rewrites
        let method = (r["method"]?.stringValue ?? (body == nil ? "GET" : "POST")).uppercased()
        var request = HTTPRequest(method: method, url: url, headers: headers, body: body, options: options)
        let credentials: [String]
        switch applyAuth(r["auth"], to: &request) {
        case .failure(let e): return .failure(e)
        case .success(let c): credentials = c
        }
        // As the run's own requests: no credential over plain http to another host.
        let carriesCredentials = !credentials.isEmpty
            || request.headers.contains { ["authorization", "proxy-authorization"].contains($0.name.lowercased()) && !$0.value.isEmpty }
        if carriesCredentials, !configuration.allowInsecureAuth, let refusal = PlainHTTPAuth.refusal(url: request.url, carrying: "credentials") {
            return .failure(SendError(message: "pm.sendRequest: " + refusal))
        }
        return .success((request, credentials))
    }

    /// `auth` of a `pm.sendRequest` request, in Postman's form (`{type, bearer: [{key,
    /// value}]}`, or v2.0's `{type, bearer: {token}}`): bearer, basic, API key and
    /// digest, as a run sends them. Returns the secrets it used.
    static func applyAuth(_ auth: JSON?, to request: inout HTTPRequest) -> Result<[String], SendError> {
        guard let auth, let type = auth["type"]?.stringValue?.lowercased(), type != "noauth" else { return .success([]) }
        func field(_ key: String) -> String? {
            let fields = auth[type]
            if let list = fields?.arrayValue {
                return list.first { $0["key"]?.stringValue == key }?["value"]?.interpolationText
            }
            return fields?[key]?.interpolationText
        }
        func setHeader(_ name: String, _ value: String) {
            request.headers.removeAll { $0.name.lowercased() == name.lowercased() }
            request.headers.append(HTTPHeader(name, value))
        }
        switch type {
        case "bearer":
            let token = field("token") ?? ""
            setHeader("Authorization", "Bearer " + token)
            return .success([token])
        case "basic", "digest":
            let user = field("username") ?? "", pass = field("password") ?? ""
            if type == "digest" {
                request.auth = .digest(username: user, password: pass)
                return .success([pass])
            }
            let encoded = Data("\(user):\(pass)".utf8).base64EncodedString()
            setHeader("Authorization", "Basic " + encoded)
            return .success([pass, encoded])
        case "apikey":
            let key = field("key") ?? "", value = field("value") ?? ""
            if field("in") == "query" {
                request.url += (request.url.contains("?") ? "&" : "?") + formEncode(key) + "=" + formEncode(value)
            } else {
                setHeader(key, value)
            }
            return .success([value])
        default:
            return .failure(SendError(message: "pm.sendRequest: auth type '\(type)' is not supported there (use bearer, basic, digest or apikey, or set the header yourself)"))
        }
    }
}
