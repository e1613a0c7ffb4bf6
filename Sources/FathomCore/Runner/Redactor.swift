import Foundation

/// Replaces every secret value with `***` in text bound for any output.
///
/// Secrets are the values of secret variables, auth credentials and anything
/// sent in an Authorization header. The engine redacts events before reporters
/// see them, so no reporter can leak a secret by forgetting to.
public struct Redactor: Sendable {
    public static let mask = "***"
    /// Longest first, so a secret that contains another is masked whole.
    private(set) var secrets: [String] = []
    /// The secrets given to `add`, whose forms are all in `secrets`.
    private var added: Set<String> = []

    public init(secrets: some Sequence<String> = []) {
        for s in secrets { add(s) }
    }

    /// Adds a secret, and the forms it takes in a URL (percent-encoded, the way
    /// query values and the URL normalizer write it).
    public mutating func add(_ secret: String) {
        // Credentials are added again with every request that sends them.
        guard !secret.isEmpty, added.insert(secret).inserted else { return }
        var forms = [secret]
        for form in [percentEncode(secret), formEncode(secret), URLNormalizer.encode(secret, .query), URLNormalizer.encode(secret, .userInfo)]
        where !forms.contains(form) {
            forms.append(form)
        }
        var changed = false
        for f in forms where !secrets.contains(f) {
            secrets.append(f)
            changed = true
        }
        if changed { secrets.sort { $0.utf8.count > $1.utf8.count } }
    }

    public var isEmpty: Bool { secrets.isEmpty }

    public func redact(_ text: String) -> String {
        if secrets.isEmpty || text.isEmpty { return text }
        var out = text
        for s in secrets where out.containsText(s) {
            out = out.replacingText(s, with: Redactor.mask)
        }
        return out
    }

    public func redact(optional text: String?) -> String? { text.map { redact($0) } }

    /// The first `limit` bytes of `bytes` as text, redacted, and whether it was cut.
    /// Only a window of `limit` plus the longest secret's length is looked at, so a
    /// large body is neither decoded nor searched whole; a secret that starts before
    /// the cut is masked whole, even where it runs past it, so no part of one shows.
    public func redactPrefix(_ bytes: [UInt8], limit: Int) -> (text: String, truncated: Bool) {
        guard bytes.count > limit else { return (redact(String(decoding: bytes, as: UTF8.self)), false) }
        var cut = max(0, limit)
        // Never split a UTF-8 sequence: back off to the start of the character.
        while cut > 0, bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
        let longest = secrets.first?.utf8.count ?? 0
        let window = bytes[0..<min(bytes.count, cut + longest)]
        var masked = [Bool](repeating: false, count: window.count)
        var marks: [(start: Int, end: Int)] = []
        for secret in secrets {  // longest first
            let s = Array(secret.utf8)
            var i = 0
            while i < cut, i + s.count <= window.count {
                if window[i] == s[0], !masked[i], window[i..<(i + s.count)].elementsEqual(s),
                   !masked[i..<(i + s.count)].contains(true) {
                    for k in i..<(i + s.count) { masked[k] = true }
                    marks.append((i, i + s.count))
                    i += s.count
                } else {
                    i += 1
                }
            }
        }
        marks.sort { $0.start < $1.start }
        var out: [UInt8] = []
        out.reserveCapacity(cut)
        var at = 0
        for mark in marks {
            out += window[at..<mark.start]
            out += Array(Redactor.mask.utf8)
            at = mark.end
        }
        if at < cut { out += window[at..<cut] }
        return (String(decoding: out, as: UTF8.self), true)
    }

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

extension Redactor {
    /// The secrets known before a run starts: values of secret variables at every
    /// scope (resolved, as they will appear in output) for the requests that run.
    static func forRun(collection: CollectionSpec, scheduled: [ScheduledRequest], configuration: RunConfiguration, scopes: VariableScopes) -> Redactor {
        var redactor = Redactor()
        var names = Set(configuration.environment?.secrets ?? [])
        names.formUnion(configuration.globals?.secrets ?? [])
        names.formUnion(configuration.secretVariables.keys)
        var folders: [Folder] = [collection.root]
        var seen = Set<String>()
        for s in scheduled {
            for f in s.folders where seen.insert(f.id).inserted { folders.append(f) }
        }
        for f in folders { names.formUnion(f.settings.secrets) }
        let template = Template(lookup: scopes.lookupFunction(folders: [collection.root]), dynamic: configuration.dynamicValues, keepUnresolved: true)
        for name in names {
            var values: [JSON?] = [
                configuration.secretVariables[name], configuration.environment?.variables[name],
                configuration.variables[name], configuration.globals?.variables[name],
            ]
            values += folders.map { $0.settings.variables[name] }
            values += configuration.iterationData.map { $0[name] }
            for value in values {
                guard let value else { continue }
                let resolved = (try? template.resolve(value, at: "")) ?? value
                redactor.add(resolved.interpolationText)
            }
        }
        return redactor
    }
}