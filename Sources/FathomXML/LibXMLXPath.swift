import FathomCore

/// The core's `XPathEvaluating` on libxml2: XPath assertions and captures.
///
/// A node-set of one node gives its string value, several give an array of
/// them, none gives *missing*; numbers, strings and booleans come through typed.
public struct LibXMLXPath: XPathEvaluating {
    public init() {}

    public func evaluate(_ expression: String, body: [UInt8], isHTML: Bool) throws -> JSON? {
        let result = try XPathEvaluator.evaluate(expression, onXML: body, isHTML: isHTML)
        switch result {
        case .nodeSet(let nodes):
            switch nodes.count {
            case 0: return nil
            case 1: return .string(nodes[0])
            default: return result.json
            }
        case .number(let d) where d.isNaN:
            return nil
        default:
            return result.json
        }
    }
}
