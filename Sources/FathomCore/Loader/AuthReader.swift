/// Reads an `auth` value (§5).
enum AuthReader {
    static let kinds = ["bearer", "basic", "apikey", "digest"]

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
}
