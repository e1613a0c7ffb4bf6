import Foundation

/// Why a request could not be signed.
struct SigningError: Error {
    var message: String
}

/// OAuth 1.0a request signing (RFC 5849 §3.4), with Postman's choices of where the
/// parameters go: the `Authorization` header, or the form body of a POST/PUT with a
/// urlencoded body, else the query string.
struct OAuth1Signer {
    static let methods = ["HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512", "PLAINTEXT"]

    let auth: OAuth1Auth
    let hashing: any Hashing
    let dynamic: DynamicValues

    enum Placement {
        case header(String)
        case query([(String, String)])
        case form([(String, String)])
    }

    func sign(method: String, url: String, form: [(String, String)]?, isFormBody: Bool) throws(SigningError) -> Placement {
        let algorithm: HashAlgorithm?
        switch auth.signatureMethod.uppercased() {
        case "HMAC-SHA1": algorithm = .sha1
        case "HMAC-SHA256": algorithm = .sha256
        case "HMAC-SHA512": algorithm = .sha512
        case "PLAINTEXT": algorithm = nil
        case let other:
            throw SigningError(message: "OAuth 1.0a signature method '\(other)' is not supported; use one of \(Self.methods.joined(separator: ", ")) (RSA signatures need a private key Fathom does not handle)")
        }
        let timestamp = auth.timestamp.isEmpty ? String(Int64((dynamic.fixedTime ?? Date().timeIntervalSince1970).rounded(.down))) : auth.timestamp
        let nonce = auth.nonce.isEmpty ? Self.nonce(dynamic) : auth.nonce
        var params: [(String, String)] = [
            ("oauth_consumer_key", auth.consumerKey), ("oauth_token", auth.token),
            ("oauth_signature_method", auth.signatureMethod.uppercased()), ("oauth_timestamp", timestamp),
            ("oauth_nonce", nonce), ("oauth_version", auth.version),
        ]
        if !auth.callback.isEmpty { params.append(("oauth_callback", auth.callback)) }
        if !auth.verifier.isEmpty { params.append(("oauth_verifier", auth.verifier)) }
        if !auth.includeEmptyParameters { params.removeAll { $0.1.isEmpty } }

        let (base, query) = Self.split(url)
        var all = params + query + (form ?? [])
        all.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        let normalized = all.map { Self.encode($0.0) + "=" + Self.encode($0.1) }.joined(separator: "&")
        let baseString = method.uppercased() + "&" + Self.encode(base) + "&" + Self.encode(normalized)
        let key = Self.encode(auth.consumerSecret) + "&" + Self.encode(auth.tokenSecret)
        let signature: String
        if let algorithm {
            signature = Data(hashing.hmac(algorithm, key: Array(key.utf8), data: Array(baseString.utf8))).base64EncodedString()
        } else {
            signature = key
        }
        params.append(("oauth_signature", signature))

        switch auth.placement {
        case .header:
            var fields: [String] = []
            if !auth.realm.isEmpty { fields.append("realm=\"\(Self.encode(auth.realm))\"") }
            fields += params.map { "\($0.0)=\"\(Self.encode($0.1))\"" }
            return .header("OAuth " + fields.joined(separator: ","))
        case .bodyOrQuery:
            if isFormBody, ["POST", "PUT"].contains(method.uppercased()) { return .form(params) }
            return .query(params)
        }
    }

    /// RFC 3986 percent-encoding, as OAuth requires (unreserved characters stay).
    static func encode(_ s: String) -> String { percentEncode(s) }

    static func nonce(_ dynamic: DynamicValues) -> String {
        let guid = dynamic.value("$guid")?.interpolationText ?? UUID().uuidString
        return String(guid.filter { $0 != "-" }.prefix(11))
    }

