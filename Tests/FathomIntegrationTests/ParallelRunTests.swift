import Foundation
import Testing

/// `fathom run --parallel N` through the binary, libcurl's multi interface and the
/// embedded instance on loopback: lanes run at the same time, reports come out as
/// a sequential run's, and what cannot run in parallel is refused before anything is sent.
@Suite struct ParallelRunTests {
    /// A report without what differs from run to run (times, ports, timestamps).
    static func stable(_ text: String) -> String {
        var t = text
        for pattern in [#"time="[^"]*""#, #"timestamp="[^"]*""#, #"hostname="[^"]*""#, #"127\.0\.0\.1:\d+"#,
                        #"[0-9][0-9.]* (ms|s)\b"#, #""[A-Za-z]*(Ms|At)": [^,\n]*"#, #"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} [0-9:]{8} GMT"#] {
            t = t.replacingOccurrences(of: pattern, with: "", options: .regularExpression)
        }
        return t
    }

    /// A JSON report's top-level field.
    static func reportField(_ d: TempDir, _ file: String, _ key: String) throws -> Any? {
        let text = try #require(d.read(file))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return object[key]
    }

    /// Four parallel folders; each captures a value from its first response and
    /// sends it back (after a one-second delay on the instance) in its second.
    static func fourFolders(_ d: TempDir) -> String {
        d.write("c/collection.json", #"{"fathom": 1, "name": "Parallel folders", "parallel": true}"#)
        for name in ["alpha", "bravo", "charlie", "delta"] {
            d.write("c/\(name)/01-first.json", #"{"url": "{{instance}}/anything?folder=\#(name)", "assert": [{"status": 200}], "capture": {"\#(name)_id": "$.args.folder"}}"#)
            d.write("c/\(name)/02-slow.json", #"{"url": "{{instance}}/delay/1?back={{\#(name)_id}}", "assert": [{"status": 200}]}"#)
            d.write("c/\(name)/03-check.json", #"{"url": "{{instance}}/anything?back={{\#(name)_id}}", "assert": [{"path": "$.args.back", "equals": "\#(name)"}]}"#)
        }
        d.write("c/zulu.json", #"{"url": "{{instance}}/anything?all={{alpha_id}},{{delta_id}}", "assert": [{"path": "$.args.all", "equals": "alpha,delta"}]}"#)
        return d.path + "/c"
    }

    @Test func parallelFoldersRunAtOnceAndReportAsASequentialRun() async throws {
        let d = TempDir()
        let c = Self.fourFolders(d)
        let seq = try await runFathom(["run", c, "--mock", "-r", "console,junit,json", "--reports-dir", d.path + "/seq"])
        #expect(seq.status == 0, "\(seq.output)")
        let par = try await runFathom(["run", c, "--mock", "-r", "console,junit,json", "--reports-dir", d.path + "/par", "--parallel", "4"])
        #expect(par.status == 0, "\(par.output)")
        // Four one-second delays take four seconds one after another; at once, about
        // one. The runs' own durations (from their JSON reports) leave out process
        // and instance start-up, which a shared machine stretches unevenly.
        let seqMs = try #require(try Self.reportField(d, "seq/parallel-folders.json", "durationMs") as? Double)
        let parMs = try #require(try Self.reportField(d, "par/parallel-folders.json", "durationMs") as? Double)
        #expect(seqMs >= 4000, "\(seqMs) ms")
        #expect(parMs < seqMs * 0.6, "parallel \(parMs) ms, sequential \(seqMs) ms")
        #expect(Self.stable(par.stdout) == Self.stable(seq.stdout))
        let junitSeq = try #require(d.read("seq/parallel-folders.junit.xml"))
        let junitPar = try #require(d.read("par/parallel-folders.junit.xml"))
        #expect(Self.stable(junitPar) == Self.stable(junitSeq))
        #expect(junitPar.contains(#"tests="13""#), "\(junitPar)")
        let jsonSeq = try #require(d.read("seq/parallel-folders.json"))
        let jsonPar = try #require(d.read("par/parallel-folders.json"))
        #expect(Self.stable(jsonPar) == Self.stable(jsonSeq))
        // The root request after the folders sees their captures.
        #expect(par.stdout.contains("zulu"))
    }

    @Test func aOneRowDataFileReachesEveryStageOfAFolderParallelRun() async throws {
        let d = TempDir()
        d.write("c/collection.json", #"{"fathom": 1, "name": "Row", "parallel": true}"#)
        d.write("c/01-first.json", #"{"url": "{{instance}}/anything?who={{who}}", "assert": [{"path": "$.args.who", "equals": "{{who}}"}, {"path": "$.args.who", "equals": "ada"}]}"#)
        for name in ["left", "right"] {
            d.write("c/\(name)/a.json", #"{"url": "{{instance}}/anything?who={{who}}", "assert": [{"path": "$.args.who", "equals": "ada"}]}"#)
        }
        d.write("c/99-last.json", #"{"url": "{{instance}}/anything?who={{who}}", "assert": [{"path": "$.args.who", "equals": "ada"}]}"#)
        d.write("data.json", #"[{"who": "ada"}]"#)
        let r = try await runFathom(["run", d.path + "/c", "--mock", "-d", d.path + "/data.json", "--parallel", "2", "-r", "console"])
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stdout.contains("4 passed"), "\(r.stdout)")
    }

    @Test func iterationsRunInParallelWithTheirOwnDataRows() async throws {
        let d = TempDir()
        d.write("c/collection.json", #"{"fathom": 1, "name": "Rows"}"#)
        d.write("c/01-send.json", #"{"url": "{{instance}}/anything?row={{row}}", "assert": [{"path": "$.args.row", "equals": "{{row}}"}], "capture": {"echoed": "$.args.row"}}"#)
        d.write("c/02-back.json", #"{"url": "{{instance}}/anything?back={{echoed}}", "assert": [{"path": "$.args.back", "equals": "{{row}}"}]}"#)
        let rows = (1...12).map { #"{"row": "r\#($0)"}"# }.joined(separator: ",")
        d.write("data.json", "[\(rows)]")
        let seq = try await runFathom(["run", d.path + "/c", "--mock", "-d", d.path + "/data.json", "--reports-dir", d.path + "/seq"])
        let par = try await runFathom(["run", d.path + "/c", "--mock", "-d", d.path + "/data.json", "--reports-dir", d.path + "/par", "--parallel", "3"])
        #expect(seq.status == 0, "\(seq.output)")
        #expect(par.status == 0, "\(par.output)")
        #expect(Self.stable(par.stdout) == Self.stable(seq.stdout))
        #expect(par.stdout.contains("Iteration 12/12"))
        let a = try #require(d.read("seq/rows.junit.xml"))
        let b = try #require(d.read("par/rows.junit.xml"))
        #expect(Self.stable(a) == Self.stable(b))
        #expect(b.contains(#"tests="24""#), "\(b)")
    }

    @Test func scriptsTakeTurnsInParallelIterationsAndGiveTheSequentialResults() async throws {
        let d = TempDir()
        let c = "collections/postman/sonar.postman_collection.json"
        let seq = try await runFathom(["run", c, "--mock", "-n", "4", "-r", "console,junit", "--reports-dir", d.path + "/seq"])
        let par = try await runFathom(["run", c, "--mock", "-n", "4", "--parallel", "4", "-r", "console,junit", "--reports-dir", d.path + "/par"])
        #expect(seq.status == 0, "\(seq.output)")
        #expect(par.status == 0, "\(par.output)")
        #expect(Self.stable(par.stdout) == Self.stable(seq.stdout))
        let a = try #require(d.read("seq/sonar-api-postman.junit.xml"))
        let b = try #require(d.read("par/sonar-api-postman.junit.xml"))
        #expect(Self.stable(a) == Self.stable(b))
        #expect(b.contains(#"tests="64""#), "\(b.prefix(300))")
    }

    @Test func bailStopsEveryLane() async throws {
        let d = TempDir()
        d.write("c/collection.json", #"{"fathom": 1, "name": "Bail"}"#)
        d.write("c/01-slow.json", #"{"url": "{{instance}}/delay/1", "assert": [{"status": 200}]}"#)
        d.write("c/02-fail.json", #"{"url": "{{instance}}/status/500", "assert": [{"status": 200}]}"#)
        let r = try await runFathom(["run", d.path + "/c", "--mock", "-n", "20", "--parallel", "2", "--bail", "-r", "console,junit", "--reports-dir", d.path + "/r"])
        #expect(r.status == 1, "\(r.output)")
        let junit = try #require(d.read("r/bail.junit.xml"))
        let suites = junit.components(separatedBy: "<testsuite ").count - 1
        // The two lanes in flight finish their request; no lane starts after the failure.
        #expect(suites >= 2 && suites <= 6, "\(suites) suites")
    }

    @Test func severalCollectionsRunTogetherEachWithItsReportsInOrder() async throws {
        let d = TempDir()
        for (name, status) in [("One", 200), ("Two", 200), ("Three", 418)] {
            d.write("\(name)/collection.json", #"{"fathom": 1, "name": "\#(name)"}"#)
            d.write("\(name)/a.json", #"{"url": "{{instance}}/delay/2", "assert": [{"status": 200}]}"#)
            d.write("\(name)/b.json", #"{"url": "{{instance}}/status/\#(status)", "assert": [{"status": 200}]}"#)
        }
        let paths = ["One", "Two", "Three"].map { d.path + "/" + $0 }
        let seq = try await runFathom(["run"] + paths + ["--mock", "-r", "console,json", "--reports-dir", d.path + "/s"])
        #expect(seq.status == 1)
        let r = try await runFathom(["run"] + paths + ["--mock", "--parallel", "3", "-r", "console,junit,json", "--reports-dir", d.path + "/r"])
        #expect(r.status == 1, "\(r.output)")
        // Each collection takes two seconds: one after another, the third starts at
        // least four seconds after the first; at once, within a second or so.
        func startGap(_ dir: String) throws -> Double {
            let first = try #require(try Self.reportField(d, "\(dir)/one.json", "startedAt") as? String)
            let third = try #require(try Self.reportField(d, "\(dir)/three.json", "startedAt") as? String)
            let f = ISO8601DateFormatter()
            return try #require(f.date(from: third)).timeIntervalSince(try #require(f.date(from: first)))
        }
        let seqGap = try startGap("s")
        let parGap = try startGap("r")
        #expect(seqGap >= 3, "sequential gap \(seqGap) s")
        #expect(parGap <= 2, "parallel gap \(parGap) s")
        for slug in ["one", "two", "three"] { #expect(d.read("r/\(slug).junit.xml") != nil, "\(slug)") }
        #expect(d.read("r/three.junit.xml")?.contains(#"failures="1""#) == true)
        // Whole collections, in the order given.
        let one = try #require(r.stdout.range(of: "One\n"))
        let two = try #require(r.stdout.range(of: "Two\n"))
        let three = try #require(r.stdout.range(of: "Three\n"))
        #expect(one.lowerBound < two.lowerBound && two.lowerBound < three.lowerBound, "\(r.stdout)")
        // With --bail, Three fails and nothing after it starts.
        let bailed = try await runFathom(["run"] + [paths[2], paths[0]] + ["--mock", "--bail", "--reports-dir", d.path + "/b"])
        #expect(bailed.status == 1)
        #expect(d.read("b/three.junit.xml") != nil && d.read("b/one.junit.xml") == nil, "\(bailed.output)")
        // Sequentially, the same outcome and output.
        #expect(Self.stable(seq.stdout) == Self.stable(r.stdout))
    }

    @Test func aParallelFolderUsingASiblingsCaptureIsRefused() async throws {
        let d = TempDir()
        d.write("c/collection.json", #"{"fathom": 1, "name": "Chained"}"#)
        d.write("c/login/folder.json", #"{"parallel": true}"#)
        d.write("c/login/01-login.json", #"{"url": "{{instance}}/anything", "capture": {"session": "$.url"}}"#)
        d.write("c/use/folder.json", #"{"parallel": true}"#)
        d.write("c/use/01-me.json", #"{"url": "{{instance}}/anything", "headers": {"X-Session": "{{ session }}"}}"#)
        for command in [["run", d.path + "/c", "--mock", "--parallel", "2"], ["validate", d.path + "/c"]] {
            let r = try await runFathom(command)
            #expect(r.status == 2, "\(r.output)")
            #expect(r.stderr.contains("use/01-me.json"), "\(r.stderr)")
            #expect(r.stderr.contains(#"folder "use" is marked "parallel", but this file uses {{session}}, which folder "login" captures"#), "\(r.stderr)")
            #expect(r.stderr.contains("login/01-login.json"), "\(r.stderr)")
        }
        // Capturing it in the folder itself is fine, and so is an unmarked folder that runs after.
        d.write("c/use/01-me.json", #"{"url": "{{instance}}/anything", "capture": {"session": "$.url"}}"#)
        d.write("c/use/02-again.json", #"{"url": "{{instance}}/anything", "headers": {"X-Session": "{{session}}"}}"#)
        let ok = try await runFathom(["run", d.path + "/c", "--mock", "--parallel", "2", "-r", "console"])
        #expect(ok.status == 0, "\(ok.output)")
    }

    @Test func badParallelInputIsExitTwo() async throws {
        let d = TempDir()
        d.write("c/collection.json", #"{"fathom": 1, "name": "Bad"}"#)
        d.write("c/top/inner/folder.json", #"{"parallel": true}"#)
        d.write("c/top/inner/a.json", #"{"url": "{{instance}}/get"}"#)
        let nested = try await runFathom(["run", d.path + "/c", "--mock"])
        #expect(nested.status == 2)
        #expect(nested.stderr.contains("'parallel' applies to top-level folders only"), "\(nested.stderr)")
        d.write("c/top/inner/folder.json", #"{"parallel": "yes"}"#)
        let typed = try await runFathom(["validate", d.path + "/c"])
        #expect(typed.status == 2)
        #expect(typed.stderr.contains("'parallel' must be true or false"), "\(typed.stderr)")

        for (value, message) in [("0", "--parallel must be at least 1"), ("65", "--parallel 65 is above the limit of 64"), ("x", "--parallel")] {
            let r = try await runFathom(["run", "collections/sonar-smoke", "--mock", "--parallel", value])
            #expect(r.status == 2, "\(value): \(r.output)")
            #expect(r.stderr.contains(message), "\(r.stderr)")
            #expect(!r.stdout.contains("Requests"))
        }
        let export = try await runFathom(["run", "collections/sonar-smoke", "collections/sonar-writes", "--mock", "--export-environment", d.path + "/env.json"])
        #expect(export.status == 2)
        #expect(export.stderr.contains("--export-environment belongs to one collection's run"), "\(export.stderr)")
        let twice = try await runFathom(["run", "collections/sonar-smoke", "collections/sonar-smoke", "--mock", "--reports-dir", d.path + "/r"])
        #expect(twice.status == 2)
        #expect(twice.stderr.contains("would overwrite each other"), "\(twice.stderr)")
    }
}
