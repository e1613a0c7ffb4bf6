/// A problem in the user's input, located in a file: prints as
/// `path:line:column: error: message`, like compilers do, so editors can jump to it.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var severity: Severity
    public var file: String
    public var position: SourcePosition?
    public var message: String

    public init(_ severity: Severity = .error, file: String, position: SourcePosition?, message: String) {
        self.severity = severity
        self.file = file
        self.position = position
        self.message = message
    }

    public var description: String {
        var loc = file
        if let position { loc += ":\(position.line):\(position.column)" }
        return "\(loc): \(severity.rawValue): \(message)"
    }
}

/// Every error found while loading, so the user can fix them all in one go.
public struct LoadError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// The closest candidate by edit distance, for "did you mean ...?" hints.
public func closestMatch(to word: String, in candidates: some Sequence<String>) -> String? {
    var best: (String, Int)?
    let w = Array(word.lowercased())
    for c in candidates {
        let d = editDistance(w, Array(c.lowercased()))
        let limit = max(2, min(w.count, c.count) / 3)
        if d <= limit, best == nil || d < best!.1 { best = (c, d) }
    }
    return best?.0
}

func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    var cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            // Transposition counts as one edit ("equlas" → "equals").
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                cur[j] = min(cur[j], prev[j - 1])
            }
        }
        swap(&prev, &cur)
    }
    return prev[b.count]
}

/// Orders names the way people read numbers in them: `2-x` before `10-x`.
public func naturalLess(_ a: String, _ b: String) -> Bool {
    NaturalKey(a) < NaturalKey(b)
}

/// Sorts names naturally, computing each name's key once.
public func naturalSorted(_ names: [String]) -> [String] {
    names.map { (NaturalKey($0), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
}

/// A name split into runs of ASCII digits (compared by value) and of other
/// characters (compared case-insensitively, by code point); the name itself
/// breaks ties. Kept as UTF-8 bytes: sorting 10,000 file names compares bytes,
/// not Unicode characters.
struct NaturalKey: Comparable {
    enum Part: Equatable {
        case number(digits: ArraySlice<UInt8>)  // without leading zeros
        case text(ArraySlice<UInt8>)
    }
    let parts: [Part]
    let original: String

    init(_ s: String) {
        original = s
        // Lower-cased once (ASCII by hand, the rest through the standard library).
        let lower: [UInt8] = s.utf8.allSatisfy { $0 < 0x80 } ? s.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 } : Array(s.lowercased().utf8)
        var parts: [Part] = []
        var i = 0
        let isDigit = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
        while i < lower.count {
            var j = i
            if isDigit(lower[i]) {
                while j < lower.count, isDigit(lower[j]) { j += 1 }
                var k = i
                while k < j, lower[k] == 0x30 { k += 1 }
                parts.append(.number(digits: lower[k..<j]))
            } else {
                while j < lower.count, !isDigit(lower[j]) { j += 1 }
                parts.append(.text(lower[i..<j]))
            }
            i = j
        }
        self.parts = parts
    }

    static func < (l: NaturalKey, r: NaturalKey) -> Bool {
        for (a, b) in zip(l.parts, r.parts) where a != b {
            switch (a, b) {
            case let (.number(x), .number(y)):
                return x.count != y.count ? x.count < y.count : x.lexicographicallyPrecedes(y)
            case let (.text(x), .text(y)):
                return x.lexicographicallyPrecedes(y)
            case (.number, .text):
                return true
            case (.text, .number):
                return false
            }
        }
        if l.parts.count != r.parts.count { return l.parts.count < r.parts.count }
        return l.original.utf8.lexicographicallyPrecedes(r.original.utf8)
    }

    static func == (l: NaturalKey, r: NaturalKey) -> Bool { l.original == r.original }
}
