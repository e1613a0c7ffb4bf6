// I-Regexp (RFC 9485) for `match` and `search`: validation and translation to a
// Swift `Regex` matching on Unicode scalars, plus a cache of compiled patterns.

import Foundation  // NSLock only

/// A compiled I-Regexp. Immutable and safe to share between threads.
final class JPCompiledRegex: @unchecked Sendable {
    let pattern: String
    private let regex: Regex<AnyRegexOutput>

    init(pattern: String, regex: Regex<AnyRegexOutput>) {
        self.pattern = pattern
        self.regex = regex
    }

    /// `match`: the whole string matches.
    func matchesWhole(_ s: String) -> Bool {
        (try? regex.wholeMatch(in: s)) != nil
    }

    /// `search`: some substring matches.
    func containsMatch(in s: String) -> Bool {
        (try? regex.firstMatch(in: s)) != nil
    }
}

/// Compiled regexes by pattern, shared by all queries; invalid patterns are
/// remembered too (as `nil`) so they are not re-parsed on every node.
final class JPRegexCache: @unchecked Sendable {
    static let shared = JPRegexCache()
    private static let capacity = 512

    private let lock = NSLock()
    private var entries: [String: JPCompiledRegex?] = [:]

    /// The compiled regex for an I-Regexp, or `nil` if it is not a valid I-Regexp.
    func regex(for pattern: String) -> JPCompiledRegex? {
        lock.lock()
        if let hit = entries[pattern] {
            lock.unlock()
            return hit
        }
        lock.unlock()
        let compiled = Self.compile(pattern)
        lock.lock()
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        entries[pattern] = .some(compiled)
        lock.unlock()
        return compiled
    }

    static func compile(_ pattern: String) -> JPCompiledRegex? {
        guard let translated = JPIRegexpTranslator.translate(pattern) else { return nil }
        guard let regex = try? Regex(translated) else { return nil }
        return JPCompiledRegex(pattern: pattern, regex: regex.matchingSemantics(.unicodeScalar))
    }
}

/// Validates an I-Regexp against the RFC 9485 grammar and rewrites it in Swift
/// regex syntax: every literal is written as `\x{...}`, `.` becomes `[^\n\r]`,
/// groups become non-capturing, `^` and `$` anchor.
struct JPIRegexpTranslator {
    private static let maxDepth = 64
    private let s: [Unicode.Scalar]
    private var pos = 0
    private var depth = 0
    private var out = ""

    private init(_ pattern: String) { s = Array(pattern.unicodeScalars) }

    /// The Swift regex for an I-Regexp, or `nil` when the pattern is not valid I-Regexp.
    static func translate(_ pattern: String) -> String? {
        var t = JPIRegexpTranslator(pattern)
        guard t.regexp(), t.pos == t.s.count else { return nil }
        return t.out
    }

    private func peek(_ k: Int = 0) -> Unicode.Scalar? { pos + k < s.count ? s[pos + k] : nil }

    /// `i-regexp = branch *( "|" branch )`
    private mutating func regexp() -> Bool {
        guard branch() else { return false }
        while peek() == "|" {
            pos += 1
            out += "|"
            guard branch() else { return false }
        }
        return true
    }

    /// `branch = *piece`
    private mutating func branch() -> Bool {
        while let c = peek(), c != "|", c != ")" {
            guard piece() else { return false }
        }
        return true
    }

    /// `piece = atom [ quantifier ]`
    private mutating func piece() -> Bool {
        guard atom() else { return false }
        guard let c = peek() else { return true }
        switch c {
        case "*", "+", "?":
            pos += 1
            out.unicodeScalars.append(c)
        case "{":
            pos += 1
            guard let min = quantExact() else { return false }
            var max: Int? = min
            if peek() == "," {
                pos += 1
                max = peek() == "}" ? nil : quantExact()
                if peek() != "}" { return false }
                if let m = max, m < min { return false }
            }
            guard peek() == "}" else { return false }
            pos += 1
            if max == min { out += "{\(min)}" } else if let m = max { out += "{\(min),\(m)}" } else { out += "{\(min),}" }
        default:
            break
        }
        return true
    }

    private mutating func quantExact() -> Int? {
        var v = 0
        var any = false
        while let c = peek(), c.value >= 0x30 && c.value <= 0x39 {
            v = v * 10 + Int(c.value - 0x30)
            if v > 100_000 { return nil }  // larger bounds are impractical for the engine
            pos += 1
            any = true
        }
        return any ? v : nil
    }

