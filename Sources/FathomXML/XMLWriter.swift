import CLibXML2

/// A libxml2 failure while writing XML.
public struct XMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Streams an XML document into memory with libxml2's `xmlTextWriter`.
///
/// Text and attribute values are escaped by libxml2 and sanitised first (characters
/// XML 1.0 forbids become `\uXXXX`), so the output is always well-formed.
///
///     let w = try XMLWriter(indent: true)
///     try w.startDocument()
///     try w.startElement("testsuites")
///     try w.attribute("name", "API <v2>")
///     try w.endElement()
///     try w.endDocument()
///     print(w.result())   // <?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="API &lt;v2&gt;"/>
public final class XMLWriter {
    private let buffer: xmlBufferPtr
    private let writer: xmlTextWriterPtr
    private var openElements: [String] = []

    /// - Parameters:
    ///   - indent: pretty-print nested elements.
    ///   - indentString: the unit of indentation (two spaces by default).
    public init(indent: Bool = true, indentString: String = "  ") throws(XMLError) {
        LibXML2.prepare()
        guard let buffer = xmlBufferCreate() else { throw XMLError("xmlBufferCreate failed: out of memory") }
        guard let writer = xmlNewTextWriterMemory(buffer, 0) else {
            xmlBufferFree(buffer)
            throw XMLError("xmlNewTextWriterMemory failed")
        }
        self.buffer = buffer
        self.writer = writer
        if indent {
            try check(xmlTextWriterSetIndent(writer, 1), "xmlTextWriterSetIndent")
            try LibXML2.withXMLChars(indentString) { (s) throws(XMLError) in
                try check(xmlTextWriterSetIndentString(writer, s), "xmlTextWriterSetIndentString")
            }
        }
    }

    deinit {
        xmlFreeTextWriter(writer)
        xmlBufferFree(buffer)
    }

    /// Writes the XML declaration (`<?xml version="1.0" encoding="UTF-8"?>`).
    public func startDocument(encoding: String = "UTF-8") throws(XMLError) {
        LibXML2.prepare()
        let rc = encoding.withCString { enc in xmlTextWriterStartDocument(writer, "1.0", enc, nil) }
        try check(rc, "xmlTextWriterStartDocument")
    }

    /// Opens an element; attributes may follow until content is written.
    public func startElement(_ name: String) throws(XMLError) {
        try validateName(name)
        try LibXML2.withXMLChars(name) { (n) throws(XMLError) in
            try check(xmlTextWriterStartElement(writer, n), "xmlTextWriterStartElement(\(name))")
        }
        openElements.append(name)
    }

    /// Adds an attribute to the element just opened. The value is escaped and sanitised.
    public func attribute(_ name: String, _ value: String) throws(XMLError) {
        try validateName(name)
        let clean = XMLText.sanitize(value)
        try LibXML2.withXMLChars(name) { (n) throws(XMLError) in
            try LibXML2.withXMLChars(clean) { (v) throws(XMLError) in
                try check(xmlTextWriterWriteAttribute(writer, n, v), "xmlTextWriterWriteAttribute(\(name))")
            }
        }
    }

    /// Writes character data, escaped and sanitised.
    public func text(_ content: String) throws(XMLError) {
        let clean = XMLText.sanitize(content)
        try LibXML2.withXMLChars(clean) { (t) throws(XMLError) in
            try check(xmlTextWriterWriteString(writer, t), "xmlTextWriterWriteString")
        }
    }

    /// Writes a CDATA section; `]]>` inside the content is split across sections.
    public func cdata(_ content: String) throws(XMLError) {
        let clean = XMLText.sanitize(content)
        let parts = clean.split(separator: "]]>", omittingEmptySubsequences: false)
        for (n, part) in parts.enumerated() {
            // Rejoin "]]" + ">" across two sections: "]]" ends one, ">" starts the next.
            var piece = String(part)
            if n > 0 { piece = ">" + piece }
            if n < parts.count - 1 { piece += "]]" }
            try LibXML2.withXMLChars(piece) { (t) throws(XMLError) in
                try check(xmlTextWriterWriteCDATA(writer, t), "xmlTextWriterWriteCDATA")
            }
        }
    }

