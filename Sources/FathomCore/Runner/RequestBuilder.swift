import Foundation

/// A request that could not be built: an unresolved variable, a missing file...
/// It is reported as an error for that request, which is then not sent.
public struct RequestBuildError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// The request to send, resolved from its spec and the enclosing levels.
struct BuiltRequest {
    var http: HTTPRequest
    var options: RequestOptions
    var isGraphQL: Bool
    /// Credential values resolved for this request, to be redacted.
    var credentials: [String]
}

/// Turns a `ScheduledRequest` into an `HTTPRequest`: resolves templates, merges
/// inherited headers, auth and options, encodes the body.
struct RequestBuilder {
    let template: Template
    let configuration: RunConfiguration
    static let userAgent = "fathom/0.1"

    func build(_ scheduled: ScheduledRequest) throws(RequestBuildError) -> BuiltRequest {
        let spec = scheduled.request
        func fail(_ e: TemplateError) -> RequestBuildError {
            RequestBuildError(message: "\(spec.location(e.pointer)): \(e)")
        }
        func str(_ s: String, _ pointer: String) throws(RequestBuildError) -> String {
            do { return try template.resolveString(s, at: pointer) } catch { throw fail(error) }
        }
        func json(_ v: JSON, _ pointer: String) throws(RequestBuildError) -> JSON {
            do { return try template.resolve(v, at: pointer) } catch { throw fail(error) }
        }

        // Options: collection → folders → request, then the command line.
        var merged = JSONObject()
        for f in scheduled.folders { for (k, v) in f.settings.options.members { merged[k] = v } }
        for (k, v) in spec.options.members { merged[k] = v }
        var options = RequestOptions()
        let resolvedOptions = try json(.object(merged), "/options")
        let problems = options.apply(resolvedOptions.objectValue ?? JSONObject())
        if let p = problems.first {
            throw RequestBuildError(message: "\(spec.location("/options" + p.pointer)): \(p.message)")
        }
        if let t = configuration.timeoutMs { options.transport.timeoutMs = t }
        if configuration.insecure { options.transport.insecure = true }
        options.transport.caCertPath = configuration.caCertPath
        options.transport.clientCertPath = configuration.clientCertPath
        options.transport.clientKeyPath = configuration.clientKeyPath

        // URL: the request's own, else the nearest graphql_endpoint for GraphQL bodies.
        var url: String
        if let u = spec.url {
            url = try str(u, "/url")
        } else if spec.body?.isGraphQL == true, let endpoint = scheduled.folders.reversed().lazy.compactMap(\.settings.graphqlEndpoint).first {
            url = try str(endpoint, "/graphql")
        } else {
            throw RequestBuildError(message: "\(spec.file): the request has no \"url\" (and no graphql_endpoint applies to it)")
        }
        if url.isEmpty { throw RequestBuildError(message: "\(spec.location("/url")): the URL is empty after resolving variables") }

        // Query parameters.
        var queryPairs: [(String, String)] = []
        for (name, values) in spec.query {
            for (i, v) in values.enumerated() {
                let p = "/query/\(jsonPointerEscape(name))" + (values.count > 1 ? "/\(i)" : "")
                queryPairs.append((name, try str(v, p)))
            }
        }

        // Headers: collection → folders → request; lower levels win, names case-insensitive.
        var headers: [HTTPHeader] = []
        func setHeader(_ name: String, _ value: String) {
            let lower = name.lowercased()
            headers.removeAll { $0.name.lowercased() == lower }
            headers.append(HTTPHeader(name, value))
        }
        for f in scheduled.folders {
            for h in f.settings.headers { setHeader(h.name, try str(h.value, "/headers/\(jsonPointerEscape(h.name))")) }
        }
        for h in spec.headers { setHeader(h.name, try str(h.value, "/headers/\(jsonPointerEscape(h.name))")) }

        // Auth: the nearest level that sets it.
        var credentials: [String] = []
        var transportAuth: HTTPRequest.TransportAuth?
        let auth = spec.auth ?? scheduled.folders.reversed().lazy.compactMap(\.settings.auth).first
        let hasAuthHeader = headers.contains { $0.name.lowercased() == "authorization" }
        switch auth {
        case nil, .some(.none): break
        case .some(.bearer(let t)):
            let token = try str(t, "/auth/bearer")
            credentials.append(token)
            if !hasAuthHeader { headers.append(HTTPHeader("Authorization", "Bearer \(token)")) }
        case .some(.basic(let u, let p)):
            let user = try str(u, "/auth/basic/username")
            let pass = try str(p, "/auth/basic/password")
            let encoded = Data("\(user):\(pass)".utf8).base64EncodedString()
            credentials += [pass, encoded]
            if !hasAuthHeader { headers.append(HTTPHeader("Authorization", "Basic \(encoded)")) }
        case .some(.digest(let u, let p)):
            let user = try str(u, "/auth/digest/username")
            let pass = try str(p, "/auth/digest/password")
            credentials.append(pass)
            transportAuth = .digest(username: user, password: pass)
        case .some(.apiKeyHeader(let name, let v)):
            let value = try str(v, "/auth/apikey/value")
            credentials.append(value)
            setHeader(try str(name, "/auth/apikey/header"), value)
        case .some(.apiKeyQuery(let name, let v)):
            let value = try str(v, "/auth/apikey/value")
            credentials.append(value)
            queryPairs.append((try str(name, "/auth/apikey/query"), value))
        }

        if !queryPairs.isEmpty {
            let encoded = queryPairs.map { percentEncode($0.0) + "=" + percentEncode($0.1) }.joined(separator: "&")
            if let hash = url.firstIndex(of: "#") { url = String(url[..<hash]) }
            url += (url.contains("?") ? (url.hasSuffix("?") || url.hasSuffix("&") ? "" : "&") : "?") + encoded
        }

        // Body.
        var body: [UInt8]?
        var contentType: String?
        switch spec.body {
        case nil: break
        case .json(let v):
            body = Array(try json(v, "/json").serialized().utf8)
            contentType = "application/json"
        case .raw(let text, let ct):
            body = Array(try str(text, "/body").utf8)
            if let ct { contentType = try str(ct, "/content_type") }
        case .form(let pairs):
            var parts: [String] = []
            for (n, v) in pairs {
                parts.append(formEncode(n) + "=" + formEncode(try str(v, "/form/\(jsonPointerEscape(n))")))
            }
            body = Array(parts.joined(separator: "&").utf8)
            contentType = "application/x-www-form-urlencoded"
        case .multipart(let parts):
            let boundary = "----fathom-" + UUID().uuidString.lowercased()
            var out: [UInt8] = []
            for (i, part) in parts.enumerated() {
                out += Array("--\(boundary)\r\n".utf8)
                let name = try str(part.name, "/multipart/\(i)/name")
                if let file = part.file {
                    let path = try str(file, "/multipart/\(i)/file")
                    guard let data = FileManager.default.contents(atPath: path) else {
                        throw RequestBuildError(message: "\(spec.location("/multipart/\(i)/file")): cannot read the file \(path)")
                    }
                    let filename = (path as NSString).lastPathComponent
                    let ct = try part.contentType.map { s throws(RequestBuildError) in try str(s, "/multipart/\(i)/content_type") } ?? "application/octet-stream"
                    out += Array("Content-Disposition: form-data; name=\"\(quoteEscape(name))\"; filename=\"\(quoteEscape(filename))\"\r\nContent-Type: \(ct)\r\n\r\n".utf8)
                    out += Array(data)
                } else {
                    out += Array("Content-Disposition: form-data; name=\"\(quoteEscape(name))\"\r\n".utf8)
                    if let ct = part.contentType { out += Array("Content-Type: \(try str(ct, "/multipart/\(i)/content_type"))\r\n".utf8) }
                    out += Array("\r\n".utf8)
                    out += Array(try str(part.value ?? "", "/multipart/\(i)/value").utf8)
                }
                out += Array("\r\n".utf8)
            }
            out += Array("--\(boundary)--\r\n".utf8)
            body = out
            contentType = "multipart/form-data; boundary=\(boundary)"
        case .graphql(let query, let variables, let operationName):
            var payload = JSONObject()
            payload["query"] = .string(try str(query, "/graphql/query"))
            if let variables, !variables.isNull {
                payload["variables"] = try json(variables, "/graphql/variables")
            } else {
                payload["variables"] = .object(JSONObject())
            }
            if let op = operationName { payload["operationName"] = .string(try str(op, "/graphql/operation_name")) }
            body = Array(JSON.object(payload).serialized().utf8)
            contentType = "application/json"
        }
        // A line break in a header would let a value forge more headers: refuse it.
        for h in headers where h.name.isEmpty || (h.name + h.value).utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) || h.name.contains(":") {
            throw RequestBuildError(message: "\(spec.file): header '\(h.name)' has an empty name, a ':' in its name, or a line break in its name or value; remove it (check the variables it uses)")
        }
        if let contentType, !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            headers.append(HTTPHeader("Content-Type", contentType))
        }
        if !headers.contains(where: { $0.name.lowercased() == "user-agent" }) {
            headers.append(HTTPHeader("User-Agent", RequestBuilder.userAgent))
        }

        let method: String
        if let m = spec.method { method = try str(m, "/method").uppercased() } else { method = body == nil ? "GET" : "POST" }
        let http = HTTPRequest(method: method, url: url, headers: headers, body: body, auth: transportAuth, options: options.transport)
        return BuiltRequest(http: http, options: options, isGraphQL: spec.body?.isGraphQL == true, credentials: credentials)
    }

    func quoteEscape(_ s: String) -> String {
        s.replacingOccurrences(of: "\"", with: "%22").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }
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
