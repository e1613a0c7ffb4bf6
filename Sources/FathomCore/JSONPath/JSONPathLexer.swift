// Lexical layer of the JSONPath parser: the scalar cursor, blank space, string
// literals, integers, numbers and names (RFC 9535 §2.1–2.3 ABNF).

/// A recursive-descent parser over the query's Unicode scalars. The grammar is
/// split over three files: this one (tokens), `JSONPathParser.swift` (queries,
/// segments, selectors) and `JSONPathFilterParser.swift` (filter expressions).
struct JPParser {
    /// Maximum nesting of filters, parentheses and function calls.
    static let maxDepth = 256
    /// I-JSON exact integer range (RFC 9535 §2.1).
    static let maxInteger: Int64 = 9_007_199_254_740_991

    let text: String
    let scalars: [Unicode.Scalar]
    var pos = 0
    var depth = 0

    init(_ text: String) {
        self.text = text
        self.scalars = Array(text.unicodeScalars)
    }

    // MARK: Cursor

    var atEnd: Bool { pos >= scalars.count }

    /// The scalar at `pos + ahead`, or `nil` past the end.
    @inline(__always) func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        let i = pos + ahead
        return i < scalars.count ? scalars[i] : nil
    }

    @inline(__always) func peekIs(_ c: Unicode.Scalar, _ ahead: Int = 0) -> Bool { peek(ahead) == c }

    /// Consumes `c` if it is next.
    mutating func eat(_ c: Unicode.Scalar) -> Bool {
        if peek() == c { pos += 1; return true }
        return false
    }

    /// Consumes the ASCII word `w` if it is next.
    mutating func eat(word w: String) -> Bool {
        let ws = Array(w.unicodeScalars)
        guard pos + ws.count <= scalars.count else { return false }
        for (k, c) in ws.enumerated() where scalars[pos + k] != c { return false }
        pos += ws.count
        return true
    }

    /// Blank space: `B = %x20 / %x09 / %x0A / %x0D`.
    @inline(__always) static func isBlank(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return false }
        return c == " " || c == "\t" || c == "\n" || c == "\r"
    }

    /// `S = *B`
    mutating func skipBlank() {
        while Self.isBlank(peek()) { pos += 1 }
    }

    // MARK: Errors

    /// An error at scalar index `at` (default: the cursor), reported as a character offset.
    func error(_ message: String, at: Int? = nil) -> JSONPathError {
        let index = min(max(at ?? pos, 0), scalars.count)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[0..<index])
        return JSONPathError(message: message, offset: String(view).count)
    }

    /// A short description of what is at the cursor, for messages.
    func found(at index: Int? = nil) -> String {
        let i = index ?? pos
        guard i < scalars.count else { return "end of query" }
        let c = scalars[i]
        switch c {
        case " ": return "a space"
        case "\t": return "a tab"
        case "\n": return "a newline"
        case "\r": return "a carriage return"
        default:
            if c.value < 0x20 || c.value == 0x7F { return "control character U+\(hex4(c.value))" }
            return "'\(Character(c))'"
        }
    }

    func hex4(_ v: UInt32) -> String {
        let h = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - h.count)) + h
    }

    /// Enters one nesting level (filter, parenthesis, function call).
    mutating func enter() throws(JSONPathError) {
        depth += 1
        if depth > Self.maxDepth {
            throw error("query nested too deeply (more than \(Self.maxDepth) levels of filters, parentheses or function calls)")
        }
    }

    mutating func leave() { depth -= 1 }

    // MARK: Character classes

    @inline(__always) static func isDigit(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return false }
        return c.value >= 0x30 && c.value <= 0x39
    }

    @inline(__always) static func isAlpha(_ c: Unicode.Scalar) -> Bool {
        (c.value >= 0x41 && c.value <= 0x5A) || (c.value >= 0x61 && c.value <= 0x7A)
    }

    /// `name-first = ALPHA / "_" / %x80-D7FF / %xE000-10FFFF`
    @inline(__always) static func isNameFirst(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return false }
        return isAlpha(c) || c == "_" || c.value >= 0x80
    }

    @inline(__always) static func isNameChar(_ c: Unicode.Scalar?) -> Bool {
        isNameFirst(c) || isDigit(c)
    }

    /// `member-name-shorthand = name-first *name-char`; the caller checked `isNameFirst`.
    mutating func parseMemberNameShorthand() -> String {
        var view = String.UnicodeScalarView()
        while Self.isNameChar(peek()) { view.append(scalars[pos]); pos += 1 }
        return String(view)
    }

    // MARK: String literals

    /// A string literal in single or double quotes, with RFC 9535 escapes.
    mutating func parseStringLiteral() throws(JSONPathError) -> String {
        let start = pos
        guard let quote = peek(), quote == "'" || quote == "\"" else {
            throw error("expected a string literal in quotes, found \(found())")
        }
        pos += 1
        var view = String.UnicodeScalarView()
        while true {
            guard let c = peek() else {
                throw error("unterminated string literal: add the closing \(quote == "'" ? "'" : "\"")", at: start)
            }
            if c == quote { pos += 1; return String(view) }
            if c == "\\" {
                view.append(try parseEscape(quote: quote))
                continue
            }
            if c.value < 0x20 {
                throw error("control character U+\(hex4(c.value)) must be escaped in a string literal (e.g. \\n or \\u\(hex4(c.value)))")
            }
            view.append(c)
            pos += 1
        }
    }

    private mutating func parseEscape(quote: Unicode.Scalar) throws(JSONPathError) -> Unicode.Scalar {
        let start = pos
        pos += 1  // backslash
        guard let e = peek() else { throw error("unterminated escape sequence", at: start) }
        pos += 1
        switch e {
        case "b": return "\u{08}"
        case "f": return "\u{0C}"
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "/": return "/"
        case "\\": return "\\"
        case "'" where quote == "'": return "'"
        case "\"" where quote == "\"": return "\""
        case "u":
            let high = try parseHex4(escapeStart: start)
            if high >= 0xDC00 && high <= 0xDFFF {
                throw error("invalid escape: \\u\(hex4(high)) is a lone low surrogate", at: start)
            }
            if high >= 0xD800 && high <= 0xDBFF {
                guard peekIs("\\"), peekIs("u", 1) else {
                    throw error("invalid escape: high surrogate \\u\(hex4(high)) must be followed by a low surrogate \\uDC00-\\uDFFF", at: start)
                }
                let lowStart = pos
                pos += 2
                let low = try parseHex4(escapeStart: lowStart)
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw error("invalid escape: \\u\(hex4(low)) is not a low surrogate after \\u\(hex4(high))", at: lowStart)
                }
                let v = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                return Unicode.Scalar(v)!
            }
            return Unicode.Scalar(high)!
        default:
            let other: Unicode.Scalar = quote == "'" ? "\"" : "'"
            if e == other {
                throw error("invalid escape \\\(other) in a \(quote == "'" ? "single" : "double")-quoted string: write \(other) without the backslash", at: start)
            }
            throw error("invalid escape sequence \\\(Character(e)): allowed are \\b \\f \\n \\r \\t \\/ \\\\ \\\(Character(quote)) and \\uXXXX", at: start)
        }
    }

    private mutating func parseHex4(escapeStart: Int) throws(JSONPathError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let c = peek(), let d = Self.hexValue(c) else {
                throw error("invalid \\u escape: expected 4 hexadecimal digits", at: escapeStart)
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }

    static func hexValue(_ c: Unicode.Scalar) -> UInt32? {
        switch c.value {
        case 0x30...0x39: return c.value - 0x30
        case 0x41...0x46: return c.value - 0x41 + 10
        case 0x61...0x66: return c.value - 0x61 + 10
        default: return nil
        }
    }

    // MARK: Numbers

    /// `int = "0" / (["-"] DIGIT1 *DIGIT)` within the I-JSON range.
    mutating func parseInt(what: String) throws(JSONPathError) -> Int64 {
        let start = pos
        let negative = eat("-")
        guard Self.isDigit(peek()) else {
            throw error("expected \(what) (an integer), found \(found())", at: start)
        }
        if peekIs("0") && Self.isDigit(peek(1)) {
            throw error("leading zeros are not allowed in \(what)", at: start)
        }
        if negative && peekIs("0") {
            throw error("-0 is not allowed as \(what): write 0", at: start)
        }
        var v: Int64 = 0
        var overflow = false
        while Self.isDigit(peek()) {
            if !overflow {
                v = v * 10 + Int64(scalars[pos].value - 0x30)
                if v > Self.maxInteger { overflow = true }
            }
            pos += 1
        }
        if overflow {
            throw error("\(what) is out of range: integers must be between -\(Self.maxInteger) and \(Self.maxInteger)", at: start)
        }
        return negative ? -v : v
    }

    /// A number literal in a filter: `(int / "-0") [frac] [exp]`.
    mutating func parseNumberLiteral() throws(JSONPathError) -> JSON {
        let start = pos
        _ = eat("-")
        guard Self.isDigit(peek()) else { throw error("expected a number, found \(found())", at: start) }
        if peekIs("0") && Self.isDigit(peek(1)) {
            throw error("leading zeros are not allowed in numbers", at: start)
        }
        while Self.isDigit(peek()) { pos += 1 }
        var isInteger = true
        if peekIs(".") {
            isInteger = false
            pos += 1
            guard Self.isDigit(peek()) else { throw error("expected a digit after the decimal point, found \(found())") }
            while Self.isDigit(peek()) { pos += 1 }
        }
        if peekIs("e") || peekIs("E") {
            isInteger = false
            pos += 1
            if peekIs("+") || peekIs("-") { pos += 1 }
            guard Self.isDigit(peek()) else { throw error("expected a digit in the exponent, found \(found())") }
            while Self.isDigit(peek()) { pos += 1 }
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<pos])
        let literal = String(view)
        if isInteger, let i = Int64(literal) {
            return literal == "-0" ? .double(-0.0) : .integer(i)
        }
        guard let d = Double(literal), d.isFinite else {
            throw error("number \(literal) is out of range", at: start)
        }
        return .double(d)
    }
}