    /// Writes a comment (`--` is made safe).
    public func comment(_ content: String) throws(XMLError) {
        var clean = XMLText.sanitize(content)
        while clean.contains("--") { clean = clean.replacingAll("--", with: "- -") }
        if clean.hasSuffix("-") { clean += " " }
        try LibXML2.withXMLChars(clean) { (t) throws(XMLError) in
            try check(xmlTextWriterWriteComment(writer, t), "xmlTextWriterWriteComment")
        }
    }

    /// Writes a processing instruction, `<?target content?>` (`?>` inside the
    /// content is made safe).
    public func processingInstruction(_ target: String, _ content: String) throws(XMLError) {
        try validateName(target)
        let clean = XMLText.sanitize(content).replacingAll("?>", with: "? >")
        try LibXML2.withXMLChars(target) { (t) throws(XMLError) in
            try LibXML2.withXMLChars(clean) { (c) throws(XMLError) in
                try check(xmlTextWriterWritePI(writer, t, c), "xmlTextWriterWritePI")
            }
        }
    }

    /// Closes the innermost open element.
    public func endElement() throws(XMLError) {
        guard let name = openElements.popLast() else { throw XMLError("endElement with no open element") }
        try check(xmlTextWriterEndElement(writer), "xmlTextWriterEndElement(\(name))")
    }

    /// Closes every open element and ends the document.
    public func endDocument() throws(XMLError) {
        openElements.removeAll()
        try check(xmlTextWriterEndDocument(writer), "xmlTextWriterEndDocument")
    }

    /// Convenience: an element with attributes and optional text, closed at once.
    public func element(_ name: String, attributes: [(String, String)] = [], text content: String? = nil) throws(XMLError) {
        try startElement(name)
        for (k, v) in attributes { try attribute(k, v) }
        if let content { try text(content) }
        try endElement()
    }

    /// The document written so far (flushes the writer first).
    public func result() -> String {
        _ = xmlTextWriterFlush(writer)
        guard let content = xmlBufferContent(buffer) else { return "" }
        return String(cString: content)
    }

    /// The text written since the last call (or the start), removed from the
    /// buffer: a long document can be handed on piece by piece while the writer
    /// keeps its place (open elements, indentation).
    public func takeOutput() -> String {
        _ = xmlTextWriterFlush(writer)
        guard let content = xmlBufferContent(buffer) else { return "" }
        let text = String(cString: content)
        xmlBufferEmpty(buffer)
        return text
    }

    private func check(_ rc: Int32, _ call: String) throws(XMLError) {
        if rc < 0 {
            let detail = LibXML2.lastErrorMessage().map { ": \($0)" } ?? ""
            throw XMLError("\(call) failed (\(rc))\(detail)")
        }
    }

    /// Element and attribute names are chosen by code, not data; reject the obviously wrong.
    private func validateName(_ name: String) throws(XMLError) {
        // Fast path: the ASCII names reporters write (`testcase`, `name`, ...).
        var ascii = !name.isEmpty
        var first = true
        for b in name.utf8 {
            let letter = (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F || b == 0x3A
            let other = (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x2E
            if !(letter || (!first && other)) {
                ascii = false
                break
            }
            first = false
        }
        if ascii { return }
        guard let first = name.unicodeScalars.first,
            first == "_" || first == ":" || first.properties.isAlphabetic,
            name.unicodeScalars.allSatisfy({ $0 == "_" || $0 == ":" || $0 == "-" || $0 == "." || $0.properties.isAlphabetic || ("0"..."9").contains($0) })
        else { throw XMLError("invalid XML name: \(name.debugDescription)") }
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
