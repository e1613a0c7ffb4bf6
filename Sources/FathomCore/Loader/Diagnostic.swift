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
    let x = Array(a.unicodeScalars)
    let y = Array(b.unicodeScalars)
    var i = 0
    var j = 0
    while i < x.count && j < y.count {
        let cx = x[i]
        let cy = y[j]
        if cx.properties.numericType != nil, cx.isASCII, cy.isASCII, cy.properties.numericType != nil {
            var ei = i
            while ei < x.count, x[ei].isASCII, x[ei].properties.numericType != nil { ei += 1 }
            var ej = j
            while ej < y.count, y[ej].isASCII, y[ej].properties.numericType != nil { ej += 1 }
            let nx = String(String.UnicodeScalarView(x[i..<ei])).drop { $0 == "0" }
            let ny = String(String.UnicodeScalarView(y[j..<ej])).drop { $0 == "0" }
            if nx.count != ny.count { return nx.count < ny.count }
            if nx != ny { return nx < ny }
            i = ei
            j = ej
            continue
        }
        let lx = String(cx).lowercased()
        let ly = String(cy).lowercased()
        if lx != ly { return lx < ly }
        i += 1
        j += 1
    }
    if x.count - i != y.count - j { return x.count - i < y.count - j }
    return a < b
}
