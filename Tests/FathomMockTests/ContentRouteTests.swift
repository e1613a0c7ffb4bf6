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

    @Test func compressionSpansSeveralStoredBlocks() throws {
        let data = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        #expect(TestInflate.gunzip(Compression.gzip(data)) == data)
        #expect(TestInflate.unzlib(Compression.zlib(data)) == data)
        #expect(TestInflate.gunzip(Compression.gzip([])) == [])
        #expect(Compression.crc32(Array("123456789".utf8)) == 0xcbf4_3926)
        #expect(Compression.adler32(Array("Wikipedia".utf8)) == 0x11e6_0398)
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
        #expect(HTTPDate.format(secondsSince1970: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(secondsSince1970: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(secondsSince1970: 1_709_251_199) == "Thu, 29 Feb 2024 23:59:59 GMT")
    }
}

/// An independent inflater for stored (type 00) deflate blocks, to check the encoder's framing.
enum TestInflate {
    static func gunzip(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= 18, bytes[0] == 0x1f, bytes[1] == 0x8b, bytes[2] == 8, bytes[3] == 0 else { return nil }
        guard let (data, end) = inflateStored(bytes, from: 10), end + 8 == bytes.count else { return nil }
        let size = UInt32(bytes[end + 4]) | UInt32(bytes[end + 5]) << 8 | UInt32(bytes[end + 6]) << 16 | UInt32(bytes[end + 7]) << 24
        guard size == UInt32(truncatingIfNeeded: data.count) else { return nil }
        return data
    }

    static func unzlib(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= 6, (UInt16(bytes[0]) << 8 | UInt16(bytes[1])) % 31 == 0, bytes[0] & 0x0f == 8 else { return nil }
        guard let (data, end) = inflateStored(bytes, from: 2), end + 4 == bytes.count else { return nil }
        return data
    }

    private static func inflateStored(_ bytes: [UInt8], from start: Int) -> ([UInt8], Int)? {
        var out: [UInt8] = []
        var i = start
        while true {
            guard i + 5 <= bytes.count, bytes[i] & 0b110 == 0 else { return nil }
            let final = bytes[i] & 1 == 1
            let len = Int(bytes[i + 1]) | Int(bytes[i + 2]) << 8
            let nlen = Int(bytes[i + 3]) | Int(bytes[i + 4]) << 8
            guard len ^ 0xffff == nlen, i + 5 + len <= bytes.count else { return nil }
            out.append(contentsOf: bytes[(i + 5)..<(i + 5 + len)])
            i += 5 + len
            if final { return (out, i) }
        }
    }
}
