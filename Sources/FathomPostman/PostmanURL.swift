import FathomCore

/// A Postman URL (a string, or an object of parts) as one URL template string,
/// built the way Postman's SDK writes a URL back out (`Url#toString`): protocol,
/// `user:password@`, host parts joined by `.`, `:port`, path segments (with `:name`
/// path variables replaced by their values), enabled query parameters, `#hash`.
/// Variables stay `{{templates}}` for the runner to resolve; percent-encoding is
/// the runner's URL normaliser's job, as it is Postman's encoder's.
enum PostmanURL {
    static func template(from value: JSON) -> String? {
        switch value {
        case .string(let s): return s
        case .object(let o): return template(from: o)
        default: return nil
        }
    }

    static func template(from o: JSONObject) -> String? {
        let hasParts = o["host"] != nil || o["path"] != nil
        // An object that only has `raw` (hand-written, or an old export): read the raw text.
        guard hasParts else { return o["raw"]?.stringValue }
        var out = ""
        if let p = o["protocol"]?.stringValue, !p.isEmpty {
            out += p.hasSuffix("://") ? p : p + "://"
        }
        if case .object(let auth)? = o["auth"] {
            var userInfo: String?
            if case .string(let u)? = auth["user"] { userInfo = u }
            if case .string(let pw)? = auth["password"] { userInfo = (userInfo ?? "") + ":" + pw }
            if let userInfo { out += userInfo + "@" }
        }
        switch o["host"] {
        case .array(let parts)?: out += parts.map(\.interpolationText).joined(separator: ".")
        case .string(let h)?: out += h
        default: break
        }
        if let port = o["port"], !port.isNull {
            out += ":" + port.interpolationText
        }
        var variables: [String: String] = [:]
        if case .array(let vars)? = o["variable"] {
            for v in vars {
                guard case .object(let vo) = v, let key = (vo["key"] ?? vo["id"])?.stringValue else { continue }
                if case .string(let value)? = vo["value"], !value.isEmpty { variables[key] = value }
                else if let value = vo["value"], !value.isNull, !(value.stringValue?.isEmpty ?? false) { variables[key] = value.interpolationText }
            }
        }
        switch o["path"] {
        case .array(let segments)?:
            out += "/" + segments.map { pathSegment($0.interpolationText, variables) }.joined(separator: "/")
        case .string(var path)?:
            if path.hasPrefix("/") { path.removeFirst() }
            if !path.isEmpty || o["path"]?.stringValue == "/" {
                out += "/" + path.split(separator: "/", omittingEmptySubsequences: false).map { pathSegment(String($0), variables) }.joined(separator: "/")
            }
        default: break
        }
        if case .array(let params)? = o["query"], !params.isEmpty {
            var pieces: [String] = []
            var anyEnabled = false
            for p in params {
                guard case .object(let q) = p else { continue }
                if q["disabled"]?.flag == true || q["enabled"]?.flag == false { continue }
                anyEnabled = true
                var piece = ""
                if case .string(let k)? = q["key"] { piece = normalizeParam(k, isKey: true) }
                switch q["value"] {
                case .string(let v)?: piece += "=" + normalizeParam(v, isKey: false)
                case .some(let v) where !v.isNull: piece += "=" + normalizeParam(v.interpolationText, isKey: false)
                default: break
                }
                pieces.append(piece)
            }
            if anyEnabled { out += "?" + pieces.joined(separator: "&") }
        }
        if case .string(let hash)? = o["hash"] { out += "#" + hash }
        return out
    }

    /// `:id` (or `:id.json`) replaced by the path variable's value, when it has one.
    static func pathSegment(_ segment: String, _ variables: [String: String]) -> String {
        guard segment.hasPrefix(":") else { return segment }
        let body = segment.dropFirst()
        let name = body.split(separator: ".", maxSplits: 1).first.map(String.init) ?? String(body)
        guard !name.isEmpty, let value = variables[name] else { return segment }
        return value + segment.dropFirst(name.count + 1)
    }

    /// `&` and `#` (and `=` in a key) outside `{{variables}}` are written `%26`, `%23`
    /// and `%3D`, so a parameter's text cannot split the query, as Postman does.
    static func normalizeParam(_ s: String, isKey: Bool) -> String {
        guard s.utf8.contains(where: { $0 == 0x26 || $0 == 0x23 || (isKey && $0 == 0x3D) }) else { return s }
        var out = ""
        var rest = Substring(s)
        while !rest.isEmpty {
            if rest.hasPrefix("{{"), let close = rest.range(of: "}}"), !rest[rest.index(rest.startIndex, offsetBy: 2)..<close.lowerBound].contains("{") {
                out += rest[..<close.upperBound]
                rest = rest[close.upperBound...]
                continue
            }
            let c = rest.removeFirst()
            switch c {
            case "&": out += "%26"
            case "#": out += "%23"
            case "=" where isKey: out += "%3D"
            default: out.append(c)
            }
        }
        return out
    }
}
