// Logical expressions and comparisons in filters (RFC 9535 §2.3.5.2).

extension JPLogical {
    /// Evaluates the expression with `@` bound to `current`.
    func test(root: JSON, current: JSON) -> Bool {
        switch self {
        case .or(let terms):
            for t in terms where t.test(root: root, current: current) { return true }
            return false
        case .and(let terms):
            for t in terms where !t.test(root: root, current: current) { return false }
            return true
        case .not(let inner):
            return !inner.test(root: root, current: current)
        case .comparison(let l, let op, let r):
            return JPCompare.compare(l.evaluate(root: root, current: current), op,
                                     r.evaluate(root: root, current: current))
        case .exists(let q):
            return JPEvaluator<JPNoPath>.exists(q, root: root, current: current)
        case .function(let call):
            if call.function.resultType == .nodes {
                return !call.evaluateNodes(root: root, current: current).isEmpty
            }
            return call.evaluateLogical(root: root, current: current)
        }
    }
}

/// Comparison semantics of RFC 9535 §2.3.5.2.2. `nil` is Nothing (an empty nodelist).
enum JPCompare {
    static func compare(_ a: JPValue, _ op: JPComparisonOp, _ b: JPValue) -> Bool {
        switch op {
        case .equal: return equal(a, b)
        case .notEqual: return !equal(a, b)
        case .less: return less(a, b)
        case .lessOrEqual: return less(a, b) || equal(a, b)
        case .greater: return less(b, a)
        case .greaterOrEqual: return less(b, a) || equal(a, b)
        }
    }

    static func equal(_ a: JPValue, _ b: JPValue) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case let (x?, y?): return equal(x, y)
        default: return false
        }
    }

    /// `<` holds only between two numbers or two strings.
    static func less(_ a: JPValue, _ b: JPValue) -> Bool {
        switch (a, b) {
        case let (.string(x)?, .string(y)?):
            // UTF-8 byte order is Unicode scalar order.
            return x.utf8.lexicographicallyPrecedes(y.utf8)
        case let (x?, y?) where x.isNumber && y.isNumber:
            return compareNumbers(x, y) == .less
        default:
            return false
        }
    }

    /// Deep equality: numbers by value, strings by Unicode scalars (not by
    /// canonical equivalence, as Swift's `==` would), objects regardless of order.
    static func equal(_ a: JSON, _ b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.string(x), .string(y)): return x.utf8.elementsEqual(y.utf8)
        case (.integer, _), (.double, _):
            return b.isNumber && compareNumbers(a, b) == .equal
        case let (.array(x), .array(y)):
            guard x.count == y.count else { return false }
            for i in x.indices where !equal(x[i], y[i]) { return false }
            return true
        case let (.object(x), .object(y)):
            guard x.count == y.count else { return false }
            for (k, v) in x.members {
                guard let w = y[k], equal(v, w) else { return false }
            }
            return true
        default:
            return false
        }
    }

    enum Order { case less, equal, greater, unordered }

    /// Exact numeric comparison, including 64-bit integers against doubles.
    static func compareNumbers(_ a: JSON, _ b: JSON) -> Order {
        switch (a, b) {
        case let (.integer(x), .integer(y)): return x < y ? .less : (x == y ? .equal : .greater)
        case let (.double(x), .double(y)): return doubleOrder(x, y)
        case let (.integer(x), .double(y)): return intDouble(x, y)
        case let (.double(x), .integer(y)):
            switch intDouble(y, x) {
            case .less: return .greater
            case .greater: return .less
            case let other: return other
            }
        default: return .unordered
        }
    }

    private static func doubleOrder(_ x: Double, _ y: Double) -> Order {
        if x < y { return .less }
        if x > y { return .greater }
        if x == y { return .equal }
        return .unordered
    }

    /// Compares an Int64 with a Double without losing precision.
    private static func intDouble(_ x: Int64, _ y: Double) -> Order {
        if y.isNaN { return .unordered }
        if y >= 9_223_372_036_854_775_808.0 { return .less }  // 2^63
        if y < -9_223_372_036_854_775_808.0 { return .greater }
        let t = y.rounded(.towardZero)
        let ty = Int64(t)
        if x < ty { return .less }
        if x > ty { return .greater }
        // Same integral part: the fraction decides.
        let frac = y - t
        if frac > 0 { return .less }
        if frac < 0 { return .greater }
        return .equal
    }
}
