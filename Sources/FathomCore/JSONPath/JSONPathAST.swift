// The syntax tree of a compiled JSONPath query (RFC 9535). Everything here is
// immutable and built once by `JPParser`; the evaluator only reads it.

/// A query: `$` or `@` followed by segments.
struct JPQuery: Sendable {
    /// `true` for `$`, `false` for `@` (only allowed inside filters).
    var isAbsolute: Bool
    var segments: [JPSegment]
    /// The steps when the query is a singular query (names and indices only, no
    /// descendants): such queries are evaluated without building nodelists.
    var singularSteps: [JPSingularStep]?

    init(isAbsolute: Bool, segments: [JPSegment]) {
        self.isAbsolute = isAbsolute
        self.segments = segments
        var steps: [JPSingularStep] = []
        var singular = true
        for segment in segments {
            guard !segment.isDescendant, segment.selectors.count == 1 else { singular = false; break }
            switch segment.selectors[0] {
            case .name(let n): steps.append(.name(n))
            case .index(let i): steps.append(.index(i))
            default: singular = false
            }
            if !singular { break }
        }
        self.singularSteps = singular ? steps : nil
    }

    var isSingular: Bool { singularSteps != nil }
}

/// One step of a singular query.
enum JPSingularStep: Sendable {
    case name(String)
    case index(Int64)
}

/// A child segment (`[...]`, `.name`, `.*`) or a descendant segment (`..`).
struct JPSegment: Sendable {
    var isDescendant: Bool
    var selectors: [JPSelector]
}

enum JPSelector: Sendable {
    case name(String)
    case wildcard
    case index(Int64)
    case slice(start: Int64?, end: Int64?, step: Int64?)
    case filter(JPLogical)
}

/// A logical expression (LogicalType).
indirect enum JPLogical: Sendable {
    case or([JPLogical])
    case and([JPLogical])
    case not(JPLogical)
    case comparison(JPComparable, JPComparisonOp, JPComparable)
    /// An existence test: true when the query selects at least one node.
    case exists(JPQuery)
    /// A function used as a test: LogicalType result, or NodesType (non-empty is true).
    case function(JPFunctionCall)
}

enum JPComparisonOp: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
}

/// A comparable (ValueType): a literal, a singular query or a function with a ValueType result.
enum JPComparable: Sendable {
    case literal(JSON)
    case query(JPQuery)  // always singular
    case function(JPFunctionCall)
}

/// The declared types of function parameters and results (RFC 9535 §2.4.1).
enum JPType: Sendable, CustomStringConvertible {
    case value, logical, nodes

    var description: String {
        switch self {
        case .value: return "ValueType"
        case .logical: return "LogicalType"
        case .nodes: return "NodesType"
        }
    }
}

/// A well-typed function argument, already converted to its parameter's type.
enum JPArgument: Sendable {
    case value(JPComparable)
    case logical(JPLogical)
    case nodes(JPNodesArgument)
}

/// A NodesType argument: a query, or a function whose result is NodesType.
enum JPNodesArgument: Sendable {
    case query(JPQuery)
    case function(JPFunctionCall)
}

struct JPFunctionCall: Sendable {
    var function: JPFunction
    var arguments: [JPArgument]
    /// For `match`/`search` with a string literal pattern: the regex compiled once
    /// with the query (`nil` inside means the pattern is not a valid I-Regexp).
    var literalRegex: JPCompiledRegex??
}
