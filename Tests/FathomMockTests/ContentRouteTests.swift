import CompressNIO
import NIOCore
import FathomCore
import Foundation
import Testing

@testable import FathomMock

@Suite("Content, cookie, redirect and compression routes")
struct ContentRouteTests {
    @Test(arguments: [200, 201, 400, 404, 418, 500, 503])
    func statusCodes(code: Int) async throws {
        try await withServer { server in
            let response = try await HTTPTestClient.send("\(server.baseURL)/status/\(code)")
            #expect(response.status == code)
            #expect(try response.json() == ["status": .integer(Int64(code))])
        }
    }

    @Test func statusWithoutBodyAndInvalid() async throws {
        try await withServer { server in
            let noContent = try await HTTPTestClient.send("\(server.baseURL)/status/204")
            #expect(noContent.status == 204)
            #expect(noContent.body.isEmpty)
            let invalid = try await HTTPTestClient.send("\(server.baseURL)/status/abc")
            #expect(invalid.status == 400)
        }
    }

    @Test func delay() async throws {
        try await withServer { server in
            let start = ContinuousClock.now
            let response = try await HTTPTestClient.send("\(server.baseURL)/delay/0.3")
            #expect(ContinuousClock.now - start >= .milliseconds(300))
            #expect(try response.json() == ["delay": "0.3"])
            let bad = try await HTTPTestClient.send("\(server.baseURL)/delay/-1")
            #expect(bad.status == 400)
        }
    }

