import FathomMock
import Foundation
import Testing

/// `fathom run --record-baseline` / `--compare-baseline` through the binary, libcurl
/// and the embedded instance on loopback: the instance's data is fixed by its seed,
/// so another seed is "the instance after an upgrade".
@Suite struct BaselineRunTests {
    static func withInstance<T>(seed: UInt64, _ body: (String) async throws -> T) async throws -> T {
        let server = MockServer(configuration: MockConfiguration(host: "127.0.0.1", port: 0, seed: seed))
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

    static func run(_ base: String, _ extra: [String]) async throws -> ProcessResult {
        try await runFathom(["run", "collections/sonar-smoke", "--var", "instance=\(base)", "--secret", "token=\(MockConfiguration.demoToken)"] + extra)
    }

    @Test func anotherSeedShowsTheChangedValuesAtTheirPathsAndTheSameSeedNone() async throws {
        let d = TempDir()
        let dir = d.path + "/baseline"
        let recorded = try await Self.withInstance(seed: 1) { try await Self.run($0, ["--record-baseline", dir]) }
        #expect(recorded.status == 0, "\(recorded.output)")
        #expect(recorded.stderr.contains("recorded 32 response(s) as the baseline in \(dir)"), "\(recorded.stderr)")
        let manifest = try #require(d.read("baseline/baseline.json"))
        #expect(manifest.contains(#""collection": "Sonar smoke test""#))
        let first = try #require(d.read("baseline/03-accounts/01-first-page.json"))
        #expect(first.contains(#""status": 200"#) && first.contains(#""content-type": "application/json"#))
        // JSON bodies are stored with keys sorted; the token is nowhere.
        #expect(!(try String(contentsOfFile: dir + "/01-auth/01-me.json", encoding: .utf8)).contains(MockConfiguration.demoToken))

        let same = try await Self.withInstance(seed: 1) { try await Self.run($0, ["--compare-baseline", dir, "-r", "console"]) }
        #expect(same.status == 0, "\(same.output)")
        #expect(!same.stdout.contains("baseline $"), "\(same.stdout)")

        let reports = TempDir()
        let other = try await Self.withInstance(seed: 2) {
            try await Self.run($0, ["--compare-baseline", dir, "-r", "console,json", "--reports-dir", reports.path])
        }
        #expect(other.status == 1, "\(other.output)")
        let json = try #require(reports.read("sonar-smoke-test.json"))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let failures = (report["requests"] as? [[String: Any]] ?? []).flatMap { r in
            (r["assertions"] as? [[String: Any]] ?? []).filter { ($0["passed"] as? Bool) == false }.map { (r["id"] as? String ?? "", $0) }
        }
        #expect(failures.count > 10, "\(json.prefix(2000))")
        // Each difference names its path and carries both values; the recorded one is what the file holds.
        let name = try #require(failures.first { ($0.1["name"] as? String)?.hasSuffix(".name") == true })
        let path = try #require(name.1["name"] as? String)
        #expect(path.hasPrefix("baseline $.data."), "\(path)")
        let expected = try #require(name.1["expected"] as? String)
        let actual = try #require(name.1["actual"] as? String)
        #expect(expected != actual)
        let file = try String(contentsOfFile: dir + "/" + name.0, encoding: .utf8)
        #expect(file.contains(expected), "\(expected) not in \(name.0)")
        // The collection ignores $..updated_at and $.._version.
        #expect(!failures.contains { ($0.1["name"] as? String ?? "").contains("updated_at") || ($0.1["name"] as? String ?? "").contains("_version") })
        #expect(other.stdout.contains("differs from the baseline"))
    }

