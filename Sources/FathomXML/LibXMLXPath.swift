import FathomCore

/// The core's `XPathEvaluating` on libxml2: XPath assertions and captures.
///
/// A node-set of one node gives its string value, several give an array of
/// them, none gives *missing*; numbers, strings and booleans come through typed.
public struct LibXMLXPath: XPathEvaluating {
    public init() {}

    public func evaluate(_ expression: String, body: [UInt8], isHTML: Bool) throws -> JSON? {
        switch try XPathEvaluator.evaluate(expression, onXML: body, isHTML: isHTML) {
        case .nodeSet(let nodes):
            switch nodes.count {
            case 0: return nil
            case 1: return .string(nodes[0])
            default: return .array(nodes.map { .string($0) })
            }
        case .number(let d):
            if d.isNaN { return nil }
            if d.rounded() == d, d.magnitude < 9e15 { return .integer(Int64(d)) }
            return .double(d)
        case .string(let s): return .string(s)
        case .boolean(let b): return .bool(b)
        }
    }
}
