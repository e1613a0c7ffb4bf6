import CLibXML2

/// An XML document read into plain Swift values with libxml2's parser, for code
/// that reads a document whole and writes it again (`fathom merge-reports`):
/// elements with their attributes in order, text, and the processing instructions
/// before the root. Whitespace-only text between elements (indentation) is dropped,
/// so `write(to:)` through an indenting `XMLWriter` gives the layout back.
/// Parsed without network access and without entity substitution.
public struct XMLNode: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case element
        case text
        case processingInstruction
    }

    public var kind: Kind
    /// The element's name, or the processing instruction's target.
    public var name: String
    public var attributes: [(name: String, value: String)]
    public var children: [XMLNode]
    /// The text, or the processing instruction's content.
    public var text: String

    public init(element name: String, attributes: [(name: String, value: String)] = [], children: [XMLNode] = []) {
        kind = .element
        self.name = name
        self.attributes = attributes
        self.children = children
        text = ""
    }

    /// A text node.
    public init(text: String) {
        self.init(kind: .text, name: "", text: text)
    }

    init(kind: Kind, name: String, text: String) {
        self.kind = kind
        self.name = name
        attributes = []
        children = []
        self.text = text
    }

    public static func == (a: XMLNode, b: XMLNode) -> Bool {
        a.kind == b.kind && a.name == b.name && a.text == b.text && a.children == b.children
            && a.attributes.map(\.name) == b.attributes.map(\.name) && a.attributes.map(\.value) == b.attributes.map(\.value)
    }

    /// The value of an attribute.
    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// Sets an attribute in place (or adds it at the end).
    public mutating func setAttribute(_ name: String, _ value: String) {
        if let i = attributes.firstIndex(where: { $0.name == name }) {
            attributes[i].value = value
        } else {
            attributes.append((name, value))
        }
    }

    /// The child elements with a name.
    public func elements(named name: String) -> [XMLNode] {
        children.filter { $0.kind == .element && $0.name == name }
    }

    /// Writes the node (and everything under it) through `writer`.
    public func write(to writer: XMLWriter) throws(XMLError) {
        switch kind {
        case .text: try writer.text(text)
        case .processingInstruction: try writer.processingInstruction(name, text)
        case .element:
            try writer.startElement(name)
            for a in attributes { try writer.attribute(a.name, a.value) }
            for child in children { try child.write(to: writer) }
            try writer.endElement()
        }
    }
}

public enum XMLTree {
    /// The processing instructions before the root element, and the root element.
    public static func parse(_ bytes: [UInt8], name: String = "document.xml") throws(XMLError) -> (prologue: [XMLNode], root: XMLNode) {
        LibXML2.prepare()
        xmlResetLastError()
        guard !bytes.isEmpty, bytes.count <= Int(Int32.max) else { throw XMLError("\(name) is empty or too large to read as XML") }
        let doc: xmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOBLANKS.rawValue)
                return xmlReadMemory(chars, Int32(buffer.count), name, nil, options)
            }
        }
        guard let doc else {
            let detail = LibXML2.lastErrorMessage().map { ": \($0)" } ?? ""
            throw XMLError("\(name) is not well-formed XML\(detail)")
        }
        defer { xmlFreeDoc(doc) }
        var prologue: [XMLNode] = []
        var root: XMLNode?
        var child = doc.pointee.children
        while let node = child {
            switch node.pointee.type {
            case XML_PI_NODE where root == nil:
                prologue.append(XMLNode(kind: .processingInstruction, name: LibXML2.string(node.pointee.name) ?? "", text: content(node)))
            case XML_ELEMENT_NODE:
                root = element(node)
            default:
                break
            }
            child = node.pointee.next
        }
        guard let root else { throw XMLError("\(name) has no root element") }
        return (prologue, root)
    }

    private static func content(_ node: xmlNodePtr) -> String {
        guard let raw = xmlNodeGetContent(node) else { return "" }
        defer { fathom_xml_free(raw) }
        return String(cString: raw)
    }

    private static func element(_ node: xmlNodePtr) -> XMLNode {
        var out = XMLNode(element: LibXML2.string(node.pointee.name) ?? "")
        var attr = node.pointee.properties
        while let a = attr {
            let name = LibXML2.string(a.pointee.name) ?? ""
            var value = ""
            if let raw = xmlNodeListGetString(node.pointee.doc, a.pointee.children, 1) {
                value = String(cString: raw)
                fathom_xml_free(raw)
            }
            out.attributes.append((name, value))
            attr = a.pointee.next
        }
        var child = node.pointee.children
        while let c = child {
            switch c.pointee.type {
            case XML_ELEMENT_NODE: out.children.append(element(c))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                let text = content(c)
                // Indentation between elements is layout, not content.
                if !text.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }) || c.pointee.parent?.pointee.children == c && c.pointee.next == nil {
                    if !text.isEmpty { out.children.append(XMLNode(kind: .text, name: "", text: text)) }
                }
            default: break
            }
            child = c.pointee.next
        }
        return out
    }
}