    @Test func unorderedArraysIgnoredNodesAndSecretsInAnEchoCollection() async throws {
        let d = TempDir()
        d.write("c/collection.json", #"{"fathom": 1, "name": "echo baseline", "secrets": ["token"], "auth": {"bearer": "{{token}}"}, "baseline": {"ignore": ["$.headers.host", "$.url"]}}"#)
        d.write("c/post.json", #"{"method": "POST", "url": "{{instance}}/post", "body": "{\"items\": {{items}}, \"n\": {{n}}}", "content_type": "application/json", "baseline": {"unordered": ["$.json.items", "$.data.items"]}}"#)
        let dir = d.path + "/bl"
        func run(_ items: String, _ n: Int, _ flag: String) async throws -> ProcessResult {
            try await runFathom(["run", d.path + "/c", "--mock", "--var", "items=\(items)", "--var", "n=\(n)", "--secret", "token=echo-secret-51d2", flag, dir, "-r", "console"])
        }
        let rec = try await run("[1, 2, 3]", 1, "--record-baseline")
        #expect(rec.status == 0, "\(rec.output)")
        let file = try String(contentsOfFile: dir + "/post.json", encoding: .utf8)
        #expect(file.contains("Bearer ***") && !file.contains("echo-secret-51d2"), "\(file)")
        let reordered = try await run("[3, 1, 2]", 1, "--compare-baseline")
        #expect(reordered.status == 0, "\(reordered.output)")
        let changed = try await run("[3, 1, 2]", 2, "--compare-baseline")
        #expect(changed.status == 1)
        #expect(changed.stdout.contains("baseline $.json.n"), "\(changed.stdout)")
        #expect(changed.stdout.contains("expected: 1") && changed.stdout.contains("actual:   2"), "\(changed.stdout)")
        #expect(!changed.output.contains("echo-secret-51d2"))
    }

    @Test func directoriesThatAreNotThisCollectionsBaselineAreRefused() async throws {
        let d = TempDir()
        // Another collection's baseline: refused for comparing and for recording over it.
        d.write("c/collection.json", #"{"fathom": 1, "name": "other", "graphql_endpoint": "{{instance}}/api/graphql"}"#)
        d.write("c/q.json", #"{"graphql": {"query": "{ me { id } }"}}"#)
        let other = d.path + "/other-baseline"
        let rec = try await runFathom(["run", d.path + "/c", "--mock", "--record-baseline", other, "-q"])
        #expect(rec.status == 0, "\(rec.output)")
        for flag in ["--compare-baseline", "--record-baseline"] {
            let r = try await runFathom(["run", "collections/sonar-smoke", "--mock", flag, other])
            #expect(r.status == 2, "\(r.output)")
            #expect(r.stderr.contains("this is the baseline of the collection 'other', not of 'Sonar smoke test'"), "\(r.stderr)")
            #expect(!r.stdout.contains("Requests"), "nothing is sent")
        }
        // A directory that is no baseline: nothing to compare, and never written into.
        let mine = d.write("mine/notes.txt", "keep me")
        let notes = try await runFathom(["run", "collections/sonar-smoke", "--mock", "--record-baseline", d.path + "/mine"])
        #expect(notes.status == 2)
        #expect(notes.stderr.contains("the directory is not empty and holds no Fathom baseline"), "\(notes.stderr)")
        #expect(try String(contentsOfFile: mine, encoding: .utf8) == "keep me")
        #expect(try FileManager.default.contentsOfDirectory(atPath: d.path + "/mine") == ["notes.txt"])
        let none = try await runFathom(["run", "collections/sonar-smoke", "--mock", "--compare-baseline", d.path + "/mine"])
        #expect(none.status == 2)
        #expect(none.stderr.contains("no baseline here (baseline.json is missing)"), "\(none.stderr)")
        // A manifest Fathom did not write.
        d.write("forged/baseline.json", #"{"collection": "Sonar smoke test"}"#)
        let forged = try await runFathom(["run", "collections/sonar-smoke", "--mock", "--compare-baseline", d.path + "/forged"])
        #expect(forged.status == 2)
        #expect(forged.stderr.contains("\"fathom_baseline\": 1 is missing"), "\(forged.stderr)")
        // Same name, none of its requests: another collection.
        d.write("samename/baseline.json", #"{"fathom_baseline": 1, "collection": "Sonar smoke test", "responses": {"x/y.json": "x/y.json"}}"#)
        let sameName = try await runFathom(["run", "collections/sonar-smoke", "--mock", "--compare-baseline", d.path + "/samename"])
        #expect(sameName.status == 2)
        #expect(sameName.stderr.contains("none of the 1 recorded responses belongs to a request"), "\(sameName.stderr)")
        let both = try await runFathom(["run", "collections/sonar-smoke", "--mock", "--compare-baseline", other, "--record-baseline", other])
        #expect(both.status == 2)
        #expect(both.stderr.contains("cannot be used together"))
    }
}