    @Test func cookiesListSetAndDelete() async throws {
        try await withServer { server in
            let listed = try await HTTPTestClient.send("\(server.baseURL)/cookies", headers: ["Cookie": "foo1=bar1; foo2=bar2"])
            #expect(try listed.json() == ["cookies": ["foo1": "bar1", "foo2": "bar2"]])
            let empty = try await HTTPTestClient.send("\(server.baseURL)/cookies")
            #expect(try empty.json() == ["cookies": [:]])

            let set = try await HTTPTestClient.raw(
                port: server.port!, "GET /cookies/set?foo1=bar1&foo2=bar2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            )
            #expect(set.head.hasPrefix("HTTP/1.1 302"))
            #expect(set.headers.first { $0.0 == "location" }?.1 == "/cookies")
            #expect(set.headers.filter { $0.0 == "set-cookie" }.map(\.1) == ["foo1=bar1; Path=/", "foo2=bar2; Path=/"])

            let deleted = try await HTTPTestClient.raw(
                port: server.port!, "GET /cookies/delete?foo1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            )
            #expect(deleted.head.hasPrefix("HTTP/1.1 302"))
            let cookie = try #require(deleted.headers.first { $0.0 == "set-cookie" }?.1)
            #expect(cookie.hasPrefix("foo1=;"))
            #expect(cookie.contains("Expires=Thu, 01 Jan 1970 00:00:00 GMT"))
        }
    }

    @Test func responseHeaders() async throws {
        try await withServer { server in
            let response = try await HTTPTestClient.send("\(server.baseURL)/response-headers?foo1=bar1&foo2=bar2")
            #expect(response.header("foo1") == "bar1")
            #expect(response.header("foo2") == "bar2")
            #expect(try response.json() == ["foo1": "bar1", "foo2": "bar2"])
        }
    }

    @Test func redirectChain() async throws {
        try await withServer { server in
            let first = try await HTTPTestClient.send("\(server.baseURL)/redirect/3", followRedirects: false)
            #expect(first.status == 302)
            #expect(first.header("location") == "/redirect/2")
            let last = try await HTTPTestClient.send("\(server.baseURL)/redirect/1", followRedirects: false)
            #expect(last.header("location") == "/get")
            let followed = try await HTTPTestClient.send("\(server.baseURL)/redirect/3")
            #expect(followed.status == 200)
            #expect(try followed.json()["url"] == .string("\(server.baseURL)/get"))
        }
    }

    @Test func redirectTo() async throws {
        try await withServer { server in
            let target = "\(server.baseURL)/get?x=1"
            let encoded = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let response = try await HTTPTestClient.send(
                "\(server.baseURL)/redirect-to?url=\(encoded)&status_code=307", followRedirects: false
            )
            #expect(response.status == 307)
            #expect(response.header("location") == target)
            let followed = try await HTTPTestClient.send("\(server.baseURL)/redirect-to?url=\(encoded)")
            #expect(try followed.json()["args"] == ["x": "1"])
            let missing = try await HTTPTestClient.send("\(server.baseURL)/redirect-to")
            #expect(missing.status == 400)
        }
    }

    @Test func gzipAndDeflateDecodeInURLSession() async throws {
        try await withServer { server in
            let gzip = try await HTTPTestClient.send("\(server.baseURL)/gzip", headers: ["Accept-Encoding": "gzip"])
            #expect(gzip.status == 200)
            #expect(try gzip.json()["gzipped"] == true)
            let deflate = try await HTTPTestClient.send("\(server.baseURL)/deflate", headers: ["Accept-Encoding": "deflate"])
            #expect(deflate.status == 200)
            #expect(try deflate.json()["deflated"] == true)
        }
    }

    @Test func gzipAndDeflateRawStreams() async throws {
        try await withServer { server in
            let gzip = try await HTTPTestClient.raw(port: server.port!, "GET /gzip HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(gzip.headers.first { $0.0 == "content-encoding" }?.1 == "gzip")
            #expect(Array(gzip.body.prefix(3)) == [0x1f, 0x8b, 0x08])
            let plain = try #require(TestInflate.gunzip(gzip.body))
            #expect(try JSONParser.parse(plain)["gzipped"] == true)

            let deflate = try await HTTPTestClient.raw(port: server.port!, "GET /deflate HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(deflate.headers.first { $0.0 == "content-encoding" }?.1 == "deflate")
            let inflated = try #require(TestInflate.unzlib(deflate.body))
            #expect(try JSONParser.parse(inflated)["deflated"] == true)
        }
    }

    @Test func compressionIsRealDeflate() throws {
        // Repetitive data must shrink (stored blocks would grow it) and come back intact.
        let data = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 % 97) }
        let gz = try #require(Compression.gzip(data))
        let zl = try #require(Compression.zlib(data))
        #expect(gz.count < data.count / 10)
        #expect(zl.count < data.count / 10)
        #expect(TestInflate.gunzip(gz) == data)
        #expect(TestInflate.unzlib(zl) == data)
        #expect(TestInflate.gunzip(try #require(Compression.gzip([]))) == [])
    }

    @Test func bytesLengthAndDeterminism() async throws {
        try await withServer { server in
            let a = try await HTTPTestClient.send("\(server.baseURL)/bytes/1000")
            let b = try await HTTPTestClient.send("\(server.baseURL)/bytes/1000")
            #expect(a.status == 200)
            #expect(a.header("content-type") == "application/octet-stream")
            #expect(a.body.count == 1000)
            #expect(a.body == b.body)
            #expect(Set(a.body).count > 100)  // looks random
            let big = try await HTTPTestClient.send("\(server.baseURL)/bytes/300000")
            #expect(big.body.count == 300_000)
            #expect(Array(big.body.prefix(1000)) == a.body)
            let seeded = try await HTTPTestClient.send("\(server.baseURL)/bytes/1000?seed=7")
            #expect(seeded.body != a.body)
            let tooMany = try await HTTPTestClient.send("\(server.baseURL)/bytes/200000000")
            #expect(tooMany.status == 400)
        }
    }

    @Test func ipTimeUTF8AndXML() async throws {
        try await withServer { server in
            let ip = try await HTTPTestClient.send("\(server.baseURL)/ip")
            #expect(try ip.json() == ["ip": "127.0.0.1"])

            let time = try await HTTPTestClient.send("\(server.baseURL)/time/now")
            #expect(time.status == 200)
            #expect(time.text.hasSuffix(" GMT"))
            #expect(time.text.count == "Sun, 06 Nov 1994 08:49:37 GMT".count)

            let utf8 = try await HTTPTestClient.send("\(server.baseURL)/encoding/utf8")
            #expect(utf8.header("content-type") == "text/html; charset=utf-8")
            #expect(utf8.text.contains("∮ E⋅da = Q"))

            let xml = try await HTTPTestClient.send("\(server.baseURL)/xml")
            #expect(xml.header("content-type") == "application/xml")
            #expect(xml.text.contains("<slideshow title=\"Sample Slide Show\""))
        }
    }

    @Test func httpDateFormatting() {
        #expect(CivilDate.httpDate(secondsSince1970: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(CivilDate.httpDate(secondsSince1970: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(CivilDate.httpDate(secondsSince1970: 1_709_251_199) == "Thu, 29 Feb 2024 23:59:59 GMT")
        #expect(CivilDate.httpDate(secondsSince1970: -1) == "Wed, 31 Dec 1969 23:59:59 GMT")
        #expect(CivilDate.parseHTTPDate("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(CivilDate.parseHTTPDate("Sunday, 06-Nov-94 08:49:37 GMT") == 784_111_777)
        #expect(CivilDate.parseHTTPDate("Sun Nov  6 08:49:37 1994") == 784_111_777)
        #expect(CivilDate.parseHTTPDate("Sun, 31 Feb 1994 08:49:37 GMT") == nil)
    }
}

/// Inflates with zlib itself (through compress-nio), independently of how the mock compressed.
enum TestInflate {
    static func gunzip(_ bytes: [UInt8]) -> [UInt8]? { inflate(bytes, .gzip()) }
    static func unzlib(_ bytes: [UInt8]) -> [UInt8]? { inflate(bytes, .zlib()) }

    private static func inflate(_ bytes: [UInt8], _ algorithm: CompressionAlgorithm) -> [UInt8]? {
        var buffer = ByteBuffer(bytes: bytes)
        guard let out = try? buffer.decompress(with: algorithm) else { return nil }
        return Array(out.readableBytesView)
    }
}