    /// `atom = NormalChar / charClass / ( "(" i-regexp ")" )`
    private mutating func atom() -> Bool {
        guard let c = peek() else { return false }
        switch c {
        case "(":
            depth += 1
            guard depth <= Self.maxDepth else { return false }
            pos += 1
            out += "(?:"
            guard regexp(), peek() == ")" else { return false }
            pos += 1
            out += ")"
            depth -= 1
            return true
        case ".":
            pos += 1
            out += "[^\\n\\r]"
            return true
        case "^", "$":
            // RFC 9485 lists them as ordinary characters, but the JSONPath
            // compliance suite (and common practice) treats them as anchors.
            pos += 1
            out += c == "^" ? "\\A" : "\\z"
            return true
        case "[":
            return charClassExpr()
        case "\\":
            if let e = singleCharEscape() { emit(e); return true }
            guard let cat = categoryEscape() else { return false }
            out += cat
            return true
        case ")", "*", "+", "?", "]", "{", "|", "}":
            return false
        default:
            pos += 1
            emit(c)
            return true
        }
    }

    private mutating func emit(_ c: Unicode.Scalar) {
        if (c.value >= 0x30 && c.value <= 0x39) || (c.value >= 0x41 && c.value <= 0x5A) || (c.value >= 0x61 && c.value <= 0x7A) {
            out.unicodeScalars.append(c)
        } else {
            out += "\\x{" + String(c.value, radix: 16) + "}"
        }
    }

    /// `SingleCharEsc = "\" ( %x28-2B / "-" / "." / "?" / %x5B-5E / "n" / "r" / "t" / %x7B-7D )`
    private mutating func singleCharEscape() -> Unicode.Scalar? {
        guard peek() == "\\", let e = peek(1) else { return nil }
        let value: Unicode.Scalar
        switch e {
        case "(", ")", "*", "+", "-", ".", "?", "[", "\\", "]", "^", "{", "|", "}": value = e
        case "n": value = "\n"
        case "r": value = "\r"
        case "t": value = "\t"
        default: return nil
        }
        pos += 2
        return value
    }

    /// `catEsc = "\p{" charProp "}"`, `complEsc = "\P{" charProp "}"`
    private mutating func categoryEscape() -> String? {
        guard peek() == "\\", let p = peek(1), p == "p" || p == "P", peek(2) == "{" else { return nil }
        var k = 3
        var name = ""
        while let c = peek(k), c != "}" {
            name.unicodeScalars.append(c)
            k += 1
            if name.count > 2 { return nil }
        }
        guard peek(k) == "}", Self.categories.contains(name) else { return nil }
        pos += k + 1
        return "\\\(p){\(name)}"
    }

    private static let categories: Set<String> = [
        "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N", "Nd", "Nl", "No",
        "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "Z", "Zl", "Zp", "Zs",
        "S", "Sc", "Sk", "Sm", "So", "C", "Cc", "Cf", "Cn", "Co",
    ]

    /// `charClassExpr = "[" [ "^" ] ( "-" / CCE1 ) *CCE1 [ "-" ] "]"`
    private mutating func charClassExpr() -> Bool {
        pos += 1
        out += "["
        if peek() == "^" { pos += 1; out += "^" }
        var first = true
        while true {
            guard let c = peek() else { return false }
            if c == "]" {
                if first { return false }
                pos += 1
                out += "]"
                return true
            }
            if c == "-" {
                // Only as the first or the last item.
                guard first || peek(1) == "]" else { return false }
                pos += 1
                emit("-")
                first = false
                continue
            }
            first = false
            if let cat = categoryEscape() { out += cat; continue }
            guard let low = ccChar() else { return false }
            if peek() == "-", let after = peek(1), after != "]" {
                pos += 1
                guard let high = ccChar(), low.value <= high.value else { return false }
                emit(low)
                out += "-"
                emit(high)
            } else {
                emit(low)
            }
        }
    }

    /// `CCchar = ( %x00-2C / %x2E-5A / %x5E-D7FF / %xE000-10FFFF ) / SingleCharEsc`
    private mutating func ccChar() -> Unicode.Scalar? {
        guard let c = peek() else { return nil }
        switch c {
        case "\\": return singleCharEscape()
        case "-", "[", "]": return nil
        default:
            pos += 1
            return c
        }
    }
}
