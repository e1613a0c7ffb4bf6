@testable import FathomPostman
import FathomCore
import Testing

@Suite struct PostmanURLTests {
    @Test func objectURLIsBuiltFromItsParts() throws {
        let url: JSON = try JSONParser.parse(#"""
        {"raw": "ignored", "protocol": "https", "host": ["postman-echo", "com"], "path": ["get", ":id"],
         "query": [{"key": "a", "value": "1"}, {"key": "off", "value": "x", "disabled": true}, {"key": "b", "value": null}],
         "variable": [{"key": "id", "value": "{{item}}"}]}
        """#)
        #expect(PostmanURL.template(from: url) == "https://postman-echo.com/get/{{item}}?a=1&b")
    }
}
