import CLibXML2
import FathomCore

/// What an XPath expression evaluated to.
public enum XPathResult: Sendable, Equatable {
    /// The string values of the selected nodes, in document order: the text content
    /// of elements (and of the document), the value of attributes, the text of
    /// text/comment/processing-instruction nodes.
    case nodeSet([String])
    case number(Double)
    case string(String)
    case boolean(Bool)
}

extension XPathResult {
    /// The result as a JSON value for assertions: a node-set is an array of strings,
    /// integral numbers are integers, NaN is null.
    public var json: JSON {
        switch self {
        case .nodeSet(let values): return .array(values.map { .string($0) })
        case .string(let s): return .string(s)
        case .boolean(let b): return .bool(b)
        case .number(let d):
            if d.isNaN || d.isInfinite { return .null }
            if d == d.rounded(), d.magnitude < 9e15 { return .integer(Int64(d)) }
            return .double(d)
        }
    }
}

/// Why an XPath expression could not be evaluated.
public struct XPathError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The body is empty or could not be parsed as XML/HTML.
        case notXML
        /// The expression does not compile or fails to evaluate.
        case invalidExpression
        /// libxml2 itself failed (allocation).
        case internalError
    }
    public var kind: Kind
    public var message: String
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
    public var description: String { message }
}

/// Evaluates XPath 1.0 expressions on XML or HTML response bodies with libxml2.
///
///     try XPathEvaluator.evaluate("string(/user/@id)", onXML: Array("<user id='7'/>".utf8), isHTML: false)
///     // .string("7")
///
/// XML is parsed without network access, without loading external DTDs and without
/// substituting entities (no XXE); HTML is parsed in recovery mode. Nothing is
/// printed to stderr.
public struct XPathEvaluator: Sendable {
    public static func evaluate(_ expression: String, onXML body: [UInt8], isHTML: Bool) throws(XPathError) -> XPathResult {
        LibXML2.prepare()
        xmlResetLastError()
        let kind = isHTML ? "HTML" : "XML"
        guard !body.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else {
            throw XPathError(.notXML, "the response body is empty, not \(kind)")
        }
        guard body.count <= Int(Int32.max) else {
            throw XPathError(.notXML, "the response body is too large to parse as \(kind)")
        }

        let doc: xmlDocPtr? = body.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                if isHTML {
                    let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue
                        | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue)
                    return htmlReadMemory(chars, Int32(buffer.count), "response.html", nil, options)
                } else {
                    // No XML_PARSE_NOENT (entities are not substituted) and no
                    // XML_PARSE_DTDLOAD (external DTDs are not fetched): no XXE.
                    let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
                        | XML_PARSE_NOWARNING.rawValue)
                    return xmlReadMemory(chars, Int32(buffer.count), "response.xml", nil, options)
                }
            }
        }
        guard let doc else {
            let detail = LibXML2.lastErrorMessage().map { " (\($0))" } ?? ""
            throw XPathError(.notXML, "the response body is not \(kind)\(detail)")
        }
        defer { xmlFreeDoc(doc) }

        guard let context = xmlXPathNewContext(doc) else {
            throw XPathError(.internalError, "xmlXPathNewContext failed")
        }
        defer { xmlXPathFreeContext(context) }
        registerRootNamespaces(doc: doc, context: context)

        xmlResetLastError()
        let object: xmlXPathObjectPtr? = LibXML2.withXMLChars(expression) { xmlXPathEvalExpression($0, context) }
        guard let object else {
            var detail = LibXML2.lastErrorMessage()
            if detail == nil, let message = context.pointee.lastError.message {
                detail = String(cString: message).trimmingWhitespace()
            }
            throw XPathError(.invalidExpression, "invalid XPath expression \(expression.debugDescription)"
                + (detail.map { ": \($0)" } ?? ""))
        }
        defer { xmlXPathFreeObject(object) }

        switch object.pointee.type {
        case XPATH_NODESET:
            var values: [String] = []
            if let set = object.pointee.nodesetval, let tab = set.pointee.nodeTab {
                let count = Int(set.pointee.nodeNr)
                values.reserveCapacity(count)
                for i in 0..<count {
                    guard let node = tab[i] else { continue }
                    values.append(stringValue(of: node))
                }
            }
            return .nodeSet(values)
        case XPATH_BOOLEAN:
            return .boolean(object.pointee.boolval != 0)
        case XPATH_NUMBER:
            return .number(object.pointee.floatval)
        case XPATH_STRING:
            return .string(LibXML2.string(object.pointee.stringval) ?? "")
        default:
            throw XPathError(.invalidExpression, "XPath expression \(expression.debugDescription) returned an unsupported result type")
        }
    }

    /// The XPath string value of a node (libxml2 allocates it; we free it).
    private static func stringValue(of node: xmlNodePtr) -> String {
        guard let raw = xmlXPathCastNodeToString(node) else { return "" }
        defer { fathom_xml_free(raw) }
        return String(cString: raw)
    }

    /// Makes prefixed namespaces declared on the root element usable in expressions
    /// (`/soap:Envelope/soap:Body`). Unprefixed (default) namespaces cannot be addressed
    /// in XPath 1.0 without a prefix; the default one is registered as `default`.
    private static func registerRootNamespaces(doc: xmlDocPtr, context: xmlXPathContextPtr) {
        guard let root = xmlDocGetRootElement(doc) else { return }
        var ns = root.pointee.nsDef
        while let current = ns {
            if let href = current.pointee.href {
                if let prefix = current.pointee.prefix {
                    _ = xmlXPathRegisterNs(context, prefix, href)
                } else {
                    _ = LibXML2.withXMLChars("default") { xmlXPathRegisterNs(context, $0, href) }
                }
            }
            ns = current.pointee.next
        }
    }
}