    /// The base string URI (scheme and host lower-cased, default ports dropped, no
    /// query or fragment) and the decoded query parameters.
    static func split(_ url: String) -> (String, [(String, String)]) {
        var rest = Substring(url)
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var query: [(String, String)] = []
        if let q = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: q)...].split(separator: "&", omittingEmptySubsequences: true) {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                query.append((formDecode(kv[0]), kv.count > 1 ? formDecode(kv[1]) : ""))
            }
            rest = rest[..<q]
        }
        guard let schemeEnd = rest.range(of: "://") else { return (String(rest), query) }
        let scheme = rest[..<schemeEnd.lowerBound].lowercased()
        var authority = rest[schemeEnd.upperBound...]
        var path = Substring("/")
        if let slash = authority.firstIndex(of: "/") {
            path = authority[slash...]
            authority = authority[..<slash]
        }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host = authority.lowercased()
        if (scheme == "http" && host.hasSuffix(":80")) || (scheme == "https" && host.hasSuffix(":443")) {
            host = String(host[..<host.lastIndex(of: ":")!])
        }
        return ("\(scheme)://\(host)\(path)", query)
    }

    static func formDecode(_ s: Substring) -> String {
        let plus = s.replacingOccurrences(of: "+", with: " ")
        return plus.removingPercentEncoding ?? plus
    }
}

/// Hawk request signing (the `Authorization: Hawk ...` header of hueniverse/hawk).
struct HawkSigner {
    let auth: HawkAuth
    let hashing: any Hashing
    let dynamic: DynamicValues

    func header(method: String, url: String, payload: [UInt8]?, contentType: String?) throws(SigningError) -> String {
        let algorithm: HashAlgorithm
        switch auth.algorithm.lowercased() {
        case "sha256": algorithm = .sha256
        case "sha1": algorithm = .sha1
        case let other: throw SigningError(message: "Hawk algorithm '\(other)' is not supported; use sha256 or sha1")
        }
        let ts = auth.timestamp.isEmpty ? String(Int64((dynamic.fixedTime ?? Date().timeIntervalSince1970).rounded(.down))) : auth.timestamp
        let nonce = auth.nonce.isEmpty ? String(OAuth1Signer.nonce(dynamic).prefix(6)) : auth.nonce
        let (scheme, host, port, resource) = Self.parts(url)
        var hash = ""
        if let payload {
            let mime = (contentType ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            let text = Array("hawk.1.payload\n\(mime)\n".utf8) + payload + Array("\n".utf8)
            hash = Data(hashing.hash(algorithm, text)).base64EncodedString()
        }
        var normalized = "hawk.1.header\n\(ts)\n\(nonce)\n\(method.uppercased())\n\(resource)\n\(host)\n\(port ?? (scheme == "https" ? "443" : "80"))\n\(hash)\n\(auth.ext.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n"))\n"
        if !auth.app.isEmpty { normalized += "\(auth.app)\n\(auth.dlg)\n" }
        let mac = Data(hashing.hmac(algorithm, key: Array(auth.key.utf8), data: Array(normalized.utf8))).base64EncodedString()
        var header = "Hawk id=\"\(auth.id)\", ts=\"\(ts)\", nonce=\"\(nonce)\""
        if !hash.isEmpty { header += ", hash=\"\(hash)\"" }
        if !auth.ext.isEmpty { header += ", ext=\"\(auth.ext.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\"" }
        header += ", mac=\"\(mac)\""
        if !auth.app.isEmpty {
            header += ", app=\"\(auth.app)\""
            if !auth.dlg.isEmpty { header += ", dlg=\"\(auth.dlg)\"" }
        }
        return header
    }

    /// Scheme, host (lower-cased), explicit port and the request target (path and query).
    static func parts(_ url: String) -> (String, String, String?, String) {
        var rest = Substring(url)
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        guard let schemeEnd = rest.range(of: "://") else { return ("http", "", nil, String(rest)) }
        let scheme = rest[..<schemeEnd.lowerBound].lowercased()
        var authority = rest[schemeEnd.upperBound...]
        var target = Substring("/")
        if let slash = authority.firstIndex(where: { $0 == "/" || $0 == "?" }) {
            target = authority[slash...]
            authority = authority[..<slash]
            if target.hasPrefix("?") { target = "/" + target }
        }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host = authority.lowercased()
        var port: String?
        if let colon = host.lastIndex(of: ":"), !host[colon...].contains("]") {
            port = String(host[host.index(after: colon)...])
            host = String(host[..<colon])
        }
        return (scheme, host, port, String(target))
    }
}
