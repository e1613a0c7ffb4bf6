import Foundation

/// A request that could not be built: an unresolved variable, a missing file...
/// It is reported as an error for that request, which is then not sent.
public struct RequestBuildError: Error, Sendable, CustomStringConvertible {
    /// Where in the collection (`file:line:column`, and the item for Postman files).
    public var location: String
    /// What is wrong, without the location.
    public var reason: String
    public init(location: String, reason: String) {
        self.location = location
        self.reason = reason
    }
    /// `location: reason`.
    public var message: String { "\(location): \(reason)" }
    public var description: String { message }
}

/// The request to send, resolved from its spec and the enclosing levels.
struct BuiltRequest {
    var http: HTTPRequest
    var options: RequestOptions
    var isGraphQL: Bool
    /// Credential values resolved for this request, to be redacted.
    var credentials: [String]
    /// The body described for display (`--dry-run`).
    var bodyPlan: BodyPlan
    /// Variables sent as written, and the like.
    var warnings: [String]
    /// The template the request was resolved with (its policy for undefined names),
    /// for the response checks.
    var template: Template
    /// The URL as the collection made it, before `--rewrite` (what scripts see).
    var urlBeforeRewrite: String
    /// Headers added because of a rewrite (`X-Forwarded-*`), hidden from scripts.
    var rewriteHeaders: [String] = []
}

/// Turns a `ScheduledRequest` into an `HTTPRequest`: resolves templates, merges
/// inherited headers, auth and options, normalises the URL, applies `--rewrite`,
/// signs (OAuth 1.0a, Hawk) and encodes the body.
struct RequestBuilder {
    let template: Template
    let configuration: RunConfiguration
    /// Read multipart and body files (false in a dry run, which only names them).
    var materializeFiles = true
    /// Keep undefined variables as written whatever the options say (dry run).
    var forceKeepUnresolved = false
    static let userAgent = "fathom/0.1"

