import FathomCore
import Testing

@testable import FathomMock

@Suite("Parsing helpers")
struct ParsingTests {
    @Test func formDecoding() {
        #expect(FormCoding.decode("a+b%20c") == "a b c")
        #expect(FormCoding.decode("100%") == "100%")
        #expect(FormCoding.decode("%zz%4") == "%zz%4")
        #expect(FormCoding.decode("%E2%9C%93") == "✓")
        #expect(FormCoding.object("a=1&a=2&a=3&b&=x") == ["a": ["1", "2", "3"], "b": "", "": "x"])
    }

    @Test func multipartBoundaryAndDisposition() {
        #expect(Multipart.boundary(fromContentType: "multipart/form-data; boundary=\"a b\"") == "a b")
        #expect(Multipart.boundary(fromContentType: "multipart/form-data;charset=utf-8; BOUNDARY=xyz") == "xyz")
        #expect(Multipart.boundary(fromContentType: "multipart/form-data") == nil)
        let parameters = Multipart.dispositionParameters("form-data; name=\"f\"; filename=\"a;b \\\"c\\\".txt\"")
        #expect(parameters.map(\.0) == ["name", "filename"])
        #expect(parameters.map(\.1) == ["f", "a;b \"c\".txt"])
    }

    @Test func multipartWithoutTrailingCRLFAndBinary() {
        let body: [UInt8] =
            Array("preamble\r\n--XX\r\nContent-Disposition: form-data; name=\"bin\"; filename=\"b.bin\"\r\n\r\n".utf8)
            + [0, 255, 13, 10, 45, 45] + Array("\r\n--XX--".utf8)
        let parts = Multipart.parse(body, boundary: "XX")
        #expect(parts.count == 1)
        #expect(parts.first?.filename == "b.bin")
        #expect(parts.first.map { Array($0.body) } == [0, 255, 13, 10, 45, 45])
    }

    @Test func digestParametersAndSessionVariant() {
        let p = AuthRoutes.digestParameters(
            "username=\"postman\", realm=\"Users\", nonce=\"n,1\", uri=\"/digest-auth?a=1,2\", qop=auth, nc=00000001, cnonce=\"c\", algorithm=MD5-sess, response=\"r\""
        )
        #expect(p["nonce"] == "n,1")
        #expect(p["uri"] == "/digest-auth?a=1,2")
        #expect(p["qop"] == "auth")
        #expect(p["algorithm"] == "MD5-sess")
        var good = p
        let ha1 = MD5.hex("\(MD5.hex("postman:Users:password")):n,1:c")
        let ha2 = MD5.hex("GET:/digest-auth?a=1,2")
        good["response"] = MD5.hex("\(ha1):n,1:00000001:c:auth:\(ha2)")
        #expect(AuthRoutes.verifyDigest(parameters: good, method: "GET"))
        #expect(!AuthRoutes.verifyDigest(parameters: good, method: "POST"))
    }
}
