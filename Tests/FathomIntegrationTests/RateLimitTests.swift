import FathomMock
import Foundation
import Testing

/// 429 with `Retry-After`: the runner waits as told (up to `--max-retry-after`) and
/// sends again, against the embedded instance's Sonar rate limit with a short window.
@Suite(.serialized) struct RateLimitTests {
    /// A collection of `count` GraphQL requests to the instance's Sonar API, one assertion each.
    static func collection(_ dir: TempDir, count: Int) -> String {
        let root = dir.write("limited/collection.json", """
            {"fathom": 1, "name": "Limited", "secrets": ["token"], "auth": {"bearer": "{{token}}"},
             "graphql_endpoint": "{{instance}}/api/graphql"}
            """)
        for i in 1...count {
            dir.write(String(format: "limited/%02d-me.json", i), """
                {"name": "me \(i)", "graphql": {"query": "{ me { id } }"},
                 "assert": [{"status": 200}, {"path": "$.data.me.id", "equals": "1"}]}
                """)
        }
        return (root as NSString).deletingLastPathComponent
    }

    static func withLimitedInstance<T>(limit: Int, windowSeconds: Int, _ body: (String) async throws -> T) async throws -> T {
        var configuration = MockConfiguration(host: "127.0.0.1", port: 0, rateLimitPerMinute: limit)
        configuration.rateLimitWindowSeconds = windowSeconds
        let server = MockServer(configuration: configuration)
        let port = try await server.start()
        do {
            let result = try await body("http://127.0.0.1:\(port)")
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    static func requests(_ reports: TempDir) throws -> [[String: Any]] {
        let text = try #require(reports.read("limited.json"))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return report["requests"] as? [[String: Any]] ?? []
    }

    @Test func aCollectionFasterThanTheLimitPassesByWaiting() async throws {
        let d = TempDir()
        let path = Self.collection(d, count: 4)
        let reports = TempDir()
        // Two a window of 3 s (longer when the suite runs slower): the third request meets the limit.
        let window = Int(3 * testSlowdown)
        let result = try await Self.withLimitedInstance(limit: 2, windowSeconds: window) { base in
            try await runFathom(["run", path, "--var", "instance=\(base)", "--secret", "token=\(MockConfiguration.demoToken)",
                                 "-r", "console,json,junit", "--reports-dir", reports.path])
        }
        #expect(result.status == 0, "\(result.output)")
        let requests = try Self.requests(reports)
        #expect(requests.count == 4)
        // The third request met the limit: it waited (Retry-After is whole seconds) and passed.
        let waited = requests.filter { (($0["rateLimitWaitMs"] as? Double) ?? 0) > 0 }
        #expect(!waited.isEmpty, "\(requests)")
        for r in waited {
            #expect(r["status"] as? String == "passed")
            let ms = try #require(r["rateLimitWaitMs"] as? Double)
            #expect(ms >= 1000 && ms <= Double(window) * 1000, "\(ms)")
            let seconds = Int(ms / 1000)
            let warnings = (r["warnings"] as? [String] ?? []).joined()
            #expect(warnings.contains("429 Too Many Requests with Retry-After: \(seconds); waited \(seconds) s and sent it again"), "\(warnings)")
        }
        // The console and JUnit say so too.
        #expect(result.stdout.contains("rate limited: 429 Too Many Requests"), "\(result.stdout)")
        #expect(reports.read("limited.junit.xml")?.contains("rate limited: 429") == true)
    }

    @Test func aRetryAfterOverTheBoundLeavesThe429() async throws {
        let d = TempDir()
        let path = Self.collection(d, count: 3)
        let reports = TempDir()
        // A window of an hour: Retry-After is about 3600 s, over --max-retry-after 5.
        let result = try await Self.withLimitedInstance(limit: 2, windowSeconds: 3600) { base in
            try await runFathom(["run", path, "--var", "instance=\(base)", "--secret", "token=\(MockConfiguration.demoToken)",
                                 "-r", "console,json", "--reports-dir", reports.path, "--max-retry-after", "5"])
        }
        #expect(result.status == 1, "\(result.output)")
        let third = try #require(try Self.requests(reports).last)
        #expect(third["status"] as? String == "failed")
        #expect((third["response"] as? [String: Any])?["status"] as? Int == 429)
        let warnings = (third["warnings"] as? [String] ?? []).joined()
        #expect(warnings.contains("more than --max-retry-after 5 s; the 429 stands"), "\(warnings)")
    }

    @Test func maxRetryAfterZeroNeverWaits() async throws {
        let d = TempDir()
        let path = Self.collection(d, count: 3)
        let reports = TempDir()
        let result = try await Self.withLimitedInstance(limit: 2, windowSeconds: 30) { base in
            try await runFathom(["run", path, "--var", "instance=\(base)", "--secret", "token=\(MockConfiguration.demoToken)",
                                 "-r", "json", "--reports-dir", reports.path, "--max-retry-after", "0"])
        }
        #expect(result.status == 1, "\(result.output)")
        #expect(!result.output.contains("waited"))
        let third = try #require(try Self.requests(reports).last)
        #expect((third["response"] as? [String: Any])?["status"] as? Int == 429)
        #expect(third["rateLimitWaitMs"] == nil)
    }

    @Test func badMaxRetryAfterIsAUsageError() async throws {
        let result = try await runFathom(["run", "collections/sonar-smoke", "--mock", "--max-retry-after=-1"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--max-retry-after must be between 0 and 86400 seconds"), "\(result.stderr)")
    }
}
