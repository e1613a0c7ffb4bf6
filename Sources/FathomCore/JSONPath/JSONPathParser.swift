// Queries, segments and selectors (RFC 9535 §2.1–2.5).

extension JPParser {
    /// `jsonpath-query = root-identifier segments`, and nothing after it.
    mutating func parseQueryText() throws(JSONPathError) -> JPQuery {
        guard let first = peek() else { throw error("empty query: a JSONPath query starts with '$'") }
        if Self.isBlank(first) { throw error("whitespace is not allowed before '$'") }
        if first == "@" {
            throw error("'@' (the current node) is only allowed inside a filter such as [?@.x]: start the query with '$'")
        }
        guard first == "$" else {
            throw error("a JSONPath query must start with '$', found \(found())")
        }
        pos += 1
        let segments = try parseSegments()
        if !atEnd {
            if Self.isBlank(peek()) {
                var p = pos
                while Self.isBlank(p < scalars.count ? scalars[p] : nil) { p += 1 }
                if p >= scalars.count { throw error("whitespace is not allowed at the end of the query") }
                throw error("unexpected \(found(at: p)) after whitespace: expected '.', '..' or '['", at: p)
            }
            throw error("unexpected \(found()): expected '.', '..' or '[' to start a segment")
        }
        return JPQuery(isAbsolute: true, segments: segments)
    }

    /// `segments = *(S segment)`: stops (leaving any blank space) before anything
    /// that does not start a segment.
    mutating func parseSegments() throws(JSONPathError) -> [JPSegment] {
        var segments: [JPSegment] = []
        while true {
            let save = pos
            skipBlank()
            guard let c = peek(), c == "." || c == "[" else {
                pos = save
                return segments
            }
            segments.append(try parseSegment())
        }
    }

    private mutating func parseSegment() throws(JSONPathError) -> JPSegment {
        if eat("[") {
            return JPSegment(isDescendant: false, selectors: try parseBracketedSelection())
        }
        let dotStart = pos
        pos += 1  // "."
        if eat(".") {
            if eat("[") { return JPSegment(isDescendant: true, selectors: try parseBracketedSelection()) }
            if eat("*") { return JPSegment(isDescendant: true, selectors: [.wildcard]) }
            if Self.isNameFirst(peek()) {
                return JPSegment(isDescendant: true, selectors: [.name(parseMemberNameShorthand())])
            }
            if peekIs(".") { throw error("'...' is not valid: use '..' followed by a name, '*' or '['", at: dotStart) }
            if Self.isBlank(peek()) { throw error("whitespace is not allowed after '..'") }
            throw error("expected a member name, '*' or '[' after '..', found \(found())")
        }
        if eat("*") { return JPSegment(isDescendant: false, selectors: [.wildcard]) }
        if Self.isNameFirst(peek()) {
            return JPSegment(isDescendant: false, selectors: [.name(parseMemberNameShorthand())])
        }
        if Self.isBlank(peek()) { throw error("whitespace is not allowed after '.'") }
        if Self.isDigit(peek()) || peekIs("-") {
            throw error("a member name cannot start with \(found()) in dot notation: use an index [n] or a quoted name ['...']")
        }
        if peekIs("'") || peekIs("\"") {
            throw error("quoted names need brackets: write ['name'] instead of .'name'", at: dotStart)
        }
        throw error("expected a member name or '*' after '.', found \(found())")
    }

    /// `"[" S selector *(S "," S selector) S "]"`, after the "[".
    private mutating func parseBracketedSelection() throws(JSONPathError) -> [JPSelector] {
        let open = pos - 1
        var selectors: [JPSelector] = []
        while true {
            skipBlank()
            if peekIs("]") {
                if selectors.isEmpty { throw error("empty brackets: put a selector inside, e.g. [0], ['name'] or [*]") }
                throw error("expected a selector after ',', found ']'")
            }
            selectors.append(try parseSelector())
            skipBlank()
            if eat(",") { continue }
            if eat("]") { return selectors }
            if atEnd { throw error("expected ']' to close the '[' at column \(error("", at: open).offset + 1)") }
            throw error("expected ',' or ']' after a selector, found \(found())")
        }
    }

    private mutating func parseSelector() throws(JSONPathError) -> JPSelector {
        guard let c = peek() else { throw error("expected a selector, found end of query") }
        switch c {
        case "'", "\"":
            return .name(try parseStringLiteral())
        case "*":
            pos += 1
            return .wildcard
        case "?":
            pos += 1
            try enter()
            skipBlank()
            let expr = try parseLogicalExpr()
            leave()
            return .filter(expr)
        case ":", "-", "0"..."9":
            return try parseIndexOrSlice()
        default:
            if Self.isNameFirst(c) {
                throw error("member names in brackets must be quoted: write ['\(peekWord())']")
            }
            throw error("expected a selector (a quoted name, '*', an index, a slice or a ?filter), found \(found())")
        }
    }

    /// The name-like word at the cursor, for suggestions.
    private func peekWord() -> String {
        var view = String.UnicodeScalarView()
        var p = pos
        while p < scalars.count, Self.isNameChar(scalars[p]) { view.append(scalars[p]); p += 1 }
        return String(view)
    }

    /// `index-selector = int`, or
    /// `slice-selector = [start S] ":" S [end S] [":" [S step]]`.
    private mutating func parseIndexOrSlice() throws(JSONPathError) -> JPSelector {
        var start: Int64?
        if !peekIs(":") {
            start = try parseInt(what: "an index")
            let save = pos
            skipBlank()
            guard peekIs(":") else {
                pos = save
                return .index(start!)
            }
        }
        pos += 1  // ":"
        skipBlank()
        var end: Int64?
        if peekIs("-") || Self.isDigit(peek()) {
            end = try parseInt(what: "a slice end")
            skipBlank()
        }
        var step: Int64?
        if eat(":") {
            skipBlank()
            if peekIs("-") || Self.isDigit(peek()) {
                step = try parseInt(what: "a slice step")
            }
        }
        return .slice(start: start, end: end, step: step)
    }
}
