import FathomCore
import Foundation

extension Context {
    // MARK: - Auth

    /// The parameters of an auth kind: v2.1's `[{key, value}]` or v2.0's `{key: value}`.
    static func parameters(_ value: JSON?) -> [String: JSON] {
        var out: [String: JSON] = [:]
        switch value {
        case .array(let list)?:
            for item in list {
                if let key = item["key"]?.stringValue { out[key] = item["value"] ?? .null }
            }
        case .object(let o)?:
            for (k, v) in o.members { out[k] = v }
        default: break
        }
        return out
    }

    /// `nil` inherits from the enclosing level; `.none` is Postman's `noauth`.
    mutating func auth(_ value: JSON, at p: String, label: String?) -> AuthSpec? {
        guard case .object(let o) = value else {
            if !value.isNull { error(p, label, "\"auth\" must be an object with a \"type\", not \(value.typeName)") }
            return nil
        }
        guard let type = o["type"]?.stringValue else {
            error(p, label, "\"auth\" has no \"type\"")
            return nil
        }
        let params = Self.parameters(o[type])
        func text(_ key: String, _ fallback: String = "") -> String {
            guard let v = params[key], !v.isNull else { return fallback }
            return v.interpolationText
        }
        func flag(_ key: String) -> Bool { params[key]?.flag ?? false }
        switch type {
        case "inherit": return nil
        case "noauth": return AuthSpec.none
        case "basic": return .basic(username: text("username"), password: text("password"))
        case "bearer": return .bearer(text("token"))
        case "digest": return .digest(username: text("username"), password: text("password"))
        case "apikey":
            let key = text("key"), value = text("value")
            return text("in") == "query" ? .apiKeyQuery(name: key, value: value) : .apiKeyHeader(name: key, value: value)
        case "oauth2":
            if text("tokenType").lowercased() == "mac" { return .unsupported("oauth2 (MAC tokens)") }
            let prefix = params["headerPrefix"].map { $0.isNull ? "Bearer" : $0.interpolationText } ?? "Bearer"
            return .oauth2(OAuth2Token(
                accessToken: text("accessToken"), placement: text("addTokenTo") == "queryParams" ? .query : .header, headerPrefix: prefix))
        case "oauth1":
            let method = text("signatureMethod", "HMAC-SHA1")
            if method.uppercased().hasPrefix("RSA") { return .unsupported("oauth1 (\(method) signatures)") }
            return .oauth1(OAuth1Auth(
                consumerKey: text("consumerKey"), consumerSecret: text("consumerSecret"), token: text("token"),
                tokenSecret: text("tokenSecret"), signatureMethod: method, timestamp: text("timestamp"), nonce: text("nonce"),
                version: text("version", "1.0"), realm: text("realm"), callback: text("callback"), verifier: text("verifier"),
                placement: flag("addParamsToHeader") ? .header : .bodyOrQuery, includeEmptyParameters: flag("addEmptyParamsToSign")))
        case "hawk":
            return .hawk(HawkAuth(
                id: text("authId"), key: text("authKey"), algorithm: text("algorithm", "sha256"), user: text("user"),
                ext: text("extraData"), app: text("app"), dlg: text("delegation"), nonce: text("nonce"),
                timestamp: text("timestamp"), includePayloadHash: flag("includePayloadHash")))
        case "awsv4":
            return .awsv4(AWSv4Auth(
                accessKey: text("accessKey"), secretKey: text("secretKey"), region: text("region", "us-east-1"),
                service: text("service", "execute-api"), sessionToken: text("sessionToken")))
        case "ntlm":
            return .ntlm(username: text("username"), password: text("password"), domain: text("domain"))
        default:
            return .unsupported(type)
        }
    }

    // MARK: - Bodies

    mutating func body(_ value: JSON, at p: String, label: String?) -> BodySpec? {
        guard case .object(let o) = value else {
            error(p, label, "\"body\" must be an object with a \"mode\", not \(value.typeName)")
            return nil
        }
        if o["disabled"]?.flag == true { return nil }
        guard let mode = o["mode"]?.stringValue else { return nil }
        switch mode {
        case "raw":
            let text = o["raw"]?.interpolationText ?? ""
            if text.isEmpty { return nil }
            let language = o["options"]?["raw"]?["language"]?.stringValue ?? "text"
            return .raw(text, contentType: Self.contentType(forLanguage: language))
        case "urlencoded":
            guard case .array(let list)? = o["urlencoded"] else { return nil }
            var pairs: [(name: String, value: String)] = []
            for f in list {
                guard case .object(let fo) = f, !Self.isDisabled(fo) else { continue }
                guard let key = (fo["key"] ?? fo["name"])?.interpolationText else { continue }
                pairs.append((key, fo["value"].map { $0.isNull ? "" : $0.interpolationText } ?? ""))
            }
            return pairs.isEmpty ? nil : .form(pairs)
        case "formdata":
            guard case .array(let list)? = o["formdata"] else { return nil }
            var parts: [MultipartPart] = []
            for (i, f) in list.enumerated() {
                guard case .object(let fo) = f, !Self.isDisabled(fo) else { continue }
                guard let key = (fo["key"] ?? fo["name"])?.interpolationText else { continue }
                let ct = fo["contentType"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
                if fo["type"]?.stringValue == "file" {
                    var sources: [String] = []
                    switch fo["src"] {
                    case .string(let s)?: sources = [s]
                    case .array(let list)?: sources = list.compactMap(\.stringValue)
                    default: break
                    }
                    if sources.isEmpty {
                        warn("\(p)/formdata/\(i)", label, "form-data file field '\(key)' has no file selected; it was left out")
                    }
                    for src in sources { parts.append(MultipartPart(name: key, file: src, contentType: ct)) }
                } else {
                    parts.append(MultipartPart(name: key, value: fo["value"].map { $0.isNull ? "" : $0.interpolationText } ?? "", contentType: ct))
                }
            }
            return parts.isEmpty ? nil : .multipart(parts)
        case "file":
            guard let src = o["file"]?["src"]?.stringValue, !src.isEmpty else {
                if o["file"]?["content"] != nil {
                    warn(p + "/file", label, "a binary body given as inline \"content\" is not read; only files (\"src\") are")
                }
                return nil
            }
            return .file(path: src, contentType: nil)
        case "graphql":
            guard case .object(let g)? = o["graphql"] else { return nil }
            let query = g["query"]?.interpolationText ?? ""
            var variables: JSON?
            switch g["variables"] {
            case .string(let s)?: variables = s.trimmedASCIIWhitespace.isEmpty ? nil : .string(s)
            case .object(let vo)?: variables = .object(vo)
            default: variables = nil
            }
            return .graphql(GraphQLBody(query: query, variables: variables, operationName: g["operationName"]?.stringValue))
        default:
            warn(p + "/mode", label, "body mode '\(mode)' is not one Postman sends (raw, urlencoded, formdata, file, graphql); the request is sent without a body")
            return nil
        }
    }

    /// The Content-Type Postman sets for a raw body of a language (when none is given).
    static func contentType(forLanguage language: String) -> String {
        switch language.lowercased() {
        case "json": return "application/json"
        case "javascript": return "application/javascript"
        case "xml": return "application/xml"
        case "html": return "text/html"
        default: return "text/plain"
        }
    }
}