    func build(_ scheduled: ScheduledRequest) throws(RequestBuildError) -> BuiltRequest {
        let spec = scheduled.request

        // Options: collection → folders → request, then the command line.
        var merged = JSONObject()
        for f in scheduled.folders { for (k, v) in f.settings.options.members { merged[k] = v } }
        for (k, v) in spec.options.members { merged[k] = v }
        let keep = forceKeepUnresolved || merged["unresolved_variables"]?.stringValue == "keep"
        let template = self.template.keeping(keep)

        func fail(_ e: TemplateError) -> RequestBuildError {
            RequestBuildError(location: spec.location(e.pointer), reason: "\(e)")
        }
        func str(_ s: String, _ pointer: String) throws(RequestBuildError) -> String {
            do { return try template.resolveString(s, at: pointer) } catch { throw fail(error) }
        }
        func json(_ v: JSON, _ pointer: String) throws(RequestBuildError) -> JSON {
            do { return try template.resolve(v, at: pointer) } catch { throw fail(error) }
        }
        func located(_ pointer: String, _ message: String) -> RequestBuildError {
            RequestBuildError(location: spec.location(pointer), reason: message)
        }

        var options = RequestOptions()
        let resolvedOptions = try json(.object(merged), "/options")
        let problems = options.apply(resolvedOptions.objectValue ?? JSONObject())
        if let p = problems.first { throw located("/options" + p.pointer, p.message) }
        if let t = configuration.timeoutMs { options.transport.timeoutMs = t }
        if configuration.insecure { options.transport.insecure = true }
        options.transport.caCertPath = configuration.caCertPath
        options.transport.clientCertPath = configuration.clientCertPath
        options.transport.clientKeyPath = configuration.clientKeyPath
        options.transport.connectTo = configuration.connectTo
        options.transport.redirectRewrites = configuration.rewrites

        // URL: the request's own, else the nearest graphql_endpoint for GraphQL bodies.
        var url: String
        if let u = spec.url {
            url = try str(u, "/url")
        } else if spec.body?.isGraphQL == true, let endpoint = scheduled.folders.reversed().lazy.compactMap(\.settings.graphqlEndpoint).first {
            url = try str(endpoint, "/graphql")
        } else {
            throw located("", "the request has no \"url\" (and no graphql_endpoint applies to it)")
        }
        if url.trimmedOfSpaces.isEmpty { throw located("/url", "the URL is empty after resolving variables") }
        if options.encodeURL { url = URLNormalizer.normalize(url) }

        // Query parameters.
        var queryPairs: [(String, String)] = []
        for (name, values) in spec.query {
            for (i, v) in values.enumerated() {
                let p = "/query/\(jsonPointerEscape(name))" + (values.count > 1 ? "/\(i)" : "")
                queryPairs.append((name, try str(v, p)))
            }
        }

        // Headers: collection → folders replace by name (case-insensitive); the request's
        // own replace the inherited ones of the same name, and may repeat a name.
        var headers: [HTTPHeader] = []
        func setHeader(_ name: String, _ value: String) {
            let lower = name.lowercased()
            headers.removeAll { $0.name.lowercased() == lower }
            headers.append(HTTPHeader(name, value))
        }
        for f in scheduled.folders {
            for h in f.settings.headers {
                let p = "/headers/\(jsonPointerEscape(h.name))"
                setHeader(try str(h.name, p), try str(h.value, p))
            }
        }
        var own: [HTTPHeader] = []
        for h in spec.headers {
            let p = "/headers/\(jsonPointerEscape(h.name))"
            own.append(HTTPHeader(try str(h.name, p), try str(h.value, p)))
        }
        let ownNames = Set(own.map { $0.name.lowercased() })
        headers.removeAll { ownNames.contains($0.name.lowercased()) }
        headers += own

        // Body (resolved before auth: OAuth 1.0a signs form fields, Hawk hashes the payload).
        var body: [UInt8]?
        var bodyPlan = BodyPlan.none
        var contentType: String?
        var formPairs: [(String, String)]?
        func readFile(_ path: String, _ pointer: String) throws(RequestBuildError) -> (full: String, data: [UInt8]?) {
            let full = path.hasPrefix("/") ? path : (spec.baseDirectory as NSString).appendingPathComponent(path)
            guard materializeFiles else { return (full, nil) }
            guard let data = FileManager.default.contents(atPath: full) else {
                throw located(pointer, "cannot read the file \(full) (check that it exists and is readable)")
            }
            return (full, [UInt8](data))
        }
        switch spec.body {
        case nil: break
        case .json(let v):
            body = Array(try json(v, "/json").serialized().utf8)
            contentType = "application/json"
        case .raw(let text, let ct):
            body = Array(try str(text, "/body").utf8)
            if let ct { contentType = try str(ct, "/content_type") }
        case .form(let pairs):
            var resolved: [(String, String)] = []
            for (n, v) in pairs {
                let p = "/form/\(jsonPointerEscape(n))"
                resolved.append((try str(n, p), try str(v, p)))
            }
            formPairs = resolved
            contentType = "application/x-www-form-urlencoded"
        case .multipart(let parts):
            let boundary = "----fathom-" + configuration.dynamicValues.value("$guid")!.interpolationText
            var out: [UInt8] = []
            var planned: [PlannedPart] = []
            for (i, part) in parts.enumerated() {
                let p = "/multipart/\(i)"
                let name = try str(part.name, p + "/name")
                let ct = try part.contentType.map { s throws(RequestBuildError) in try str(s, p + "/content_type") }
                out += Array("--\(boundary)\r\n".utf8)
                if let file = part.file {
                    let (full, data) = try readFile(try str(file, p + "/file"), p + "/file")
                    planned.append(PlannedPart(name: name, value: nil, file: full, contentType: ct))
                    let filename = (full as NSString).lastPathComponent
                    out += Array("Content-Disposition: form-data; name=\"\(quoteEscape(name))\"; filename=\"\(quoteEscape(filename))\"\r\nContent-Type: \(ct ?? "application/octet-stream")\r\n\r\n".utf8)
                    out += data ?? []
                } else {
                    let value = try str(part.value ?? "", p + "/value")
                    planned.append(PlannedPart(name: name, value: value, file: nil, contentType: ct))
                    out += Array("Content-Disposition: form-data; name=\"\(quoteEscape(name))\"\r\n".utf8)
                    if let ct { out += Array("Content-Type: \(ct)\r\n".utf8) }
                    out += Array("\r\n".utf8)
                    out += Array(value.utf8)
                }
                out += Array("\r\n".utf8)
            }
            out += Array("--\(boundary)--\r\n".utf8)
            body = out
            bodyPlan = .multipart(planned)
            contentType = "multipart/form-data; boundary=\(boundary)"
        case .graphql(let g):
            var payload = JSONObject()
            payload["query"] = .string(try str(g.query, "/graphql/query"))
            switch g.variables {
            case nil, .some(.null):
                payload["variables"] = .object(JSONObject())
            case .some(.string(let text)):
                // One whole template keeps its type; other text is JSON once resolved.
                let resolved = try json(.string(text), "/graphql/variables")
                if case .string(let t) = resolved {
                    let trimmed = t.trimmingCharacters(in: .whitespacesAndNewlines)
                    if trimmed.isEmpty {
                        payload["variables"] = .object(JSONObject())
                    } else {
                        do { payload["variables"] = try JSONParser.parse(trimmed) } catch {
                            throw located("/graphql/variables", "GraphQL variables are not valid JSON once resolved (\(error.message) at \(error.position)): \(Self.clip(trimmed))")
                        }
                    }
                } else {
                    payload["variables"] = resolved
                }
            case .some(let v):
                payload["variables"] = try json(v, "/graphql/variables")
            }
            if let op = g.operationName { payload["operationName"] = .string(try str(op, "/graphql/operation_name")) }
            body = Array(JSON.object(payload).serialized().utf8)
            contentType = "application/json"
        case .file(let path, let ct):
            let (full, data) = try readFile(try str(path, "/body_file"), "/body_file")
            body = data
            bodyPlan = .file(path: full)
            if let ct { contentType = try str(ct, "/content_type") }
        }

        let method: String
        if let m = spec.method { method = try str(m, "/method").uppercased() } else { method = spec.body == nil ? "GET" : "POST" }

        // Auth: the nearest level that sets it.
        var credentials: [String] = []
        // What credential goes out in clear (for the plain-http check), and in which headers.
        var carried: String?
        var credentialHeaders: [String] = []
        var transportAuth: HTTPRequest.TransportAuth?
        let auth = spec.auth ?? scheduled.folders.reversed().lazy.compactMap(\.settings.auth).first
        let hasAuthHeader = headers.contains { $0.name.lowercased() == "authorization" }
        func resolve(_ s: String, _ field: String) throws(RequestBuildError) -> String {
            try str(s, "/auth/\(auth?.kind ?? "")/\(field)")
        }
        var signing: Signing?
        switch auth {
        case nil, .some(.none): break
        case .some(.bearer(let t)):
            let token = try str(t, "/auth/bearer")
            credentials.append(token)
            carried = "a bearer token"
            if !hasAuthHeader { headers.append(HTTPHeader("Authorization", "Bearer \(token)")) }
        case .some(.basic(let u, let p)):
            let user = try str(u, "/auth/basic/username")
            let pass = try str(p, "/auth/basic/password")
            let encoded = Data("\(user):\(pass)".utf8).base64EncodedString()
            credentials += [pass, encoded]
            carried = "basic credentials"
            if !hasAuthHeader { headers.append(HTTPHeader("Authorization", "Basic \(encoded)")) }
        case .some(.digest(let u, let p)):
            let user = try str(u, "/auth/digest/username")
            let pass = try str(p, "/auth/digest/password")
            credentials.append(pass)
            transportAuth = .digest(username: user, password: pass)
        case .some(.apiKeyHeader(let name, let v)):
            let value = try str(v, "/auth/apikey/value")
            credentials.append(value)
            carried = "an API key"
            let header = try str(name, "/auth/apikey/header")
            credentialHeaders.append(header.lowercased())
            setHeader(header, value)
        case .some(.apiKeyQuery(let name, let v)):
            let value = try str(v, "/auth/apikey/value")
            credentials.append(value)
            carried = "an API key"
            queryPairs.append((try str(name, "/auth/apikey/query"), value))
        case .some(.oauth2(let o)):
            let token = try resolve(o.accessToken, "access_token")
            credentials.append(token)
            if !token.isEmpty {
                carried = "an OAuth 2.0 access token"
                switch o.placement {
                case .header:
                    let prefix = try resolve(o.headerPrefix, "header_prefix").trimmingCharacters(in: .whitespaces)
                    setHeader("Authorization", prefix.isEmpty ? token : "\(prefix) \(token)")
                case .query:
                    queryPairs.append(("access_token", token))
                }
            }
        case .some(.ntlm(let u, let p, let d)):
            let user = try resolve(u, "username"), pass = try resolve(p, "password"), domain = try resolve(d, "domain")
            credentials.append(pass)
            carried = "NTLM credentials"
            transportAuth = .ntlm(username: domain.isEmpty ? user : "\(domain)\\\(user)", password: pass)
        case .some(.awsv4(let a)):
            let key = try resolve(a.accessKey, "access_key"), secret = try resolve(a.secretKey, "secret_key")
            let region = try resolve(a.region, "region"), service = try resolve(a.service, "service")
            let session = try resolve(a.sessionToken, "session_token")
            credentials += [secret, session]
            if !session.isEmpty { setHeader("X-Amz-Security-Token", session) }
            transportAuth = .awsSigV4(provider: "aws:amz:\(region):\(service)", accessKey: key, secretKey: secret)
        case .some(.oauth1(let o)):
            var r = o
            let fields: [(WritableKeyPath<OAuth1Auth, String>, String)] = [
                (\.consumerKey, "consumer_key"), (\.consumerSecret, "consumer_secret"), (\.token, "token"),
                (\.tokenSecret, "token_secret"), (\.signatureMethod, "signature_method"), (\.timestamp, "timestamp"),
                (\.nonce, "nonce"), (\.version, "version"), (\.realm, "realm"), (\.callback, "callback"), (\.verifier, "verifier"),
            ]
            for (field, name) in fields { r[keyPath: field] = try resolve(r[keyPath: field], name) }
            r.signatureMethod = r.signatureMethod.uppercased()
            credentials += [r.consumerSecret, r.tokenSecret]
            signing = .oauth1(r)
        case .some(.hawk(let h)):
            var r = h
            let fields: [(WritableKeyPath<HawkAuth, String>, String)] = [
                (\.id, "id"), (\.key, "key"), (\.algorithm, "algorithm"), (\.user, "user"), (\.ext, "ext"),
                (\.app, "app"), (\.dlg, "dlg"), (\.nonce, "nonce"), (\.timestamp, "timestamp"),
            ]
            for (field, name) in fields { r[keyPath: field] = try resolve(r[keyPath: field], name) }
            r.algorithm = r.algorithm.lowercased()
            credentials.append(r.key)
            signing = .hawk(r)
        case .some(.unsupported(let kind)):
            throw located("/auth", "auth type '\(kind)' is not supported by Fathom, so the request was not sent (it would go out without its credentials); supported: basic, bearer, apikey, digest, oauth1, oauth2, hawk, awsv4, ntlm, noauth")
        }

        if !queryPairs.isEmpty {
            let encoded = queryPairs.map { percentEncode($0.0) + "=" + percentEncode($0.1) }.joined(separator: "&")
            if let hash = url.firstIndex(of: "#") { url = String(url[..<hash]) }
            url += (url.utf8.contains(0x3F) ? (url.hasSuffix("?") || url.hasSuffix("&") ? "" : "&") : "?") + encoded
        }
        let urlBeforeRewrite = url
        var rewriteHeaders: [String] = []
        for rewrite in configuration.rewrites {
            if let r = rewrite.apply(url) {
                // Say where the request was meant to go, as a reverse proxy does.
                let original = URLNormalizer.parse(url)
                if !headers.contains(where: { $0.name.lowercased() == "x-forwarded-host" }) {
                    headers.append(HTTPHeader("X-Forwarded-Host", original.host + (original.port.map { ":" + $0 } ?? "")))
                    rewriteHeaders.append("x-forwarded-host")
                }
                if !headers.contains(where: { $0.name.lowercased() == "x-forwarded-proto" }), let scheme = original.scheme {
                    headers.append(HTTPHeader("X-Forwarded-Proto", scheme.lowercased()))
                    rewriteHeaders.append("x-forwarded-proto")
                }
                url = r
                break
            }
        }
        // A password in the URL's user info is a credential too (libcurl sends it as
        // basic auth). Without an '@' there is no user info, and nothing to parse.
        if url.utf8.contains(0x40) {
            let parts = URLNormalizer.parse(url)
            if let password = parts.password, !password.isEmpty {
                let user = (parts.user ?? "").removingPercentEncoding ?? parts.user ?? ""
                let plain = password.removingPercentEncoding ?? password
                credentials += [password, plain, Data("\(user):\(plain)".utf8).base64EncodedString()]
                carried = carried ?? "the password in the URL"
            }
        }
        // An Authorization header written out by hand is a credential too.
        if carried == nil, headers.contains(where: { ["authorization", "proxy-authorization"].contains($0.name.lowercased()) && !$0.value.isEmpty }) {
            carried = "an Authorization header"
        }
        if let carried, !configuration.allowInsecureAuth, let refusal = PlainHTTPAuth.refusal(url: url, carrying: carried) {
            throw located(spec.url != nil ? "/url" : "", refusal)
        }
        // The transport follows the redirects of a request with credentials itself,
        // so none of them goes to another host or from https to http.
        if carried != nil, headers.contains(where: { $0.name.lowercased() == "authorization" }) { credentialHeaders.append("authorization") }

        // Signatures cover the URL and form fields as they will be sent.
        switch signing {
        case nil: break
        case .oauth1(let o):
            guard let hashing = configuration.hashing else { throw located("/auth", "OAuth 1.0a signing needs a crypto library, which this build lacks") }
            let signer = OAuth1Signer(auth: o, hashing: hashing, dynamic: configuration.dynamicValues)
            do {
                let signed = try signer.sign(method: method, url: url, form: formPairs, isFormBody: formPairs != nil)
                switch signed {
                case .header(let value): setHeader("Authorization", value)
                case .query(let params):
                    let extra = params.map { OAuth1Signer.encode($0.0) + "=" + OAuth1Signer.encode($0.1) }.joined(separator: "&")
                    url += (url.utf8.contains(0x3F) ? (url.hasSuffix("?") || url.hasSuffix("&") ? "" : "&") : "?") + extra
                case .form(let params): formPairs = (formPairs ?? []) + params
                }
            } catch {
                throw located("/auth", error.message)
            }
        case .hawk(let h):
            guard let hashing = configuration.hashing else { throw located("/auth", "Hawk signing needs a crypto library, which this build lacks") }
            let payload = formPairs.map { encodeForm($0) } ?? body
            let signer = HawkSigner(auth: h, hashing: hashing, dynamic: configuration.dynamicValues)
            do {
                setHeader("Authorization", try signer.header(method: method, url: url, payload: h.includePayloadHash ? payload ?? [] : nil, contentType: contentType))
            } catch {
                throw located("/auth", error.message)
            }
        }
        if let formPairs {
            body = encodeForm(formPairs)
        }
        if case .none = bodyPlan, let body { bodyPlan = .text(String(decoding: body, as: UTF8.self)) }

        // A line break in a header would let a value forge more headers: refuse it.
        for h in headers where h.name.isEmpty || (h.name + h.value).utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) || h.name.utf8.contains(0x3A) {
            throw located("/headers", "header '\(h.name)' has an empty name, a ':' in its name, or a line break in its name or value; remove it (check the variables it uses)")
        }
        if let contentType, !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            headers.append(HTTPHeader("Content-Type", contentType))
        }
        if !headers.contains(where: { $0.name.lowercased() == "user-agent" }) {
            headers.append(HTTPHeader("User-Agent", RequestBuilder.userAgent))
        }

        var warnings: [String] = []
        if let names = template.unresolved?.names, !names.isEmpty, !forceKeepUnresolved || !names.isEmpty {
            let list = names.map { "{{\($0)}}" }.joined(separator: ", ")
            warnings.append("\(spec.location("")): \(names.count == 1 ? "variable" : "variables") \(list) \(names.count == 1 ? "is" : "are") not defined; sent as written")
        }
        var http = HTTPRequest(method: method, url: url, headers: headers, body: body, auth: transportAuth, options: options.transport)
        http.credentialHeaders = credentialHeaders
        return BuiltRequest(
            http: http, options: options, isGraphQL: spec.body?.isGraphQL == true, credentials: credentials,
            bodyPlan: bodyPlan, warnings: warnings, template: template, urlBeforeRewrite: urlBeforeRewrite, rewriteHeaders: rewriteHeaders)
    }

    private enum Signing {
        case oauth1(OAuth1Auth)
        case hawk(HawkAuth)
    }

    func encodeForm(_ pairs: [(String, String)]) -> [UInt8] {
        Array(pairs.map { formEncode($0.0) + "=" + formEncode($0.1) }.joined(separator: "&").utf8)
    }

    func quoteEscape(_ s: String) -> String {
        s.replacingOccurrences(of: "\"", with: "%22").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    static func clip(_ s: String) -> String { s.count > 200 ? String(s.prefix(200)) + "…" : s }
}

/// RFC 3986 unreserved characters stay; everything else is %XX-encoded.
func percentEncode(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for b in s.utf8 {
        switch b {
        case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E:
            out.unicodeScalars.append(Unicode.Scalar(b))
        default:
            out += "%" + hexByte(b)
        }
    }
    return out
}

/// application/x-www-form-urlencoded: like percent-encoding, with spaces as '+'.
func formEncode(_ s: String) -> String {
    percentEncode(s).replacingOccurrences(of: "%20", with: "+")
}

func hexByte(_ b: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(b >> 4)], digits[Int(b & 0xF)]])
}
