/// Replaces every secret value with `***` in text bound for any output.
///
/// Secrets are the values of secret variables, auth credentials and anything
/// sent in an Authorization header. The engine redacts events before reporters
/// see them, so no reporter can leak a secret by forgetting to.
public struct Redactor: Sendable {
    public static let mask = "***"
    /// Longest first, so a secret that contains another is masked whole.
    private(set) var secrets: [String] = []

    public init(secrets: some Sequence<String> = []) {
        for s in secrets { add(s) }
    }

    public mutating func add(_ secret: String) {
        guard !secret.isEmpty, !secrets.contains(secret) else { return }
        secrets.append(secret)
        secrets.sort { $0.utf8.count > $1.utf8.count }
    }

    public var isEmpty: Bool { secrets.isEmpty }

    public func redact(_ text: String) -> String {
        if secrets.isEmpty || text.isEmpty { return text }
        var out = text
        for s in secrets where out.contains(s) {
            out = out.replacingOccurrences(of: s, with: Redactor.mask)
        }
        return out
    }

    public func redact(optional text: String?) -> String? { text.map { redact($0) } }

    /// Header values are redacted; credentials headers are masked whole.
    public func redact(_ headers: [HTTPHeader]) -> [HTTPHeader] {
        headers.map { h in
            let lower = h.name.lowercased()
            if lower == "authorization" || lower == "proxy-authorization" {
                return HTTPHeader(h.name, Redactor.mask)
            }
            return HTTPHeader(h.name, redact(h.value))
        }
    }
}

import Foundation
