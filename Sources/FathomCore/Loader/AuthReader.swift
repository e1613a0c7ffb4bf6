/// Reads an `auth` value (§5).
enum AuthReader {
    static let kinds = ["bearer", "basic", "apikey", "digest", "oauth2", "oauth1", "hawk", "awsv4", "ntlm", "unsupported"]

    static func read(_ value: JSON, at pointer: String, checker: inout FileChecker) -> AuthSpec? {
        if case .string(let s) = value {
            if s == "none" { return AuthSpec.none }
            checker.error(pointer, "auth must be \"none\" or an object such as {\"bearer\": \"{{token}}\"}; found the string \"\(s)\"", atValue: true)
            return nil
        }
        guard case .object(let o) = value else {
            checker.error(pointer, "auth must be \"none\" or an object such as {\"bearer\": \"{{token}}\"}, not \(value.typeName)", atValue: true)
            return nil
        }
        checker.checkKeys(o, at: pointer, allowed: kinds, what: "auth kind")
        let known = o.keys.filter { kinds.contains($0) }
        guard known.count == 1, let kind = known.first, let body = o[kind] else {
            if known.count > 1 {
                checker.error(pointer, "auth has several kinds (\(known.joined(separator: ", "))); give exactly one", atValue: true)
            } else if o.isEmpty {
                checker.error(pointer, "auth is empty; give one of \(kinds.joined(separator: ", ")) or \"none\"", atValue: true)
            }
            return nil
        }
        let p = pointer + "/" + kind
        switch kind {
        case "oauth2":
            guard let f = fields(body, at: p, kind: kind, strings: ["access_token", "add_to", "header_prefix"], bools: [], required: ["access_token"], checker: &checker) else { return nil }
            let placement: OAuth2Token.Placement
            switch f.string("add_to") {
            case "", "header": placement = .header
            case "query": placement = .query
            case let other:
                checker.error(p + "/add_to", "oauth2 'add_to' must be \"header\" or \"query\", not \"\(other)\"", atValue: true)
                return nil
            }
            return .oauth2(OAuth2Token(accessToken: f.string("access_token"), placement: placement, headerPrefix: f.strings["header_prefix"] ?? "Bearer"))
        case "oauth1":
            guard let f = fields(body, at: p, kind: kind, strings: [
                "consumer_key", "consumer_secret", "token", "token_secret", "signature_method", "timestamp", "nonce",
                "version", "realm", "callback", "verifier", "add_to",
            ], bools: ["include_empty"], required: ["consumer_key"], checker: &checker) else { return nil }
            let method = f.strings["signature_method"] ?? "HMAC-SHA1"
            if !OAuth1Signer.methods.contains(method.uppercased()) && !method.hasTemplateMarker {
                checker.error(p + "/signature_method", "oauth1 'signature_method' must be one of \(OAuth1Signer.methods.joined(separator: ", ")), not \"\(method)\"", atValue: true)
                return nil
            }
            let placement: OAuth1Auth.Placement
            switch f.string("add_to") {
            case "", "header": placement = .header
            case "body_or_query": placement = .bodyOrQuery
            case let other:
                checker.error(p + "/add_to", "oauth1 'add_to' must be \"header\" or \"body_or_query\", not \"\(other)\"", atValue: true)
                return nil
            }
            return .oauth1(OAuth1Auth(
                consumerKey: f.string("consumer_key"), consumerSecret: f.string("consumer_secret"), token: f.string("token"),
                tokenSecret: f.string("token_secret"), signatureMethod: method, timestamp: f.string("timestamp"),
                nonce: f.string("nonce"), version: f.strings["version"] ?? "1.0", realm: f.string("realm"),
                callback: f.string("callback"), verifier: f.string("verifier"), placement: placement,
                includeEmptyParameters: f.bools["include_empty"] ?? false))
        case "hawk":
            guard let f = fields(body, at: p, kind: kind, strings: ["id", "key", "algorithm", "user", "ext", "app", "dlg", "nonce", "timestamp"],
                bools: ["payload_hash"], required: ["id", "key"], checker: &checker) else { return nil }
            let algorithm = f.strings["algorithm"] ?? "sha256"
            if !["sha1", "sha256"].contains(algorithm.lowercased()) && !algorithm.hasTemplateMarker {
                checker.error(p + "/algorithm", "hawk 'algorithm' must be \"sha256\" or \"sha1\", not \"\(algorithm)\"", atValue: true)
                return nil
            }
            return .hawk(HawkAuth(
                id: f.string("id"), key: f.string("key"), algorithm: algorithm, user: f.string("user"), ext: f.string("ext"),
                app: f.string("app"), dlg: f.string("dlg"), nonce: f.string("nonce"), timestamp: f.string("timestamp"),
                includePayloadHash: f.bools["payload_hash"] ?? false))
        case "awsv4":
            guard let f = fields(body, at: p, kind: kind, strings: ["access_key", "secret_key", "region", "service", "session_token"],
                bools: [], required: ["access_key", "secret_key"], checker: &checker) else { return nil }
            return .awsv4(AWSv4Auth(
                accessKey: f.string("access_key"), secretKey: f.string("secret_key"), region: f.strings["region"] ?? "us-east-1",
                service: f.strings["service"] ?? "execute-api", sessionToken: f.string("session_token")))
        case "ntlm":
            guard let f = fields(body, at: p, kind: kind, strings: ["username", "password", "domain"], bools: [], required: ["username"], checker: &checker) else { return nil }
            return .ntlm(username: f.string("username"), password: f.string("password"), domain: f.string("domain"))
        case "unsupported":
            guard let k = checker.string(body, at: p, field: "unsupported") else { return nil }
            return .unsupported(k)
        case "bearer":
            guard let token = checker.string(body, at: p, field: "bearer") else { return nil }
            return .bearer(token)
        case "basic", "digest":
            guard let creds = checker.object(body, at: p, field: kind) else { return nil }
            checker.checkKeys(creds, at: p, allowed: ["username", "password"], what: "\(kind) auth key")
            let user = checker.string(creds["username"], at: p + "/username", field: "username")
            let pass = checker.string(creds["password"], at: p + "/password", field: "password") ?? (creds["password"] == nil ? "" : nil)
            if creds["username"] == nil { checker.error(p, "\(kind) auth needs a \"username\"", atValue: true) }
            guard let user, let pass else { return nil }
            return kind == "basic" ? .basic(username: user, password: pass) : .digest(username: user, password: pass)
        default:  // apikey
            guard let key = checker.object(body, at: p, field: "apikey") else { return nil }
            checker.checkKeys(key, at: p, allowed: ["header", "query", "value"], what: "apikey key")
            let value = checker.string(key["value"], at: p + "/value", field: "value")
            if key["value"] == nil { checker.error(p, "apikey auth needs a \"value\"", atValue: true) }
            let header = checker.string(key["header"], at: p + "/header", field: "header")
            let query = checker.string(key["query"], at: p + "/query", field: "query")
            if header != nil && query != nil {
                checker.error(p, "apikey auth takes either \"header\" or \"query\", not both", atValue: true)
                return nil
            }
            guard let value else { return nil }
            if let header { return .apiKeyHeader(name: header, value: value) }
            if let query { return .apiKeyQuery(name: query, value: value) }
            checker.error(p, "apikey auth needs \"header\": \"X-Api-Key\" or \"query\": \"api_key\"", atValue: true)
            return nil
        }
    }

    /// The string and boolean members of an auth kind's object, checked.
    struct Fields {
        var strings: [String: String] = [:]
        var bools: [String: Bool] = [:]
        func string(_ key: String) -> String { strings[key] ?? "" }
    }

    static func fields(
        _ body: JSON, at p: String, kind: String, strings: [String], bools: [String], required: [String], checker: inout FileChecker
    ) -> Fields? {
        guard let o = checker.object(body, at: p, field: kind) else { return nil }
        checker.checkKeys(o, at: p, allowed: strings + bools, what: "\(kind) auth key")
        var out = Fields()
        var ok = true
        for key in strings {
            guard let v = o[key] else { continue }
            if let s = checker.string(v, at: p + "/" + key, field: key) { out.strings[key] = s } else { ok = false }
        }
        for key in bools {
            guard let v = o[key] else { continue }
            if case .bool(let b) = v { out.bools[key] = b } else {
                checker.error(p + "/" + key, "'\(key)' must be true or false, not \(v.typeName)", atValue: true)
                ok = false
            }
        }
        for key in required where o[key] == nil {
            checker.error(p, "\(kind) auth needs \"\(key)\"", atValue: true)
            ok = false
        }
        return ok ? out : nil
    }
}
