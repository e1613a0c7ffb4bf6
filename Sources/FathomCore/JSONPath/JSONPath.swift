/// A compiled RFC 9535 JSONPath query.
///
/// Compile once with ``compile(_:)``, then run it as often as needed with
/// ``select(_:)`` or ``selectNodes(_:)``; the query is parsed and type-checked
/// once, and regular expressions given as literals are compiled with it.
///
/// ```swift
/// let path = try JSONPath.compile("$.items[?@.price < 10].name")
/// let names = path.select(body)
/// ```
public struct JSONPath: Sendable, CustomStringConvertible {
    /// The original query text.
    public let description: String
    let query: JPQuery

    init(text: String, query: JPQuery) {
        self.description = text
        self.query = query
    }

    /// Parses `text` and checks it is well-typed (RFC 9535 §2.4.3).
    public static func compile(_ text: String) throws(JSONPathError) -> JSONPath {
        var parser = JPParser(text)
        let query = try parser.parseQueryText()
        return JSONPath(text: text, query: query)
    }

    /// The values of the resulting nodelist, in nodelist order.
    public func select(_ root: JSON) -> [JSON] {
        JPEvaluator<JPNoPath>.values(query, root: root, current: root)
    }

    /// What an assertion or capture reads: nil for an empty nodelist, the value
    /// of a single node, or the values as an array. A singular query (names and
    /// indices only, the usual `$.data.items[0].id`) is walked without building
    /// any nodelist.
    public func selection(_ root: JSON) -> JSON? {
        if query.isSingular { return JPEvaluator<JPNoPath>.singular(query, root: root, current: root) }
        let values = select(root)
        switch values.count {
        case 0: return nil
        case 1: return values[0]
        default: return .array(values)
        }
    }

    /// The resulting nodelist as (normalized path, value) pairs, e.g. `$['a'][0]`.
    public func selectNodes(_ root: JSON) -> [(path: String, value: JSON)] {
        let nodes = JPEvaluator<JPTrackedPath>.evaluate(query, root: root, current: root)
        return nodes.map { (path: $0.path.normalizedPath, value: $0.value) }
    }
}

/// Why a JSONPath query could not be compiled, and where.
public struct JSONPathError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What is wrong and, when obvious, how to fix it.
    public var message: String
    /// 0-based character offset in the query where the problem is.
    public var offset: Int

    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// For example `invalid JSONPath at column 7: expected ']' ...` (the column is 1-based).
    public var description: String { "invalid JSONPath at column \(offset + 1): \(message)" }
}
