import FathomCore
import FathomCurl
import Foundation
import Testing

/// Sends and returns the error, if any, as a value.
private func exchange(
    _ transport: CurlTransport, _ request: HTTPRequest
) async -> Result<HTTPResponse, TransportError> {
    do throws(TransportError) {
        return .success(try await transport.send(request))
    } catch {
        return .failure(error)
    }
}

private func expectFailure(
    _ result: Result<HTTPResponse, TransportError>, _ kind: TransportError.Kind, requireCode: Bool = true,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    switch result {
    case .success(let response):
        Issue.record("expected \(kind), got status \(response.status)", sourceLocation: sourceLocation)
    case .failure(let error):
        #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
        #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
        if requireCode { #expect(error.code != nil, sourceLocation: sourceLocation) }
    }
}

private func options(_ configure: (inout TransportOptions) -> Void) -> TransportOptions {
    var options = TransportOptions()
    configure(&options)
    return options
}

/// Every byte value, NULs included, and a run of NULs.
private let binaryBody: [UInt8] = Array(0...255) + [0, 0, 0] + Array((0...255).reversed())

@Suite("CurlTransport against local servers")
struct CurlTransportTests {
    @Test func md5MatchesKnownVectors() {
        #expect(md5Hex("") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(md5Hex("The quick brown fox jumps over the lazy dog") == "9e107d9d372bb6826bd81d3542a419d6")
    }

    @Test func getReturnsStatusHeadersBodyAndMetadata() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let transport = CurlTransport()
        let response = try await transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/headers"))
        #expect(response.status == 200)
        #expect(response.httpVersion == "1.1")
        #expect(response.body == Array("headers".utf8))
        #expect(response.headers.all(named: "x-multi") == ["one", "two"])
        #expect(response.headers.first(named: "X-Spaced") == "padded value")
        #expect(response.headers.first(named: "X-Empty") == "")
        #expect(response.headers.first(named: "Content-Length") == "7")
        #expect(response.effectiveURL == server.baseURL + "/headers")
        #expect(response.redirectCount == 0)
        let seen = try #require(server.requests.first)
        #expect(seen.method == "GET")
        #expect(seen.body.isEmpty)
        #expect(seen.header("Content-Length") == nil)
        #expect(seen.header("User-Agent") == "fathom")
        #expect(seen.header("Accept-Encoding")?.contains("gzip") == true)
    }

    @Test func errorStatusIsAResponseNotAnError() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let response = try await CurlTransport().send(HTTPRequest(method: "GET", url: server.baseURL + "/status/503"))
        #expect(response.status == 503)
        #expect(response.body == Array("status 503".utf8))
    }

    @Test(arguments: ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "GET"])
    func bodyIsReceivedByteExact(method: String) async throws {
        let server = try TestServer()
        defer { server.stop() }
        let response = try await CurlTransport().send(
            HTTPRequest(method: method, url: server.baseURL + "/echo", body: binaryBody))
        #expect(response.status == 200)
        #expect(response.body == binaryBody)
        #expect(response.headers.first(named: "X-Method") == method)
        let seen = try #require(server.requests.first)
        #expect(seen.method == method)
        #expect(seen.body == binaryBody)
        #expect(seen.header("Content-Length") == String(binaryBody.count))
        // No Content-Type was given, so none is sent (libcurl would add a form type).
        #expect(seen.header("Content-Type") == nil)
        #expect(seen.header("Expect") == nil)
    }

    @Test func emptyBodiesAndHead() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let transport = CurlTransport()

        let post = try await transport.send(HTTPRequest(method: "POST", url: server.baseURL + "/echo"))
        #expect(post.status == 200)
        let put = try await transport.send(HTTPRequest(method: "PUT", url: server.baseURL + "/echo", body: []))
        #expect(put.status == 200)
        let delete = try await transport.send(HTTPRequest(method: "DELETE", url: server.baseURL + "/echo"))
        #expect(delete.status == 200)
        let head = try await transport.send(HTTPRequest(method: "HEAD", url: server.baseURL + "/big/1000"))
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.headers.first(named: "Content-Length") == "1000")

        let seen = server.requests
        try #require(seen.count == 4)
        #expect(seen[0].method == "POST")
        #expect(seen[0].header("Content-Length") == "0")
        #expect(seen[0].header("Content-Type") == nil)
        #expect(seen[1].method == "PUT")
        #expect(seen[1].header("Content-Length") == "0")
        #expect(seen[2].method == "DELETE")
        #expect(seen[2].header("Content-Length") == nil)
        #expect(seen[3].method == "HEAD")
        #expect(server.connectionCount == 1)
    }

    @Test func customHeadersAreSentAsGiven() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let body = [UInt8](repeating: 0x7A, count: 2 * 1024 * 1024)  // large enough for libcurl's Expect
        let response = try await CurlTransport(userAgent: nil).send(HTTPRequest(
            method: "POST", url: server.baseURL + "/echo",
            headers: [
                HTTPHeader("Content-Type", "application/json; charset=utf-8"),
                HTTPHeader("X-Trace", "abc 123"),
                HTTPHeader("X-Empty", ""),
                HTTPHeader("User-Agent", "PostmanRuntime/7.0"),
                HTTPHeader("Accept", "application/json"),
            ],
            body: body))
        #expect(response.status == 200)
        #expect(response.body.count == body.count)
        let seen = try #require(server.requests.first)
        #expect(seen.header("Content-Type") == "application/json; charset=utf-8")
        #expect(seen.header("X-Trace") == "abc 123")
        #expect(seen.header("X-Empty") == "")
        #expect(seen.headers.contains { $0.name.lowercased() == "x-empty" })
        #expect(seen.header("User-Agent") == "PostmanRuntime/7.0")
        #expect(seen.header("Accept") == "application/json")
        #expect(seen.header("Expect") == nil)
        #expect(seen.body == body)
    }

    @Test func oneConnectionIsReusedAcrossRequests() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let transport = CurlTransport()
        for i in 0..<50 {
            let method = ["GET", "POST", "PUT", "HEAD"][i % 4]
            let response = try await transport.send(HTTPRequest(
                method: method, url: server.baseURL + "/echo", body: method == "GET" || method == "HEAD" ? nil : [1, 2, 3]))
            #expect(response.status == 200)
        }
        #expect(server.requests.count == 50)
        #expect(server.connectionCount == 1)
        #expect(Set(server.requests.map(\.connection)) == [1])
    }

    @Test func separateTransportsUseSeparateConnections() async throws {
        let server = try TestServer()
        defer { server.stop() }
        _ = try await CurlTransport().send(HTTPRequest(method: "GET", url: server.baseURL + "/echo"))
        _ = try await CurlTransport().send(HTTPRequest(method: "GET", url: server.baseURL + "/echo"))
        #expect(server.connectionCount == 2)
    }

    @Test func gzipBodyIsDecoded() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let response = try await CurlTransport().send(HTTPRequest(method: "GET", url: server.baseURL + "/gzip"))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == TestRoutes.gzipPlain)
        #expect(response.headers.first(named: "Content-Encoding") == "gzip")
    }

    @Test func redirectsAreFollowed() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let response = try await CurlTransport().send(HTTPRequest(method: "GET", url: server.baseURL + "/redirect/3"))
        #expect(response.status == 200)
        #expect(response.body == Array("done".utf8))
        #expect(response.redirectCount == 3)
        #expect(response.effectiveURL == server.baseURL + "/redirect/0")
        // Only the final response's headers.
        #expect(response.headers.first(named: "Location") == nil)
        #expect(response.headers.all(named: "Content-Length") == ["4"])
        #expect(server.requests.map(\.target) == ["/redirect/3", "/redirect/2", "/redirect/1", "/redirect/0"])
    }

    @Test func postBecomesGetAfterA302AndCustomMethodsAreKept() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let transport = CurlTransport()
        let post = try await transport.send(HTTPRequest(
            method: "POST", url: server.baseURL + "/redirect/1", body: Array("payload".utf8)))
        #expect(post.status == 200)
        let put = try await transport.send(HTTPRequest(
            method: "PUT", url: server.baseURL + "/redirect/1", body: Array("payload".utf8)))
        #expect(put.status == 200)
        let seen = server.requests
        try #require(seen.count == 4)
        #expect(seen[0].method == "POST")
        #expect(seen[0].body == Array("payload".utf8))
        #expect(seen[1].method == "GET")
        #expect(seen[1].body.isEmpty)
        #expect(seen[2].method == "PUT")
        #expect(seen[3].method == "PUT")  // libcurl keeps CUSTOMREQUEST across redirects
    }

    @Test func redirectsAreNotFollowedWhenDisabled() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let response = try await CurlTransport().send(HTTPRequest(
            method: "GET", url: server.baseURL + "/redirect/3", options: options { $0.followRedirects = false }))
        #expect(response.status == 302)
        #expect(response.headers.first(named: "Location") == "/redirect/2")
        #expect(response.body == Array("moved".utf8))
        #expect(response.redirectCount == 0)
        #expect(server.requests.count == 1)
    }

    @Test func tooManyRedirects() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let result = await exchange(CurlTransport(), HTTPRequest(
            method: "GET", url: server.baseURL + "/redirect/5", options: options { $0.maxRedirects = 2 }))
        expectFailure(result, .tooManyRedirects)
    }

    @Test func credentialsAreNotForwardedToAnotherHost() async throws {
        let origin = try TestServer()
        let other = try TestServer()
        defer {
            origin.stop()
            other.stop()
        }
        let transport = CurlTransport()
        let credentials = [HTTPHeader("Authorization", "Bearer secret-token"), HTTPHeader("Cookie", "sid=secret")]

        // 127.0.0.1:A → localhost:B: a different host (and port).
        let cross = try await transport.send(HTTPRequest(
            method: "GET", url: origin.baseURL + "/cross/\(other.port)", headers: credentials))
        #expect(cross.status == 200)
        #expect(cross.body == Array("landed".utf8))
        #expect(cross.effectiveURL == "http://localhost:\(other.port)/landing")
        #expect(origin.requests.first?.header("Authorization") == "Bearer secret-token")
        let landed = try #require(other.requests.first)
        #expect(landed.header("Authorization") == nil)
        #expect(landed.header("Cookie") == nil)

        // A same-host redirect keeps them.
        let same = try await transport.send(HTTPRequest(
            method: "GET", url: origin.baseURL + "/same", headers: credentials))
        #expect(same.status == 200)
        let sameLanded = try #require(origin.requests.last)
        #expect(sameLanded.target == "/landing")
        #expect(sameLanded.header("Authorization") == "Bearer secret-token")
        #expect(sameLanded.header("Cookie") == "sid=secret")
    }

    @Test func timeoutFailsWithTimeout() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let started = ContinuousClock.now
        let result = await exchange(CurlTransport(), HTTPRequest(
            method: "GET", url: server.baseURL + "/slow/120000", options: options { $0.timeoutMs = 300 }))
        expectFailure(result, .timeout)
        // Far below the server's 120 s: the timeout cut the exchange short. The bound is
        // loose on purpose: other tests may keep this task waiting to be scheduled.
        #expect(ContinuousClock.now - started < .seconds(20 * testSlowdown))
    }

    @Test func refusedConnectionFailsWithConnect() async {
        let port = freePort()
        let result = await exchange(CurlTransport(), HTTPRequest(
            method: "GET", url: "http://127.0.0.1:\(port)/", options: options { $0.connectTimeoutMs = 5000 }))
        expectFailure(result, .connect)
    }

    @Test func unresolvableHostFailsWithDNS() async {
        let result = await exchange(CurlTransport(), HTTPRequest(
            method: "GET", url: "http://nonexistent.invalid/", options: options { $0.timeoutMs = 20000 }))
        expectFailure(result, .dns)
    }

    @Test func badURLsFail() async {
        let transport = CurlTransport()
        expectFailure(await exchange(transport, HTTPRequest(method: "GET", url: "http://")), .invalidURL)
        expectFailure(await exchange(transport, HTTPRequest(method: "GET", url: "gopherx://example/")), .unsupportedProtocol)
    }

    @Test func maxResponseBytesWithContentLength() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let transport = CurlTransport()
        let result = await exchange(transport, HTTPRequest(
            method: "GET", url: server.baseURL + "/big/100000", options: options { $0.maxResponseBytes = 1000 }))
        expectFailure(result, .responseTooLarge)
        // At the limit is fine, and the handle still works after the failure.
        let ok = try await transport.send(HTTPRequest(
            method: "GET", url: server.baseURL + "/big/1000", options: options { $0.maxResponseBytes = 1000 }))
        #expect(ok.body.count == 1000)
    }

    @Test func maxResponseBytesWithoutContentLength() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let transport = CurlTransport()
        let result = await exchange(transport, HTTPRequest(
            method: "GET", url: server.baseURL + "/stream/300000", options: options { $0.maxResponseBytes = 1000 }))
        expectFailure(result, .responseTooLarge)
        let whole = try await transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/stream/300000"))
        #expect(whole.body == [UInt8](repeating: 0x62, count: 300000))
    }

    @Test func largeBodiesRoundTrip() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let transport = CurlTransport()
        let big = try await transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/big/3000000"))
        #expect(big.body.count == 3_000_000)
        let small = try await transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/big/10"))
        #expect(small.body == [UInt8](repeating: 0x61, count: 10))
    }

    @Test func timingIsMonotonic() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let response = try await CurlTransport().send(HTTPRequest(method: "GET", url: server.baseURL + "/slow/20"))
        let t = response.timing
        #expect(t.totalMicros > 0)
        #expect(t.dnsMicros <= t.connectMicros)
        #expect(t.connectMicros <= t.firstByteMicros)
        #expect(t.firstByteMicros <= t.totalMicros)
        #expect(t.firstByteMicros >= 20_000)
        #expect(t.tlsMicros == 0)
    }

    @Test func httpVersionIsReported() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let transport = CurlTransport()
        let one = try await transport.send(HTTPRequest(
            method: "GET", url: server.baseURL + "/echo", options: options { $0.httpVersion = .http1_1 }))
        #expect(one.httpVersion == "1.1")
        // .http2 over cleartext stays on HTTP/1.1 (HTTP/2 only through TLS ALPN).
        let two = try await transport.send(HTTPRequest(
            method: "GET", url: server.baseURL + "/echo", options: options { $0.httpVersion = .http2 }))
        #expect(two.status == 200)
        #expect(two.httpVersion == "1.1")
        #expect(server.requests.allSatisfy { $0.header("Upgrade") == nil })
    }

    @Test func cookiesAreKeptForTheRun() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let transport = CurlTransport()
        _ = try await transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/setcookie"))
        _ = try await transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/echo"))
        #expect(server.requests.last?.header("Cookie") == "session=abc123")
        // The cookie engine is started once per handle and stays on across resets.
        _ = try await transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/echo"))
        #expect(server.requests.last?.header("Cookie") == "session=abc123")
        let jar = transport.cookies()
        #expect(jar.count == 1)
        #expect(jar.first?.hasSuffix("session\tabc123") == true)

        // Another transport has its own jar.
        _ = try await CurlTransport().send(HTTPRequest(method: "GET", url: server.baseURL + "/echo"))
        #expect(server.requests.last?.header("Cookie") == nil)

        transport.clearCookies()
        #expect(transport.cookies().isEmpty)
        _ = try await transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/echo"))
        #expect(server.requests.last?.header("Cookie") == nil)
    }

    @Test func digestAuthentication() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let transport = CurlTransport()
        let ok = try await transport.send(HTTPRequest(
            method: "GET", url: server.baseURL + "/digest",
            auth: .digest(username: TestRoutes.digestUser, password: TestRoutes.digestPassword)))
        #expect(ok.status == 200)
        #expect(ok.body == Array("digest ok".utf8))
        #expect(ok.headers.first(named: "WWW-Authenticate") == nil)
        #expect(server.requests.count == 2)

        let wrong = try await transport.send(HTTPRequest(
            method: "GET", url: server.baseURL + "/digest",
            auth: .digest(username: TestRoutes.digestUser, password: "wrong")))
        #expect(wrong.status == 401)

        let none = try await transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/digest"))
        #expect(none.status == 401)
    }

    @Test func cancellingTheTaskAbortsTheTransfer() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let transport = CurlTransport()
        let started = ContinuousClock.now
        let task = Task {
            await exchange(transport, HTTPRequest(method: "GET", url: server.baseURL + "/slow/120000"))
        }
        // Cancel from a Dispatch thread: the cooperative pool may be saturated by
        // other tests' blocking transfers, and the cancellation must not wait for it.
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(200)) { task.cancel() }
        // Cancelled in flight (CURLE_ABORTED_BY_CALLBACK) or, if the pool started
        // the task late, before sending (no CURLcode).
        expectFailure(await task.value, .cancelled, requireCode: false)
        // Far below the server's answer (loose: scheduling under parallel tests adds delay).
        #expect(ContinuousClock.now - started < .seconds(25 * testSlowdown))
        // The transport still works afterwards.
        let after = try await transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/echo"))
        #expect(after.status == 200)
    }

    @Test func tlsVerification() async throws {
        let tls = try TLSServer()
        defer { tls.stop() }
        let transport = CurlTransport()

        let untrusted = await exchange(transport, HTTPRequest(
            method: "GET", url: tls.baseURL + "/", options: options { $0.timeoutMs = 10000 }))
        expectFailure(untrusted, .tls)

        let insecure = try await transport.send(HTTPRequest(
            method: "GET", url: tls.baseURL + "/", options: options {
                $0.insecure = true
                $0.timeoutMs = 10000
            }))
        #expect(insecure.status == 200)

        let trusted = try await CurlTransport().send(HTTPRequest(
            method: "GET", url: tls.baseURL + "/", options: options {
                $0.caCertPath = tls.certPath
                $0.timeoutMs = 10000
            }))
        #expect(trusted.status == 200)
        #expect(trusted.httpVersion == "1.0")  // s_server -www answers HTTP/1.0
        #expect(String(decoding: trusted.body, as: UTF8.self).contains("<HTML>") || !trusted.body.isEmpty)
        let t = trusted.timing
        #expect(t.connectMicros > 0)
        #expect(t.tlsMicros >= t.connectMicros)
        #expect(t.firstByteMicros >= t.tlsMicros)
        #expect(t.totalMicros >= t.firstByteMicros)
    }

    @Test func clientCertificateForMutualTLS() async throws {
        let tls = try TLSServer(requireClientCertificate: true)
        defer { tls.stop() }
        let without = await exchange(CurlTransport(), HTTPRequest(
            method: "GET", url: tls.baseURL + "/", options: options {
                $0.caCertPath = tls.certPath
                $0.timeoutMs = 10000
            }))
        if case .success(let response) = without {
            Issue.record("expected a failure without a client certificate, got \(response.status)")
        }
        let with = try await CurlTransport().send(HTTPRequest(
            method: "GET", url: tls.baseURL + "/", options: options {
                $0.caCertPath = tls.certPath
                $0.clientCertPath = tls.certPath
                $0.clientKeyPath = tls.keyPath
                $0.timeoutMs = 10000
            }))
        #expect(with.status == 200)
    }

    @Test func manySmallRequestsOnOneConnection() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let transport = CurlTransport()
        let request = HTTPRequest(method: "GET", url: server.baseURL + "/echo")
        let count = 2000
        let started = ContinuousClock.now
        for _ in 0..<count {
            let response = try await transport.send(request)
            #expect(response.status == 200)
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("CurlTransport: \(count) requests in \(elapsed), \(Int(Double(count) / seconds)) requests/s")
        #expect(server.connectionCount == 1)
    }
}
