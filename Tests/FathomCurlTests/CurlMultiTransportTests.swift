import FathomCore
import FathomCurl
import Foundation
import Testing

/// `CurlMultiTransport` (the multi interface and its event loop, for `--parallel`)
/// against the local test server: transfers really overlap, and everything else
/// behaves as with one easy handle.
@Suite("CurlMultiTransport against local servers")
struct CurlMultiTransportTests {
    private func send(_ transport: CurlMultiTransport, _ request: HTTPRequest) async -> Result<HTTPResponse, TransportError> {
        do throws(TransportError) {
            return .success(try await transport.send(request))
        } catch {
            return .failure(error)
        }
    }

    @Test func transfersInFlightTogetherUseSeveralConnectionsAndOverlap() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let transport = CurlMultiTransport()
        defer { transport.close() }
        let url = server.baseURL + "/slow/400"
        // One after another: one kept-alive connection, never two answers at once.
        for _ in 0..<4 { _ = try await transport.send(HTTPRequest(method: "GET", url: url)) }
        #expect(server.connectionCount == 1)
        #expect(server.mostAtOnce == 1)
        let statuses = await withTaskExecutorPreference(transport.executor) {
            await withTaskGroup(of: Int.self) { group in
                for _ in 0..<4 { group.addTask { (try? await transport.send(HTTPRequest(method: "GET", url: url)))?.status ?? -1 } }
                return await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(statuses == [200, 200, 200, 200])
        // Four at once need four connections (the first one is reused), and the
        // server had several of the slow answers in hand at the same moment (not a
        // timing: a loaded machine stretches both runs unevenly).
        #expect(server.connectionCount == 4, "\(server.connectionCount) connections")
        #expect(server.mostAtOnce >= 3, "at most \(server.mostAtOnce) answers at once")
    }

    @Test func bodiesHeadersAndEncodingsAsWithOneEasyHandle() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let transport = CurlMultiTransport()
        defer { transport.close() }
        let body: [UInt8] = Array(0...255) + [0, 0, 0] + Array((0...255).reversed())
        let echoed = try await transport.send(HTTPRequest(
            method: "PUT", url: server.baseURL + "/echo", headers: [HTTPHeader("Content-Type", "application/octet-stream"), HTTPHeader("X-Empty", "")], body: body))
        #expect(echoed.status == 200)
        #expect(echoed.body == body)
        #expect(echoed.headers.first(named: "X-Method") == "PUT")
        let seen = try #require(server.requests.last)
        #expect(seen.header("X-Empty") == "")
        #expect(seen.header("Expect") == nil)
        let empty = try await transport.send(HTTPRequest(method: "POST", url: server.baseURL + "/echo"))
        #expect(empty.body.isEmpty)
        #expect(server.requests.last?.header("Content-Length") == "0")
        let gzip = try await transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/gzip"))
        #expect(String(decoding: gzip.body, as: UTF8.self) == TestRoutes.gzipPlain)
        let redirected = try await transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/redirect/3"))
        #expect(redirected.redirectCount == 3)
        #expect(redirected.effectiveURL == server.baseURL + "/redirect/0")
    }

    @Test func cookiesAreSharedByEveryHandleUnlessARequestTurnsThemOff() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let transport = CurlMultiTransport()
        defer { transport.close() }
        _ = try await transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/setcookie"))
        // Several at once, so other pooled handles carry some of them: all send the cookie.
        await withTaskExecutorPreference(transport.executor) {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<3 { group.addTask { _ = try? await transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/slow/200")) } }
            }
        }
        let sent = server.requests.filter { $0.target.hasPrefix("/slow") }.map { $0.header("Cookie") }
        #expect(sent == ["session=abc123", "session=abc123", "session=abc123"], "\(sent)")
        #expect(transport.cookieJar().contains { $0.hasSuffix("\tsession\tabc123") }, "\(transport.cookieJar())")
        var off = TransportOptions()
        off.cookies = false
        _ = try await transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/echo", options: off))
        #expect(server.requests.last?.header("Cookie") == nil)
    }

    @Test func rewrittenRedirectsAreFollowedByTheLoop() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let transport = CurlMultiTransport()
        defer { transport.close() }
        var options = TransportOptions()
        options.redirectRewrites = [try #require(URLRewrite.parse("http://localhost:9=\(server.baseURL)"))]
        let response = try await transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/cross/9", options: options))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "landed")
        #expect(response.redirectCount == 1)
    }

    @Test func cancellingATaskAbortsItsTransferAndOthersGoOn() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let transport = CurlMultiTransport()
        defer { transport.close() }
        let slow = Task { await send(transport, HTTPRequest(method: "GET", url: server.baseURL + "/slow/5000")) }
        try await Task.sleep(nanoseconds: 200_000_000)
        slow.cancel()
        let result = await slow.value
        guard case .failure(let error) = result else {
            Issue.record("expected a cancelled transfer, got \(result)")
            return
        }
        // The server answers after five seconds: a cancelled error, not a 200, means
        // the transfer was aborted (no timing, as the test machine is shared).
        #expect(error.kind == .cancelled)
        let after = try await transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/status/204"))
        #expect(after.status == 204)
    }

    @Test func failuresAreTransportErrorsAndAClosedTransportSendsNothing() async throws {
        let transport = CurlMultiTransport()
        let refused = await send(transport, HTTPRequest(method: "GET", url: "http://127.0.0.1:\(freePort())/"))
        guard case .failure(let error) = refused else {
            Issue.record("expected a connection error")
            return
        }
        #expect(error.kind == .connect, "\(error)")
        var options = TransportOptions()
        options.timeoutMs = 1
        transport.close()
        let closed = await send(transport, HTTPRequest(method: "GET", url: "http://127.0.0.1:1/", options: options))
        guard case .failure(let e) = closed else {
            Issue.record("expected the closed transport to refuse")
            return
        }
        #expect(e.kind == .cancelled)
    }
}
