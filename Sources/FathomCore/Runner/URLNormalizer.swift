/// Turns a resolved URL as people write it into one that can go on the wire, the
/// way browsers and Postman do (WHATWG URL percent-encode sets):
///
/// - no scheme means `http://`; the scheme and host are lower-cased; `\` reads as `/`
///   before the query, and extra slashes after `://` are dropped;
/// - characters that cannot appear in a URL are percent-encoded per component
///   (path: controls, space, `"`, `#`, `<`, `>`, `?`, `` ` ``, `{`, `}` and non-ASCII;
///   query: controls, space, `"`, `#`, `'`, `<`, `>` and non-ASCII; user info and
///   fragment their own sets), and `%XX` already there is kept, never encoded twice;
/// - IPv4 shorthands (`127.1`, `0x7f.1`) become dotted quads, and a default port
///   (`:80` for http, `:443` for https) is dropped;
/// - empty query members (`?`, `&&`, `a&`) are kept as written.
///
/// `{{name}}` spans that were left unresolved (`unresolved_variables: keep`) are not
/// split on the separators they contain.
///
/// Hand-written because no reachable library does this: Foundation's `URL` rejects
/// what browsers accept, and libcurl's URL API encodes differently from Postman,
/// whose wire format collections written for it rely on.
public enum URLNormalizer {
    /// The last URL normalised and its result: a suite sends most requests to the
    /// same few URLs (a GraphQL API to one), and normalising is a pure function.
    private static let last = Locked<(input: String, output: String)?>(nil)

    public static func normalize(_ input: String) -> String {
        if let hit = last.withLock({ $0 }), hit.input == input { return hit.output }
        let output = normalizeUncached(input)
        last.withLock { $0 = (input, output) }
        return output
    }

    static func normalizeUncached(_ input: String) -> String {
        let parts = parse(input)
        var out = (parts.scheme?.lowercased() ?? "http") + "://"
        if let user = parts.user {
            out += encode(user, .userInfo)
            if let password = parts.password { out += ":" + encode(password, .userInfo) }
            out += "@"
        } else if let password = parts.password {
            out += ":" + encode(password, .userInfo) + "@"
        }
        out += normalizeHost(parts.host)
        if let port = parts.port, !isDefault(port: port, scheme: parts.scheme?.lowercased() ?? "http") { out += ":" + port }
        out += encode("/" + (parts.path ?? []).joined(separator: "/"), .path)
        if let query = parts.query { out += "?" + encode(query.joined(separator: "&"), .query) }
        if let fragment = parts.fragment { out += "#" + encode(fragment, .fragment) }
        return out
    }

    /// WHATWG URLs drop the scheme's default port (`https://h:443/` is `https://h/`).
    static func isDefault(port: String, scheme: String) -> Bool {
        switch scheme {
        case "http", "ws": return port == "80"
        case "https", "wss": return port == "443"
        case "ftp": return port == "21"
        default: return false
        }
    }

    /// The components of a URL string, split the way Postman's URL parser splits them.
    public struct Components: Equatable, Sendable {
        public var scheme: String?
        public var user: String?
        public var password: String?
        public var host: String = ""
        public var port: String?
        public var path: [String]?
        public var query: [String]?
        public var fragment: String?
    }

