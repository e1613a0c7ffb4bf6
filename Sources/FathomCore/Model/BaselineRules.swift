/// What a baseline comparison (`fathom run --compare-baseline`) leaves out or compares
/// without order, written as `"baseline"` in collection.json, a folder.json or a request
/// file. The lists of every level above a request add up.
public struct BaselineRules: Sendable {
    /// JSONPath queries (RFC 9535) into the response body whose nodes are not compared:
    /// values that change on every call, such as `$..updated_at`.
    public var ignore: [String] = []
    /// JSONPath queries selecting arrays whose order does not matter.
    public var unordered: [String] = []
    /// Response headers recorded and compared besides `Content-Type`.
    public var headers: [String] = []

    public init(ignore: [String] = [], unordered: [String] = [], headers: [String] = []) {
        self.ignore = ignore
        self.unordered = unordered
        self.headers = headers
    }

    /// These rules followed by `other`'s.
    public func adding(_ other: BaselineRules?) -> BaselineRules {
        guard let other else { return self }
        return BaselineRules(ignore: ignore + other.ignore, unordered: unordered + other.unordered, headers: headers + other.headers)
    }
}
