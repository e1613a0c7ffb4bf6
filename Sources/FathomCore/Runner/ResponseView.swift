import Foundation

/// One response seen by assertions and captures: selects subjects, parsing the
/// body as JSON at most once and only when a JSONPath needs it.
final class ResponseView {
    let response: HTTPResponse
    let xpath: (any XPathEvaluating)?
    private var parsed: Result<JSON, JSONParseError>?
    private var text: String?

    init(_ response: HTTPResponse, xpath: (any XPathEvaluating)?) {
        self.response = response
        self.xpath = xpath
    }

    var bodyText: String {
        if let text { return text }
        let t = String(decoding: response.body, as: UTF8.self)
        text = t
        return t
    }

    var json: Result<JSON, JSONParseError> {
        if let parsed { return parsed }
        let r: Result<JSON, JSONParseError>
        do { r = .success(try JSONParser.parse(response.body)) } catch { r = .failure(error) }
        parsed = r
        return r
    }

    var contentType: String { response.headers.first(named: "Content-Type") ?? "" }

    /// The header's value; several fields of one name are joined with ", ".
    func header(_ name: String) -> JSON? {
        let values = response.headers.all(named: name)
        if values.isEmpty { return nil }
        return .string(values.joined(separator: ", "))
    }

    /// A cookie set by this response (the last Set-Cookie of that name).
    func cookie(_ name: String) -> JSON? {
        var found: String?
        for line in response.headers.all(named: "Set-Cookie") {
            let pair = line.split(separator: ";", maxSplits: 1).first ?? ""
            guard let eq = pair.firstIndex(of: "=") else { continue }
            if pair[..<eq].trimmingCharacters(in: .whitespaces) == name {
                found = String(pair[pair.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            }
        }
        return found.map { .string($0) }
    }

    enum Selection {
        case value(JSON?)
        /// The subject cannot be evaluated at all (body not JSON, bad XPath...).
        case problem(String)
    }

    func select(path text: String) -> Selection {
        let path: JSONPath
        do { path = try JSONPathCache.shared.compile(text) } catch {
            return .problem("invalid JSONPath \"\(text)\": \(error.description)")
        }
        switch json {
        case .failure(let e):
            let ct = contentType.isEmpty ? "no Content-Type" : "Content-Type \(contentType)"
            return .problem("the response body is not JSON (\(ct); \(e.description)), so JSONPath \(text) cannot apply")
        case .success(let root):
            return .value(path.selection(root))
        }
    }

    func select(xpath expression: String) -> Selection {
        guard let xpath else { return .problem("XPath is not available in this build") }
        let isHTML = contentType.lowercased().contains("html")
        do {
            return .value(try xpath.evaluate(expression, body: response.body, isHTML: isHTML))
        } catch {
            return .problem("\(error)")
        }
    }

    func select(regex pattern: String) -> Selection {
        guard RegexCache.shared.regex(pattern) != nil else { return .problem("invalid regular expression \"\(pattern)\"") }
        return .value(RegexCache.shared.firstGroup(pattern, bodyText).map { .string($0) })
    }

    func select(_ subject: AssertionSpec.Subject) -> Selection {
        switch subject {
        case .status: return .value(.integer(Int64(response.status)))
        case .durationMs: return .value(.double((response.timing.totalMs * 1000).rounded() / 1000))
        case .sizeBytes: return .value(.integer(Int64(response.body.count)))
        case .body: return .value(.string(bodyText))
        case .path(let p): return select(path: p)
        case .header(let h): return .value(header(h))
        case .cookie(let c): return .value(cookie(c))
        case .xpath(let x): return select(xpath: x)
        }
    }

    /// The non-empty `errors` array of a GraphQL response, if any.
    var graphQLErrors: [JSON]? {
        guard case .success(let root) = json, case .array(let errors)? = root["errors"], !errors.isEmpty else { return nil }
        return errors
    }
}
