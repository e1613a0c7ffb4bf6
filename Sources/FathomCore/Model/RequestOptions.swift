/// The `options` of the format (§7), resolved for one request.
public struct RequestOptions: Sendable, Equatable {
    public var transport = TransportOptions()
    public var delayMs = 0
    public var retryCount = 0
    public var retryIntervalMs = 0
    public var allowGraphQLErrors = false
    /// `unresolved_variables: "keep"` sends an undefined `{{name}}` as written (Postman's
    /// behaviour) with a warning, instead of making the request an error.
    public var keepUnresolvedVariables = false
    /// `encode_url: false` sends the URL exactly as resolved (Postman's `disableUrlEncoding`).
    public var encodeURL = true
    public init() {}

    public static let keys = [
        "timeout_ms", "connect_timeout_ms", "follow_redirects", "max_redirects", "insecure",
        "http_version", "delay_ms", "retry", "max_response_bytes", "graphql_errors",
        "unresolved_variables", "encode_url", "cookies", "follow_original_method",
    ]

    /// Applies option values onto `self`. With `allowTemplates`, a value that is a
    /// whole template passes unchecked (it is checked again once resolved).
    /// Returns problems as (JSON pointer relative to the options object, message).
    @discardableResult
    public mutating func apply(_ options: JSONObject, allowTemplates: Bool = false) -> [(pointer: String, message: String)] {
        var problems: [(String, String)] = []
        func skip(_ v: JSON) -> Bool { allowTemplates && FileChecker.isWholeTemplate(v) }
        func int(_ key: String, _ v: JSON, min: Int = 0) -> Int? {
            if skip(v) { return nil }
            if let i = v.intValue, i >= min { return i }
            if case .string(let s) = v, let i = Int(s), i >= min { return i }
            problems.append(("/\(key)", "option '\(key)' must be an integer ≥ \(min), not \(v.serialized())"))
            return nil
        }
        func bool(_ key: String, _ v: JSON) -> Bool? {
            if skip(v) { return nil }
            if case .bool(let b) = v { return b }
            if case .string(let s) = v, s == "true" || s == "false" { return s == "true" }
            problems.append(("/\(key)", "option '\(key)' must be true or false, not \(v.serialized())"))
            return nil
        }
        for (key, v) in options.members {
            switch key {
            case "timeout_ms": if let i = int(key, v) { transport.timeoutMs = i == 0 ? nil : i }
            case "connect_timeout_ms": if let i = int(key, v) { transport.connectTimeoutMs = i == 0 ? nil : i }
            case "follow_redirects": if let b = bool(key, v) { transport.followRedirects = b }
            case "max_redirects": if let i = int(key, v) { transport.maxRedirects = i }
            case "insecure": if let b = bool(key, v) { transport.insecure = b }
            case "max_response_bytes": if let i = int(key, v, min: 1) { transport.maxResponseBytes = i }
            case "delay_ms": if let i = int(key, v) { delayMs = i }
            case "encode_url": if let b = bool(key, v) { encodeURL = b }
            case "cookies": if let b = bool(key, v) { transport.cookies = b }
            case "follow_original_method": if let b = bool(key, v) { transport.followOriginalMethod = b }
            case "unresolved_variables":
                if skip(v) { continue }
                switch v.stringValue {
                case "keep": keepUnresolvedVariables = true
                case "error": keepUnresolvedVariables = false
                default: problems.append(("/\(key)", "option 'unresolved_variables' must be \"error\" or \"keep\", not \(v.serialized())"))
                }
            case "http_version":
                if skip(v) { continue }
                switch v.interpolationText {
                case "1.1", "1": transport.httpVersion = .http1_1
                case "2", "2.0": transport.httpVersion = .http2
                default: problems.append(("/\(key)", "option 'http_version' must be \"1.1\" or \"2\", not \(v.serialized())"))
                }
            case "graphql_errors":
                if skip(v) { continue }
                switch v.stringValue {
                case "allow": allowGraphQLErrors = true
                case "fail": allowGraphQLErrors = false
                default: problems.append(("/\(key)", "option 'graphql_errors' must be \"fail\" or \"allow\", not \(v.serialized())"))
                }
            case "retry":
                guard case .object(let r) = v else {
                    if !skip(v) {
                        problems.append(("/retry", "option 'retry' must be an object like {\"count\": 3, \"interval_ms\": 500}"))
                    }
                    continue
                }
                for k in r.keys where k != "count" && k != "interval_ms" {
                    var msg = "unknown retry option '\(k)'"
                    if let s = closestMatch(to: k, in: ["count", "interval_ms"]) { msg += " (did you mean '\(s)'?)" }
                    problems.append(("/retry/\(jsonPointerEscape(k))", msg))
                }
                if let c = r["count"], let i = int("retry/count", c) { retryCount = i }
                if let m = r["interval_ms"], let i = int("retry/interval_ms", m) { retryIntervalMs = i }
            default:
                var msg = "unknown option '\(key)'"
                if let s = closestMatch(to: key, in: RequestOptions.keys) { msg += " (did you mean '\(s)'?)" }
                else { msg += "; known options: " + RequestOptions.keys.joined(separator: ", ") }
                problems.append(("/\(jsonPointerEscape(key))", msg))
            }
        }
        return problems
    }
}
