import FathomCore
/// One stored column value of a Sonar entity.
///
/// `Int64Bit` ids and integers are `.int`, `Datetime` is `.time` (seconds since the
/// epoch, UTC), `Date` is `.string` in `YYYY-MM-DD` (so it sorts as text), enums are
/// `.string` with the enum value's name.
enum Cell: Sendable, Hashable {
    case null
    case int(Int64)
    case double(Double)
    case string(String)
    case bool(Bool)
    case time(Int64)

    var isNull: Bool { if case .null = self { return true } else { return false } }

    var int: Int64? { if case .int(let v) = self { return v } else { return nil } }
    var string: String? { if case .string(let v) = self { return v } else { return nil } }

    /// Total order for sorting: nulls first, then by value; mixed kinds order by kind.
    static func ascending(_ a: Cell, _ b: Cell) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y
        case (.time(let x), .time(let y)): return x < y
        case (.double(let x), .double(let y)): return x < y
        case (.int(let x), .double(let y)): return Double(x) < y
        case (.double(let x), .int(let y)): return x < Double(y)
        case (.string(let x), .string(let y)): return x < y
        case (.bool(let x), .bool(let y)): return !x && y
        default: return a.rank < b.rank
        }
    }

    private var rank: Int {
        switch self {
        case .null: return 0
        case .bool: return 1
        case .int, .double: return 2
        case .time: return 3
        case .string: return 4
        }
    }

    /// -1, 0 or 1; `nil` when the two cannot be compared (either is null, or kinds differ).
    static func compare(_ a: Cell, _ b: Cell) -> Int? {
        switch (a, b) {
        case (.null, _), (_, .null): return nil
        case (.int(let x), .int(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.time(let x), .time(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.double(let x), .double(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.int(let x), .double(let y)): return Double(x) < y ? -1 : (Double(x) == y ? 0 : 1)
        case (.double(let x), .int(let y)): return x < Double(y) ? -1 : (x == Double(y) ? 0 : 1)
        case (.string(let x), .string(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (x ? 1 : -1)
        default: return nil
        }
    }
}

/// What a scalar column holds, from its GraphQL type in the slice's SDL.
enum ColumnKind: Sendable, Equatable {
    /// `Int64Bit`: output as a string, input as an int or a string.
    case id
    case int
    case float
    case string
    case bool
    /// `Datetime`: ISO 8601 with offset.
    case datetime
    /// `Date`: `YYYY-MM-DD`.
    case date
    case enumeration

    init(typeName: String, isEnum: Bool) {
        if isEnum {
            self = .enumeration
            return
        }
        switch typeName {
        case "Int64Bit": self = .id
        case "Int": self = .int
        case "Float": self = .float
        case "Boolean": self = .bool
        case "Datetime": self = .datetime
        case "Date": self = .date
        default: self = .string
        }
    }

    var isTextual: Bool { self == .string || self == .enumeration }
}


/// Dates and times as Sonar writes them, without Foundation formatters.
enum SonarTime {
    /// `2024-05-01T13:04:05+00:00`.
    static func datetime(_ seconds: Int64) -> String {
        let days = floorDiv(seconds, 86_400)
        let rest = seconds - days * 86_400
        return "\(date(days: days))T\(pad(rest / 3600)):\(pad(rest % 3600 / 60)):\(pad(rest % 60))+00:00"
    }

    /// `2024-05-01` for a day count since 1970-01-01.
    static func date(days: Int64) -> String {
        let (y, m, d) = civil(days: days)
        let year = y < 0 ? "-" + pad4(-y) : pad4(y)
        return "\(year)-\(pad(m))-\(pad(d))"
    }

    /// The day of a timestamp, `YYYY-MM-DD`.
    static func date(ofSeconds seconds: Int64) -> String { date(days: floorDiv(seconds, 86_400)) }

    /// Parses ISO 8601 date-times with an offset (`Z` or `±HH:MM`), optional fractions;
    /// a bare `YYYY-MM-DD` counts as midnight UTC.
    static func parseDatetime(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count >= 10, let days = parseDays(b) else { return nil }
        if b.count == 10 { return days * 86_400 }
        guard b.count >= 19, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "),
            let h = digits(b, 11, 2), b[13] == UInt8(ascii: ":"), let mi = digits(b, 14, 2),
            b[16] == UInt8(ascii: ":"), let s = digits(b, 17, 2), h < 24, mi < 60, s < 61
        else { return nil }
        var i = 19
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            if i == start { return nil }
        }
        guard i < b.count else { return nil }  // an offset is required
        var offset: Int64 = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            let sign: Int64 = b[i] == UInt8(ascii: "-") ? -1 : 1
            guard let oh = digits(b, i + 1, 2) else { return nil }
            var j = i + 3
            var om: Int64 = 0
            if j < b.count, b[j] == UInt8(ascii: ":") { j += 1 }
            if j < b.count {
                guard let m = digits(b, j, 2) else { return nil }
                om = m
                j += 2
            }
            guard oh < 24, om < 60 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
            i = j
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        return days * 86_400 + h * 3600 + mi * 60 + s - offset
    }

    /// Validates `YYYY-MM-DD` (a real calendar day).
    static func isDate(_ text: String) -> Bool {
        let b = Array(text.utf8)
        return b.count == 10 && parseDays(b) != nil
    }

    private static func parseDays(_ b: [UInt8]) -> Int64? {
        guard let y = digits(b, 0, 4), b[4] == UInt8(ascii: "-"), let m = digits(b, 5, 2),
            b[7] == UInt8(ascii: "-"), let d = digits(b, 8, 2), (1...12).contains(m), d >= 1
        else { return nil }
        guard d <= CivilDate.daysInMonth(year: y, month: m) else { return nil }
        return daysFromCivil(y, m, d)
    }

    private static func digits(_ b: [UInt8], _ at: Int, _ count: Int) -> Int64? {
        guard at >= 0, at + count <= b.count else { return nil }
        var value: Int64 = 0
        for k in at..<(at + count) {
            let c = b[k]
            guard c >= 48, c <= 57 else { return nil }
            value = value * 10 + Int64(c - 48)
        }
        return value
    }

    static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        CivilDate.days(year: year, month: month, day: day)
    }

    private static func civil(days: Int64) -> (Int64, Int64, Int64) {
        CivilDate.civil(days: days)
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { CivilDate.floorDiv(a, b) }

    private static func pad(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
    private static func pad4(_ v: Int64) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }
}
