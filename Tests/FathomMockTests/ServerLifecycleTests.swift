import FathomCore
import Testing

@testable import FathomMock

/// Runs `body` against a fresh server on an ephemeral loopback port.
func withServer(
    _ configuration: MockConfiguration = MockConfiguration(port: 0),
    _ body: (MockServer) async throws -> Void
) async throws {
    let server = MockServer(configuration: configuration)
    _ = try await server.start()
    do {
        try await body(server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

@Suite("MockServer lifecycle")
struct ServerLifecycleTests {
    @Test func portZeroGivesAFreePort() async throws {
        let server = MockServer(configuration: MockConfiguration(port: 0))
        let port = try await server.start()
        #expect(port > 0)
        #expect(server.port == port)
        #expect(server.baseURL == "http://127.0.0.1:\(port)")
        let response = try await HTTPTestClient.send("\(server.baseURL)/get")
        #expect(response.status == 200)
        await server.stop()
    }

    @Test func defaults() {
        let configuration = MockConfiguration()
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8484)
        #expect(configuration.token == MockConfiguration.demoToken)
        #expect(MockConfiguration.demoToken == "fathom-demo-token")
    }

    @Test func twoServersAtOnce() async throws {
        let first = MockServer(configuration: MockConfiguration(port: 0))
        let second = MockServer(configuration: MockConfiguration(port: 0, token: "other"))
        let p1 = try await first.start()
        let p2 = try await second.start()
        #expect(p1 != p2)
        let a = try await HTTPTestClient.request(port: p1, "/bearer", headers: ["Authorization": "Bearer fathom-demo-token"])
        let b = try await HTTPTestClient.request(port: p2, "/bearer", headers: ["Authorization": "Bearer other"])
        #expect(a.status == 200)
        #expect(b.status == 200)
        await first.stop()
        await second.stop()
    }

    @Test func stopIsIdempotentAndReallyStops() async throws {
        let server = MockServer(configuration: MockConfiguration(port: 0))
        await server.stop()  // before start: a no-op
        let port = try await server.start()
        await server.stop()
        await server.stop()
        #expect(server.port == nil)
        await #expect(throws: (any Error).self) {
            _ = try await HTTPTestClient.send("http://127.0.0.1:\(port)/get")
        }
    }

    @Test func restartAfterStop() async throws {
        let server = MockServer(configuration: MockConfiguration(port: 0))
        _ = try await server.start()
        await server.stop()
        _ = try await server.start()
        let response = try await HTTPTestClient.send("\(server.baseURL)/get")
        #expect(response.status == 200)
        await server.stop()
    }

    @Test func startingTwiceThrows() async throws {
        try await withServer { server in
            await #expect(throws: MockServerError.self) { try await server.start() }
        }
    }

    @Test func takenPortThrowsAClearError() async throws {
        try await withServer { server in
            let port = try #require(server.port)
            let intruder = MockServer(configuration: MockConfiguration(port: port))
            do {
                _ = try await intruder.start()
                Issue.record("binding a taken port should fail")
                await intruder.stop()
            } catch let error as MockServerError {
                guard case .bindFailed(let host, let failedPort, _) = error else {
                    Issue.record("unexpected error \(error)")
                    return
                }
                #expect(host == "127.0.0.1")
                #expect(failedPort == port)
                #expect(error.description.contains("already in use"))
            }
            // The first server is unaffected.
            let response = try await HTTPTestClient.send("\(server.baseURL)/get")
            #expect(response.status == 200)
        }
    }

    @Test func runServesUntilStopped() async throws {
        let server = MockServer(configuration: MockConfiguration(port: 0))
        let ports = AsyncStream<Int>.makeStream()
        let running = Task {
            try await server.run(onStarted: { port in ports.continuation.yield(port) })
        }
        var iterator = ports.stream.makeAsyncIterator()
        let port = try #require(await iterator.next())
        #expect(server.port == port)
        let response = try await HTTPTestClient.send("http://127.0.0.1:\(port)/get")
        #expect(response.status == 200)
        await server.stop()
        try await running.value
        #expect(server.port == nil)
        await server.stop()
    }

    @Test func runOnATakenPortThrows() async throws {
        try await withServer { server in
            let intruder = MockServer(configuration: MockConfiguration(port: server.port!))
            await #expect(throws: MockServerError.self) { try await intruder.run() }
        }
    }
}
