import FathomCore
import FathomXML
import Testing

@Suite struct XPathTests {
    let xml = Array("""
        <?xml version="1.0"?>
        <users count="2">
          <user id="7"><name>Ada</name></user>
          <user id="8"><name>Linus &amp; co</name></user>
        </users>
        """.utf8)

    @Test func elementText() throws {
        let result = try XPathEvaluator.evaluate("/users/user/name", onXML: xml, isHTML: false)
        #expect(result == .nodeSet(["Ada", "Linus & co"]))
    }

    @Test func attributeValue() throws {
        #expect(try XPathEvaluator.evaluate("//user/@id", onXML: xml, isHTML: false) == .nodeSet(["7", "8"]))
        #expect(try XPathEvaluator.evaluate("string(/users/@count)", onXML: xml, isHTML: false) == .string("2"))
    }

    @Test func countAndBoolean() throws {
        #expect(try XPathEvaluator.evaluate("count(//user)", onXML: xml, isHTML: false) == .number(2))
        #expect(try XPathEvaluator.evaluate("count(//user) = 2", onXML: xml, isHTML: false) == .boolean(true))
        #expect(try XPathEvaluator.evaluate("//nothing", onXML: xml, isHTML: false) == .nodeSet([]))
    }

    @Test func resultsAsJSON() throws {
        #expect(try XPathEvaluator.evaluate("count(//user)", onXML: xml, isHTML: false).json == .integer(2))
        #expect(try XPathEvaluator.evaluate("//user/@id", onXML: xml, isHTML: false).json == ["7", "8"])
        #expect(try XPathEvaluator.evaluate("number('x')", onXML: xml, isHTML: false).json == .null)
        #expect(try XPathEvaluator.evaluate("1 div 4", onXML: xml, isHTML: false).json == .double(0.25))
        #expect(try XPathEvaluator.evaluate("true()", onXML: xml, isHTML: false).json == true)
    }

    @Test func invalidExpression() {
        #expect {
            _ = try XPathEvaluator.evaluate("//user[", onXML: xml, isHTML: false)
        } throws: { error in
            guard let e = error as? XPathError else { return false }
            return e.kind == .invalidExpression && e.message.contains("//user[")
        }
    }

    @Test func htmlBody() throws {
        let html = Array("<html><head><title>Hi &amp; bye</title></head><body><p class=x>one<p>two<br></body>".utf8)
        #expect(try XPathEvaluator.evaluate("//title", onXML: html, isHTML: true) == .nodeSet(["Hi & bye"]))
        #expect(try XPathEvaluator.evaluate("count(//p)", onXML: html, isHTML: true) == .number(2))
        #expect(try XPathEvaluator.evaluate("//p/@class", onXML: html, isHTML: true) == .nodeSet(["x"]))
    }

    @Test func nonXMLBody() {
        for body in ["{\"json\": true}", "", "<a><b></a>"] {
            #expect {
                _ = try XPathEvaluator.evaluate("/a", onXML: Array(body.utf8), isHTML: false)
            } throws: { error in
                guard let e = error as? XPathError else { return false }
                return e.kind == .notXML && e.message.contains("not XML")
            }
        }
    }

    @Test func externalEntitiesAreNotExpanded() throws {
        let xxe = Array("""
            <?xml version="1.0"?>
            <!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/hostname">]>
            <r>&x;</r>
            """.utf8)
        let result = try XPathEvaluator.evaluate("string(/r)", onXML: xxe, isHTML: false)
        #expect(result == .string(""))
    }

    @Test func prefixedNamespacesOnTheRoot() throws {
        let soap = Array("""
            <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><v>42</v></s:Body></s:Envelope>
            """.utf8)
        #expect(try XPathEvaluator.evaluate("/s:Envelope/s:Body/v", onXML: soap, isHTML: false) == .nodeSet(["42"]))
    }

    @Test func manyEvaluationsInParallel() async throws {
        let body = xml
        try await withThrowingTaskGroup(of: XPathResult.self) { group in
            for _ in 0..<64 {
                group.addTask { try XPathEvaluator.evaluate("count(//user)", onXML: body, isHTML: false) }
            }
            for try await r in group { #expect(r == .number(2)) }
        }
    }
}

@Suite struct XMLWriterTests {
    @Test func escapesAndSanitises() throws {
        let w = try XMLWriter(indent: true)
        try w.startDocument()
        try w.startElement("root")
        try w.attribute("name", "a<b>&\"c\" 'd'\u{1}\u{FFFE}")
        try w.startElement("child")
        try w.text("x < y && \u{1B}[31m red\ttab")
        try w.endElement()
        try w.startElement("data")
        try w.cdata("keep ]]> this")
        try w.endElement()
        try w.endElement()
        try w.endDocument()
        let out = w.result()
        #expect(out.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<root"))
        #expect(out.contains("name=\"a&lt;b&gt;&amp;&quot;c&quot; 'd'\\u0001\\uFFFE\""))
        #expect(out.contains("<child>x &lt; y &amp;&amp; \\u001B[31m red\ttab</child>"))
        #expect(!out.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
        // The CDATA content reads back whole.
        let parsed = try XPathEvaluator.evaluate("string(/root/data)", onXML: Array(out.utf8), isHTML: false)
        #expect(parsed == .string("keep ]]> this"))
        let name = try XPathEvaluator.evaluate("string(/root/@name)", onXML: Array(out.utf8), isHTML: false)
        #expect(name == .string("a<b>&\"c\" 'd'\\u0001\\uFFFE"))
    }

    @Test func misuseThrows() throws {
        let w = try XMLWriter()
        #expect(throws: XMLError.self) { try w.endElement() }
        #expect(throws: XMLError.self) { try w.startElement("bad name") }
        try w.startDocument()
        try w.startElement("a")
        try w.text("t")
        // An attribute after content is a libxml2 error, reported as XMLError.
        #expect(throws: XMLError.self) { try w.attribute("late", "x") }
    }
}