    public static func parse(_ input: String) -> Components {
        var c = Components()
        var s = Array(input.utf8.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D })
        var spans = templateSpans(s)
        func text(_ b: ArraySlice<UInt8>) -> String { String(decoding: b, as: UTF8.self) }
        // Cutting from the back keeps the spans' indices valid; cutting the front recomputes them.
        if let hash = first(0x23, in: s, spans) {  // '#'
            c.fragment = text(s[(hash + 1)...])
            s = Array(s[..<hash])
        }
        if let q = first(0x3F, in: s, spans) {  // '?'
            c.query = split(s[(q + 1)...], on: 0x26, protected: spans).map(text)
            s = Array(s[..<q])
        }
        // Backslashes are slashes before the query (as browsers read them).
        s = s.map { $0 == 0x5C ? 0x2F : $0 }
        if let sep = findSequence([0x3A, 0x2F, 0x2F], in: s, protected: spans) {  // "://"
            c.scheme = text(s[..<sep])
            var rest = sep + 3
            while rest < s.count, s[rest] == 0x2F, c.scheme?.lowercased() != "file" { rest += 1 }
            s = Array(s[rest...])
            spans = templateSpans(s)
        }
        if let slash = first(0x2F, in: s, spans) {
            c.path = split(s[(slash + 1)...], on: 0x2F, protected: spans).map(text)
            s = Array(s[..<slash])
        }
        if let at = last(0x40, in: s, spans) {  // '@'
            let auth = s[..<at]
            if let colon = auth.firstIndex(of: 0x3A) {
                c.user = text(auth[..<colon])
                c.password = text(auth[(colon + 1)...])
            } else {
                c.user = text(auth)
            }
            s = Array(s[(at + 1)...])
            spans = templateSpans(s)
        }
        if let colon = last(0x3A, in: s, spans), !s[(colon + 1)...].contains(0x5D) {  // ':' not inside [v6]
            c.port = text(s[(colon + 1)...])
            s = Array(s[..<colon])
        }
        c.host = text(s[...])
        return c
    }

    private static func first(_ byte: UInt8, in b: [UInt8], _ spans: [Int: Int]) -> Int? {
        var i = 0
        while i < b.count {
            if let end = spans[i], end <= b.count { i = end; continue }
            if b[i] == byte { return i }
            i += 1
        }
        return nil
    }

    private static func last(_ byte: UInt8, in b: [UInt8], _ spans: [Int: Int]) -> Int? {
        var found: Int?
        var i = 0
        while i < b.count {
            if let end = spans[i], end <= b.count { i = end; continue }
            if b[i] == byte { found = i }
            i += 1
        }
        return found
    }

    /// Start index → end index of every `{{...}}` span without braces inside.
    static func templateSpans(_ b: [UInt8]) -> [Int: Int] {
        var spans: [Int: Int] = [:]
        var i = 0
        while i + 3 < b.count {
            if b[i] == 0x7B, b[i + 1] == 0x7B {
                var j = i + 2
                while j < b.count, b[j] != 0x7B, b[j] != 0x7D { j += 1 }
                if j + 1 < b.count, b[j] == 0x7D, b[j + 1] == 0x7D {
                    spans[i] = j + 2
                    i = j + 2
                    continue
                }
            }
            i += 1
        }
        return spans
    }

    private static func split(_ bytes: ArraySlice<UInt8>, on separator: UInt8, protected: [Int: Int]) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if let end = protected[i], end <= bytes.endIndex { i = end; continue }
            if bytes[i] == separator {
                out.append(bytes[start..<i])
                start = i + 1
            }
            i += 1
        }
        out.append(bytes[start..<bytes.endIndex])
        return out
    }

    private static func findSequence(_ needle: [UInt8], in b: [UInt8], protected: [Int: Int]) -> Int? {
        var i = 0
        while i + needle.count <= b.count {
            if let end = protected[i] { i = end; continue }
            if Array(b[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }

    // MARK: - Host

    static func normalizeHost(_ host: String) -> String {
        let lower = host.lowercased()
        if let v4 = ipv4Shorthand(lower) { return v4 }
        return lower
    }

    /// WHATWG IPv4 parsing: 1–4 parts, each decimal, `0x` hexadecimal or `0`-prefixed
    /// octal; the last part fills the remaining bytes. nil when the host is not one.
    static func ipv4Shorthand(_ host: String) -> String? {
        var parts = host.split(separator: ".", omittingEmptySubsequences: false)
        if parts.last == "" , parts.count > 1 { parts.removeLast() }
        guard (1...4).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        var numbers: [UInt64] = []
        for p in parts {
            var digits = Substring(p)
            var radix = 10
            if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
                radix = 16
                digits = digits.dropFirst(2)
            } else if digits.count > 1, digits.hasPrefix("0") {
                radix = 8
                digits = digits.dropFirst()
            }
            if digits.isEmpty { numbers.append(0); continue }
            guard let n = UInt64(digits, radix: radix), n <= UInt64(UInt32.max) else { return nil }
            numbers.append(n)
        }
        // Only when the last part is a number does WHATWG treat the host as IPv4.
        for n in numbers.dropLast() where n > 255 { return nil }
        let lastLimit = UInt64(1) << (8 * UInt64(5 - numbers.count))
        guard numbers.last! < lastLimit else { return nil }
        var value = numbers.last!
        for (i, n) in numbers.dropLast().enumerated() { value += n << (8 * UInt64(3 - i)) }
        // Plain dotted quads stay as written (and so do names like "1.example").
        let quad = "\(value >> 24 & 255).\(value >> 16 & 255).\(value >> 8 & 255).\(value & 255)"
        return quad
    }

    // MARK: - Percent-encoding

    enum Component { case path, query, userInfo, fragment }

    static func mustEncode(_ b: UInt8, _ component: Component) -> Bool {
        if b < 0x20 || b >= 0x7F { return true }
        switch component {
        case .query:
            return b == 0x20 || b == 0x22 || b == 0x23 || b == 0x27 || b == 0x3C || b == 0x3E
        case .fragment:
            return b == 0x20 || b == 0x22 || b == 0x3C || b == 0x3E || b == 0x60
        case .path:
            return mustEncode(b, .fragment) || b == 0x23 || b == 0x3F || b == 0x7B || b == 0x7D
        case .userInfo:
            return mustEncode(b, .path) || b == 0x2F || b == 0x3A || b == 0x3B || b == 0x3D || b == 0x40
                || b == 0x5B || b == 0x5C || b == 0x5D || b == 0x5E || b == 0x7C
        }
    }

    static func encode(_ s: String, _ component: Component) -> String {
        let b = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        let hex = Array("0123456789ABCDEF".utf8)
        func isHex(_ c: UInt8) -> Bool { (0x30...0x39).contains(c) || (0x41...0x46).contains(c) || (0x61...0x66).contains(c) }
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == 0x25, i + 2 < b.count, isHex(b[i + 1]), isHex(b[i + 2]) {
                out += [c, b[i + 1], b[i + 2]]
                i += 3
                continue
            }
            if mustEncode(c, component) {
                out += [0x25, hex[Int(c >> 4)], hex[Int(c & 15)]]
            } else {
                out.append(c)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
