// Filter expressions and their well-typedness (RFC 9535 §2.3.5, §2.4.3).

/// A parsed expression before it is given a type by its context.
enum JPExpr {
    case logical(JPLogical)
    case operand(JPOperand, at: Int)
}

/// A primary: a literal, a query or a function call (with its declared result type).
enum JPOperand {
    case literal(JSON)
    case query(JPQuery)
    case function(JPFunctionCall, JPType)
}

extension JPParser {
    /// `logical-expr`, typed as LogicalType.
    mutating func parseLogicalExpr() throws(JSONPathError) -> JPLogical {
        try toLogical(try parseOr())
    }

    /// `logical-or-expr = logical-and-expr *(S "||" S logical-and-expr)`
    private mutating func parseOr() throws(JSONPathError) -> JPExpr {
        let first = try parseAnd()
        var terms: [JPLogical] = []
        while true {
            let save = pos
            skipBlank()
            guard eat(word: "||") else { pos = save; break }
            if terms.isEmpty { terms.append(try toLogical(first)) }
            skipBlank()
            terms.append(try toLogical(try parseAnd()))
        }
        return terms.isEmpty ? first : .logical(.or(terms))
    }

    /// `logical-and-expr = basic-expr *(S "&&" S basic-expr)`
    private mutating func parseAnd() throws(JSONPathError) -> JPExpr {
        let first = try parseBasic()
        var terms: [JPLogical] = []
        while true {
            let save = pos
            skipBlank()
            guard eat(word: "&&") else { pos = save; break }
            if terms.isEmpty { terms.append(try toLogical(first)) }
            skipBlank()
            terms.append(try toLogical(try parseBasic()))
        }
        return terms.isEmpty ? first : .logical(.and(terms))
    }

    /// `basic-expr = paren-expr / comparison-expr / test-expr`; a lone operand is
    /// returned untyped so that function arguments can use it as a value.
    private mutating func parseBasic() throws(JSONPathError) -> JPExpr {
        let start = pos
        if eat("!") {
            skipBlank()
            if peekIs("(") { return .logical(.not(try parseParenthesized())) }
            if peekIs("!") { throw error("'!!' is not allowed: remove both, or write !(...)") }
            let operandStart = pos
            let operand = try parseOperand()
            let save = pos
            skipBlank()
            if comparisonOpAhead() != nil {
                throw error("'!' cannot negate a comparison directly: write !(a == b) or use !=", at: start)
            }
            pos = save
            return .logical(.not(try toLogical(.operand(operand, at: operandStart))))
        }
        if peekIs("(") { return .logical(try parseParenthesized()) }
        let lhs = try parseOperand()
        let save = pos
        skipBlank()
        guard let op = comparisonOpAhead() else {
            pos = save
            return .operand(lhs, at: start)
        }
        pos += op.rawValue.unicodeScalars.count
        skipBlank()
        let rhsStart = pos
        let rhs = try parseOperand()
        let left = try toComparable(lhs, at: start, side: "left", op: op)
        let right = try toComparable(rhs, at: rhsStart, side: "right", op: op)
        return .logical(.comparison(left, op, right))
    }

    /// `"(" S logical-expr S ")"`
    private mutating func parseParenthesized() throws(JSONPathError) -> JPLogical {
        let open = pos
        pos += 1
        try enter()
        skipBlank()
        let inner = try parseLogicalExpr()
        skipBlank()
        guard eat(")") else {
            if atEnd || peekIs("]") { throw error("expected ')' to close the '(' at column \(error("", at: open).offset + 1)") }
            throw error("expected ')', '&&' or '||', found \(found())")
        }
        leave()
        return inner
    }

    private func comparisonOpAhead() -> JPComparisonOp? {
        guard let c = peek() else { return nil }
        let next = peek(1)
        switch c {
        case "=": return next == "=" ? .equal : nil
        case "!": return next == "=" ? .notEqual : nil
        case "<": return next == "=" ? .lessOrEqual : .less
        case ">": return next == "=" ? .greaterOrEqual : .greater
        default: return nil
        }
    }

    /// A literal, a query (`$...` or `@...`) or a function call.
    private mutating func parseOperand() throws(JSONPathError) -> JPOperand {
        guard let c = peek() else { throw error("expected an expression, found end of query") }
        switch c {
        case "$", "@":
            pos += 1
            return .query(JPQuery(isAbsolute: c == "$", segments: try parseSegments()))
        case "'", "\"":
            return .literal(.string(try parseStringLiteral()))
        case "-", "0"..."9":
            return .literal(try parseNumberLiteral())
        case "a"..."z":
            let start = pos
            var view = String.UnicodeScalarView()
            while let d = peek(), ("a"..."z").contains(d) || d == "_" || Self.isDigit(d) {
                view.append(d)
                pos += 1
            }
            let name = String(view)
            if peekIs("(") { return try parseFunctionCall(name: name, at: start) }
            switch name {
            case "true": return .literal(.bool(true))
            case "false": return .literal(.bool(false))
            case "null": return .literal(.null)
            default: break
            }
            if Self.isBlank(peek()), JPFunction(rawValue: name) != nil {
                throw error("no whitespace is allowed between a function name and '('")
            }
            if Self.isNameChar(peek()) {
                throw error("unexpected \(found()): function names are lowercase letters, digits and '_'")
            }
            throw error("unexpected '\(name)': expected a query (@.\(name)), a literal or a function call", at: start)
        default:
            if c == "T" || c == "F" || c == "N" {
                throw error("true, false and null must be lowercase")
            }
            throw error("expected a query (@ or $), a literal or a function call, found \(found())")
        }
    }

