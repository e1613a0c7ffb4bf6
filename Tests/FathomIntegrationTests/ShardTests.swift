import FathomMock
import Foundation
import Testing

/// `fathom run --shard K/N` and `fathom merge-reports`, through the binary against
/// one embedded instance: the shards together run everything once, and their merged
/// reports are the unsharded run's, apart from times, timestamps and host names.
@Suite(.serialized) struct ShardTests {
    /// Without what differs between any two runs: times, durations, timestamps, host names, dates.
    static func stable(_ text: String) -> String {
        var t = text
        for pattern in [#" time="[^"]*""#, #" timestamp="[^"]*""#, #" hostname="[^"]*""#, #"\([^()]*, [0-9.]+ (ms|s)\)"#,
                        #""(durationMs|startedAt|dnsMs|connectMs|tlsMs|firstByteMs|totalMs)": [^,\n]*"#,
                        #"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} [0-9:]{8} GMT"#] {
            t = t.replacingOccurrences(of: pattern, with: "", options: .regularExpression)
        }
        return t
    }

    /// A collection with a setup request, four parallel folders (one of which uses
    /// the setup's capture, so it must stay with it), a failing assertion and a
    /// closing request.
    static func foldersCollection(_ d: TempDir) -> String {
        d.write("c/collection.json", #"{"fathom": 1, "name": "Sharded folders", "parallel": true}"#)
        d.write("c/01-setup.json", #"{"url": "{{instance}}/anything?session=s-1", "capture": {"session": "$.args.session"}}"#)
        d.write("c/alpha/01.json", #"{"url": "{{instance}}/anything?who=alpha", "assert": [{"path": "$.args.who", "equals": "alpha"}]}"#)
        d.write("c/alpha/02.json", #"{"url": "{{instance}}/anything?who=alpha2", "assert": [{"status": 200}]}"#)
        d.write("c/bravo/01.json", #"{"url": "{{instance}}/anything?s={{session}}", "assert": [{"path": "$.args.s", "equals": "s-1"}]}"#)
        d.write("c/charlie/01.json", #"{"url": "{{instance}}/anything?who=charlie", "assert": [{"path": "$.args.who", "equals": "wrong"}]}"#)
        d.write("c/delta/01.json", #"{"url": "{{instance}}/anything?who=delta", "assert": [{"status": 200}]}"#)
        d.write("c/delta/02.json", #"{"url": "{{instance}}/anything?who=delta2", "assert": [{"status": 200}]}"#)
        d.write("c/delta/03.json", #"{"url": "{{instance}}/anything?who=delta3", "assert": [{"status": 200}]}"#)
        d.write("c/zz-last.json", #"{"url": "{{instance}}/anything?end=1", "assert": [{"status": 200}]}"#)
        return d.path + "/c"
    }

    static func withInstance<T>(_ body: (String) async throws -> T) async throws -> T {
        let server = MockServer(configuration: MockConfiguration(host: "127.0.0.1", port: 0))
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

    /// Runs unsharded and as `count` shards, merges, and compares the reports.
    func shardAndMerge(_ collection: String, count: Int, extra: [String], reportName: String, expectStatus: Int32) async throws {
        let d = TempDir()
        try await Self.withInstance { base in
            let common = ["run", collection, "--var", "instance=\(base)", "--secret", "token=\(MockConfiguration.demoToken)",
                          "-r", "junit,json"] + extra
            let whole = try await runFathom(common + ["--reports-dir", d.path + "/whole"])
            #expect(whole.status == expectStatus, "\(whole.stdout.suffix(3000))\n\(whole.stderr)")
            var statuses: [Int32] = []
            for k in 1...count {
                let r = try await runFathom(common + ["--reports-dir", d.path + "/shard-\(k)", "--shard", "\(k)/\(count)"])
                statuses.append(r.status)
            }
            // The worst shard's status is the whole run's.
            #expect(statuses.max() == expectStatus, "\(statuses)")
        }
        for ext in ["junit.xml", "json"] {
            let inputs = (1...count).reversed().map { d.path + "/shard-\($0)/\(reportName).\(ext)" }
            let merged = try await runFathom(["merge-reports", d.path + "/merged.\(ext)"] + inputs)
            #expect(merged.status == 0, "\(merged.output)")
            let a = try #require(d.read("merged.\(ext)"))
            let b = try #require(d.read("whole/\(reportName).\(ext)"))
            #expect(Self.stable(a) == Self.stable(b), "\(ext) differs:\n\(Self.stable(a).prefix(3000))\n---\n\(Self.stable(b).prefix(3000))")
            #expect(!a.contains("fathom-shard") && !a.contains("fathom.order") && !a.contains("shardOrder"))
        }
        // A shard's JUnit report (with its marker and properties) and the merged one are valid JUnit.
        let xsd = repoRoot + "/../shared/corpus/junit/jenkinsci__xunit-plugin__junit-10.xsd"
        for file in [d.path + "/shard-1/\(reportName).junit.xml", d.path + "/merged.junit.xml"] {
            let (status, output) = try shell("/usr/bin/xmllint", ["--noout", "--schema", xsd, file])
            #expect(status == 0, "\(output)")
        }
        // Every request ran in exactly one shard.
        var seen: [String] = []
        for k in 1...count {
            let text = try #require(d.read("shard-\(k)/\(reportName).json"))
            let report = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            for r in report["requests"] as? [[String: Any]] ?? [] { seen.append(r["qualifiedName"] as? String ?? "?") }
        }
        let whole = try #require(d.read("whole/\(reportName).json"))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(whole.utf8)) as? [String: Any])
        let all = (report["requests"] as? [[String: Any]] ?? []).map { $0["qualifiedName"] as? String ?? "?" }
        #expect(seen.sorted() == all.sorted())
        #expect(Set(all).count == all.count)
    }

    @Test func parallelFoldersShardedAndMergedGiveTheUnshardedReports() async throws {
        let d = TempDir()
        try await shardAndMerge(Self.foldersCollection(d), count: 3, extra: [], reportName: "sharded-folders", expectStatus: 1)
    }

    @Test func iterationsShardedAndMergedGiveTheUnshardedReports() async throws {
        try await shardAndMerge(repoRoot + "/collections/sonar-smoke", count: 3, extra: ["-n", "4"], reportName: "sonar-smoke-test", expectStatus: 0)
    }

    @Test func moreShardsThanUnitsLeaveEmptyShardsThatStillMerge() async throws {
        // The whole collection is one unit: shards 2 and 3 run nothing but still write reports.
        try await shardAndMerge(repoRoot + "/collections/sonar-smoke", count: 3, extra: [], reportName: "sonar-smoke-test", expectStatus: 0)
    }

    @Test func aFolderUsingTheSetupsCaptureStaysWithItAndShardsAreBalanced() async throws {
        let d = TempDir()
        let c = Self.foldersCollection(d)
        var byShard: [[String]] = []
        try await Self.withInstance { base in
            for k in 1...2 {
                let r = try await runFathom(["run", c, "--var", "instance=\(base)", "--shard", "\(k)/2", "-r", "json", "--reports-dir", d.path + "/s\(k)"])
                let text = try #require(d.read("s\(k)/sharded-folders.json"))
                let report = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
                byShard.append((report["requests"] as? [[String: Any]] ?? []).map { $0["id"] as? String ?? "?" })
                _ = r
            }
        }
        // Units: setup + bravo + last (3 requests), alpha (2), charlie (1), delta (3).
        // Heaviest first: the setup unit (3) and delta (3) go to different shards, then alpha, then charlie.
        let withSetup = try #require(byShard.first { $0.contains("01-setup.json") })
        #expect(withSetup.contains("bravo/01.json") && withSetup.contains("zz-last.json"), "\(byShard)")
        #expect(byShard.map(\.count).sorted() == [4, 5], "\(byShard)")
        // bravo passed: it saw the session its shard's setup captured.
        let text = try #require(d.read(byShard[0].contains("01-setup.json") ? "s1/sharded-folders.json" : "s2/sharded-folders.json"))
        #expect(text.contains("anything?s=s-1"), "\(text.prefix(2000))")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let bravo = (report["requests"] as? [[String: Any]] ?? []).first { $0["id"] as? String == "bravo/01.json" }
        #expect(bravo?["status"] as? String == "passed")
    }

    @Test func badShardsAreUsageErrors() async throws {
        for (arg, message) in [
            ("3/2", "--shard 3/2: there is no shard 3 of 2; K runs from 1 to 2"),
            ("0/4", "--shard 0/4: shards are numbered from 1, so K runs from 1 to 4"),
            ("x", "--shard takes K/N, such as 2/5 (the second of five shards), not 'x'"),
            ("1/0", "--shard 1/0: the number of shards must be at least 1"),
        ] {
            let r = try await runFathom(["run", "collections/sonar-smoke", "--mock", "--shard", arg])
            #expect(r.status == 2, "\(arg)")
            #expect(r.stderr.contains(message), "\(arg): \(r.stderr)")
        }
    }

    @Test func mergeRefusesWhatDoesNotBelongTogether() async throws {
        let d = TempDir()
        let folders = Self.foldersCollection(d)
        try await Self.withInstance { base in
            for k in 1...2 {
                _ = try await runFathom(["run", folders, "--var", "instance=\(base)", "--shard", "\(k)/2", "-r", "junit,json", "--reports-dir", d.path + "/f\(k)"])
            }
            _ = try await runFathom(["run", "collections/sonar-smoke", "--var", "instance=\(base)", "--secret", "token=\(MockConfiguration.demoToken)",
                                     "--shard", "1/2", "-r", "junit", "--reports-dir", d.path + "/other"])
            _ = try await runFathom(["run", folders, "--var", "instance=\(base)", "--shard", "1/3", "-r", "junit", "--reports-dir", d.path + "/three"])
            _ = try await runFathom(["run", folders, "--var", "instance=\(base)", "-r", "junit", "--reports-dir", d.path + "/plain"])
        }
        let f1 = d.path + "/f1/sharded-folders.junit.xml", f2 = d.path + "/f2/sharded-folders.junit.xml"
        let cases: [([String], String)] = [
            ([f1], "shard 2/2 is missing: 2 shards ran and 1 report is given"),
            ([], ""), // the same shard twice: set up below
            ([f1, d.path + "/f1/sharded-folders.json"], "is a JUnit report but \(d.path)/f1/sharded-folders.json is a JSON report"),
            ([f1, d.path + "/other/sonar-smoke-test.junit.xml"], "is a report of collection \"Sharded folders\" but \(d.path)/other/sonar-smoke-test.junit.xml of \"Sonar smoke test\""),
            ([f1, d.path + "/three/sharded-folders.junit.xml"], "is shard 1/2 but \(d.path)/three/sharded-folders.junit.xml is shard 1/3"),
            ([d.path + "/plain/sharded-folders.junit.xml", f2], "is not the report of a sharded run"),
            ([f1, d.path + "/nope.xml"], "\(d.path)/nope.xml does not exist"),
        ]
        for (n, (inputs, message)) in cases.enumerated() {
            var args = ["merge-reports", d.path + "/out-\(n).xml"] + inputs
            var expected = message
            if n == 1 {
                // The same shard twice.
                let copy = d.path + "/copy.junit.xml"
                try? FileManager.default.removeItem(atPath: copy)
                try FileManager.default.copyItem(atPath: f1, toPath: copy)
                args = ["merge-reports", d.path + "/out-1.xml", f1, copy, f2]
                expected = "shard 1/2 is given twice: \(f1) and \(copy)"
            }
            let r = try await runFathom(args)
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr.contains(expected), "\(expected)\n\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: d.path + "/out-\(n).xml"))
        }
        // An existing output is kept unless --force; the output cannot be an input.
        let out = d.write("kept.xml", "mine")
        let kept = try await runFathom(["merge-reports", out, f1, f2])
        #expect(kept.status == 2 && kept.stderr.contains("already exists; give a new path, or --force"), "\(kept.stderr)")
        #expect(d.read("kept.xml") == "mine")
        let forced = try await runFathom(["merge-reports", "--force", out, f1, f2])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(d.read("kept.xml")?.hasPrefix("<?xml") == true)
        let same = try await runFathom(["merge-reports", "--force", f1, f1, f2])
        #expect(same.status == 2 && same.stderr.contains("is both the output and an input"))
    }
}
