/// The `format` predicate's checks, and ISO 8601 instants for `gt`/`lt` on dates.
public enum Formats {
    public static func check(_ format: String, _ s: String) -> Bool {
        switch format {
        case "uuid": return isUUID(s)
        case "iso8601": return parseInstant(s) != nil
        case "date": return parseDate(Array(s.utf8)) != nil && s.utf8.count == 10
        case "email": return isEmail(s)
        case "ipv4": return isIPv4(s)
        case "ipv6": return isIPv6(s)
        case "cidr": return isCIDR(s)
        default: return false
        }
    }

    static func isHex(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46)
    }

    static func isUUID(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 36 else { return false }
        for (i, b) in u.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                if b != 0x2D { return false }
            } else if !isHex(b) { return false }
        }
        return true
    }

    static func isEmail(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
        let local = parts[0]
        let domain = parts[1]
        if local.contains(where: { $0.isWhitespace }) || local.hasPrefix(".") || local.hasSuffix(".") { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for l in labels {
            guard !l.isEmpty, l.count <= 63, !l.hasPrefix("-"), !l.hasSuffix("-") else { return false }
            guard l.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else { return false }
        }
        return true
    }

    static func isIPv4(_ s: Substring) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
            if p.count > 1 && p.hasPrefix("0") { return false }
            guard let v = Int(p), v <= 255 else { return false }
        }
        return true
    }

    static func isIPv4(_ s: String) -> Bool { isIPv4(s[...]) }

    static func isIPv6(_ s: String) -> Bool { isIPv6(s[...]) }

    static func isIPv6(_ s: Substring) -> Bool {
        guard !s.isEmpty, s.count <= 45 else { return false }
        let halves = s.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        func groups(_ part: String, allowV4Tail: Bool) -> Int? {
            if part.isEmpty { return 0 }
            let gs = part.split(separator: ":", omittingEmptySubsequences: false)
            var count = 0
            for (i, g) in gs.enumerated() {
                if allowV4Tail, i == gs.count - 1, g.contains(".") {
                    guard isIPv4(g) else { return nil }
                    count += 2
                    continue
                }
                guard !g.isEmpty, g.count <= 4, g.utf8.allSatisfy(isHex) else { return nil }
                count += 1
            }
            return count
        }
        if halves.count == 1 {
            return groups(halves[0], allowV4Tail: true) == 8
        }
        guard let a = groups(halves[0], allowV4Tail: false), let b = groups(halves[1], allowV4Tail: true) else { return false }
        return a + b <= 7
    }

    static func isCIDR(_ s: String) -> Bool {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
            parts[1].count <= 3, let bits = Int(parts[1])
        else { return false }
        if parts[1].count > 1 && parts[1].hasPrefix("0") { return false }
        if isIPv4(parts[0]) { return bits <= 32 }
        if isIPv6(parts[0]) { return bits <= 128 }
        return false
    }

    /// Days from 1970-01-01 for a valid `YYYY-MM-DD` prefix of `u`.
    static func parseDate(_ u: [UInt8]) -> Int? {
        guard u.count >= 10, u[4] == 0x2D, u[7] == 0x2D else { return nil }
        guard let y = digits(u, 0, 4), let m = digits(u, 5, 2), let d = digits(u, 8, 2) else { return nil }
        guard m >= 1, m <= 12, d >= 1 else { return nil }
        guard d <= CivilDate.daysInMonth(year: Int64(y), month: Int64(m)) else { return nil }
        return Int(CivilDate.days(year: Int64(y), month: Int64(m), day: Int64(d)))
    }

    static func digits(_ u: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= u.count else { return nil }
        var v = 0
        for i in start..<(start + count) {
            let b = u[i]
            guard b >= 0x30, b <= 0x39 else { return nil }
            v = v * 10 + Int(b - 0x30)
        }
        return v
    }

    /// Seconds since 1970 for an ISO 8601 / RFC 3339 date or date-time; a
    /// date-time without a zone is taken as UTC.
    public static func parseInstant(_ s: String) -> Double? {
        let u = Array(s.utf8)
        guard let days = parseDate(u) else { return nil }
        if u.count == 10 { return Double(days) * 86400 }
        guard u.count >= 16, u[10] == 0x54 || u[10] == 0x74 || u[10] == 0x20, u[13] == 0x3A,
            let h = digits(u, 11, 2), let mi = digits(u, 14, 2), h <= 23, mi <= 59
        else { return nil }
        var i = 16
        var sec = 0.0
        if i < u.count, u[i] == 0x3A {
            guard let s2 = digits(u, 17, 2), s2 <= 60 else { return nil }
            sec = Double(s2)
            i = 19
            if i < u.count, u[i] == 0x2E || u[i] == 0x2C {
                i += 1
                var frac = 0.0
                var scale = 0.1
                let start = i
                while i < u.count, u[i] >= 0x30, u[i] <= 0x39 {
                    frac += Double(u[i] - 0x30) * scale
                    scale /= 10
                    i += 1
                }
                if i == start { return nil }
                sec += frac
            }
        }
        var offset = 0
        if i < u.count {
            if u[i] == 0x5A || u[i] == 0x7A {
                i += 1
            } else if u[i] == 0x2B || u[i] == 0x2D {
                let sign = u[i] == 0x2D ? -1 : 1
                guard let oh = digits(u, i + 1, 2) else { return nil }
                var om = 0
                if i + 3 < u.count, u[i + 3] == 0x3A {
                    guard let m2 = digits(u, i + 4, 2) else { return nil }
                    om = m2
                    i += 6
                } else if let m2 = digits(u, i + 3, 2), i + 5 == u.count {
                    om = m2
                    i += 5
                } else {
                    i += 3
                }
                guard oh <= 23, om <= 59 else { return nil }
                offset = sign * (oh * 3600 + om * 60)
            } else {
                return nil
            }
        }
        guard i == u.count else { return nil }
        return Double(days) * 86400 + Double(h * 3600 + mi * 60) + sec - Double(offset)
    }
}

import Foundation
