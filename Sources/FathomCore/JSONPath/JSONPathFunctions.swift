// Function extensions (RFC 9535 §2.4): length, count, match, search, value.

/// The functions of the RFC 9535 registry, with their declared types.
enum JPFunction: String, Sendable {
    case length, count, match, search, value

    var parameters: [JPType] {
        switch self {
        case .length: return [.value]
        case .count: return [.nodes]
        case .match, .search: return [.value, .value]
        case .value: return [.nodes]
        }
    }

    var resultType: JPType {
        switch self {
        case .length, .count, .value: return .value
        case .match, .search: return .logical
        }
    }
}

/// The result of evaluating a function or a comparable: a JSON value or Nothing (`nil`).
typealias JPValue = JSON?

extension JPFunctionCall {
    /// Evaluates a function with a ValueType result (`nil` is Nothing).
    func evaluateValue(root: JSON, current: JSON) -> JPValue {
        switch function {
        case .length:
            guard case .value(let arg) = arguments[0] else { return .none }
            switch arg.evaluate(root: root, current: current) {
            case .string(let s)?: return .integer(Int64(s.unicodeScalars.count))
            case .array(let a)?: return .integer(Int64(a.count))
            case .object(let o)?: return .integer(Int64(o.count))
            default: return .none
            }
        case .count:
            guard case .nodes(let arg) = arguments[0] else { return .none }
            return .integer(Int64(arg.count(root: root, current: current)))
        case .value:
            guard case .nodes(let arg) = arguments[0] else { return .none }
            return arg.single(root: root, current: current)
        case .match, .search:
            return .none  // LogicalType: never used as a value (rejected when compiling)
        }
    }

    /// Evaluates a function used as a test: LogicalType results, or NodesType
    /// results converted to true when non-empty.
    func evaluateLogical(root: JSON, current: JSON) -> Bool {
        switch function {
        case .match, .search:
            guard case .value(let subjectArg) = arguments[0], case .value(let patternArg) = arguments[1],
                case .string(let subject)? = subjectArg.evaluate(root: root, current: current)
            else { return false }
            let compiled: JPCompiledRegex?
            if let literal = literalRegex {
                compiled = literal
            } else {
                guard case .string(let pattern)? = patternArg.evaluate(root: root, current: current) else { return false }
                compiled = JPRegexCache.shared.regex(for: pattern)
            }
            guard let compiled else { return false }
            return function == .match ? compiled.matchesWhole(subject) : compiled.containsMatch(in: subject)
        case .length, .count, .value:
            return false  // ValueType: never used as a test (rejected when compiling)
        }
    }

    /// Evaluates a function with a NodesType result. No function of the RFC 9535
    /// registry returns NodesType; this is where one would be added.
    func evaluateNodes(root: JSON, current: JSON) -> [JSON] {
        []
    }
}

extension JPNodesArgument {
    /// The values of the nodelist.
    func nodes(root: JSON, current: JSON) -> [JSON] {
        switch self {
        case .query(let q): return JPEvaluator<JPNoPath>.values(q, root: root, current: current)
        case .function(let call): return call.evaluateNodes(root: root, current: current)
        }
    }

    func count(root: JSON, current: JSON) -> Int {
        if case .query(let q) = self, q.isSingular {
            return JPEvaluator<JPNoPath>.singular(q, root: root, current: current).map { _ in 1 } ?? 0
        }
        return nodes(root: root, current: current).count
    }

    /// The value of the only node, or Nothing if there are zero or several.
    func single(root: JSON, current: JSON) -> JPValue {
        if case .query(let q) = self, q.isSingular {
            return JPEvaluator<JPNoPath>.singular(q, root: root, current: current)
        }
        let list = nodes(root: root, current: current)
        return list.count == 1 ? list[0] : .none
    }
}

extension JPComparable {
    /// The value of a comparable, or Nothing (`nil`).
    func evaluate(root: JSON, current: JSON) -> JPValue {
        switch self {
        case .literal(let v): return v
        case .query(let q): return JPEvaluator<JPNoPath>.singular(q, root: root, current: current)
        case .function(let call): return call.evaluateValue(root: root, current: current)
        }
    }
}