    /// `function-expr = function-name "(" S [function-argument *(S "," S function-argument)] S ")"`
    private mutating func parseFunctionCall(name: String, at start: Int) throws(JSONPathError) -> JPOperand {
        guard let function = JPFunction(rawValue: name) else {
            throw error("unknown function '\(name)': available are length, count, match, search and value", at: start)
        }
        pos += 1  // "("
        try enter()
        skipBlank()
        var raw: [JPExpr] = []
        if !eat(")") {
            while true {
                raw.append(try parseOr())
                skipBlank()
                if eat(",") { skipBlank(); continue }
                if eat(")") { break }
                throw error("expected ',' or ')' in the arguments of \(name)(), found \(found())")
            }
        }
        leave()
        let params = function.parameters
        guard raw.count == params.count else {
            throw error("\(name)() takes \(params.count) argument\(params.count == 1 ? "" : "s"), but \(raw.count) \(raw.count == 1 ? "was" : "were") given", at: start)
        }
        var arguments: [JPArgument] = []
        for (k, (expr, type)) in zip(raw, params).enumerated() {
            arguments.append(try toArgument(expr, type: type, function: name, index: k + 1, callStart: start))
        }
        var call = JPFunctionCall(function: function, arguments: arguments, literalRegex: nil)
        if function == .match || function == .search, case .value(.literal(.string(let pattern))) = arguments[1] {
            call.literalRegex = .some(JPRegexCache.shared.regex(for: pattern))
        }
        return .function(call, function.resultType)
    }

    // MARK: Typing

    /// Gives an expression LogicalType, as a test-expr or operand of `!`, `&&`, `||`.
    private func toLogical(_ expr: JPExpr) throws(JSONPathError) -> JPLogical {
        switch expr {
        case .logical(let l): return l
        case .operand(.query(let q), _): return .exists(q)
        case .operand(.function(let call, let type), let at):
            if type == .value {
                throw error("\(call.function.rawValue)() returns a ValueType and cannot be used as a test: compare it, e.g. \(call.function.rawValue)(...) == 1", at: at)
            }
            return .function(call)
        case .operand(.literal, let at):
            throw error("a literal cannot be used as a test: compare it, e.g. @.x == true", at: at)
        }
    }

    private func toComparable(_ operand: JPOperand, at: Int, side: String, op: JPComparisonOp) throws(JSONPathError) -> JPComparable {
        switch operand {
        case .literal(let v): return .literal(v)
        case .query(let q):
            guard q.isSingular else {
                throw error("the \(side) side of '\(op.rawValue)' is not a singular query: only names and indices (no '..', '*', slices or filters) can be compared", at: at)
            }
            return .query(q)
        case .function(let call, let type):
            guard type == .value else {
                throw error("\(call.function.rawValue)() returns a \(type) and cannot be compared: use it alone as a test", at: at)
            }
            return .function(call)
        }
    }

    private func toArgument(_ expr: JPExpr, type: JPType, function: String, index: Int, callStart: Int) throws(JSONPathError) -> JPArgument {
        let what = "argument \(index) of \(function)() must be a \(type)"
        switch (type, expr) {
        case (.value, .operand(let operand, let at)):
            switch operand {
            case .literal(let v): return .value(.literal(v))
            case .query(let q):
                guard q.isSingular else {
                    throw error("\(what): use a singular query (names and indices only), not a query that can select several nodes", at: at)
                }
                return .value(.query(q))
            case .function(let call, let t):
                guard t == .value else { throw error("\(what), but \(call.function.rawValue)() returns a \(t)", at: at) }
                return .value(.function(call))
            }
        case (.value, .logical):
            throw error("\(what), but a logical expression was given", at: callStart)
        case (.logical, _):
            return .logical(try toLogical(expr))
        case (.nodes, .operand(.query(let q), _)):
            return .nodes(.query(q))
        case (.nodes, .operand(.function(let call, let t), let at)):
            guard t == .nodes else { throw error("\(what) (a query), but \(call.function.rawValue)() returns a \(t)", at: at) }
            return .nodes(.function(call))
        case (.nodes, .operand(.literal, let at)):
            throw error("\(what): pass a query such as @.items, not a literal", at: at)
        case (.nodes, .logical):
            throw error("\(what): pass a query such as @.items, not a logical expression", at: callStart)
        }
    }
}
