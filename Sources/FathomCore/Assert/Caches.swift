import Foundation

/// Compiled JSONPath queries by text: a collection names the same few paths on
/// every run of a request, so compiling once keeps them off the hot path.
public final class JSONPathCache: @unchecked Sendable {
    public static let shared = JSONPathCache()
    private let lock = NSLock()
    private var cache: [String: JSONPath] = [:]

    public func compile(_ text: String) throws(JSONPathError) -> JSONPath {
        lock.lock()
        if let p = cache[text] { lock.unlock(); return p }
        lock.unlock()
        let p = try JSONPath.compile(text)
        lock.lock()
        if cache.count > 10_000 { cache.removeAll() }
        cache[text] = p
        lock.unlock()
        return p
    }
}

/// Compiled regular expressions by pattern, for `matches` and regex captures.
public final class RegexCache: @unchecked Sendable {
    public static let shared = RegexCache()
    private let lock = NSLock()
    private var cache: [String: NSRegularExpression] = [:]

    public func regex(_ pattern: String) -> NSRegularExpression? {
        lock.lock()
        defer { lock.unlock() }
        if let r = cache[pattern] { return r }
        guard let r = try? NSRegularExpression(pattern: pattern) else { return nil }
        if cache.count > 10_000 { cache.removeAll() }
        cache[pattern] = r
        return r
    }

    /// Why a pattern does not compile, or nil when it does.
    public func problem(_ pattern: String) -> String? {
        if regex(pattern) != nil { return nil }
        do {
            _ = try NSRegularExpression(pattern: pattern)
            return nil
        } catch {
            return "the pattern does not compile (check brackets, parentheses and escapes; in JSON a backslash is written \\\\)"
        }
    }

    /// Whether `text` contains a match.
    public func matches(_ pattern: String, _ text: String) -> Bool? {
        guard let re = regex(pattern) else { return nil }
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        return re.firstMatch(in: text, range: range) != nil
    }

    /// The first group of the first match.
    public func firstGroup(_ pattern: String, _ text: String) -> String? {
        guard let re = regex(pattern) else { return nil }
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        guard let m = re.firstMatch(in: text, range: range), m.numberOfRanges > 1,
            let r = Range(m.range(at: 1), in: text)
        else { return nil }
        return String(text[r])
    }
}
