import FathomMock
import Foundation
import Testing

/// Resources a long run must not pile up: file descriptors over 10,000 requests
/// (the runner, libcurl and the file reporters), and a script that allocates
/// without end, stopped by Fathom's bound rather than the system.
@Suite(.serialized) struct ResourceBoundTests {
    /// Runs `fathom` and counts its open file descriptors every 100 ms until it
    /// exits (from /proc): its status and the counts, in order.
    static func descriptorsOver(_ arguments: [String]) throws -> (Int32, [Int]) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: fathomBinary)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        var counts: [Int] = []
        while p.isRunning {
            if let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(p.processIdentifier)/fd") { counts.append(fds.count) }
            usleep(100_000)
        }
        p.waitUntilExit()
        return (p.terminationStatus, counts)
    }

    /// 10,000 requests one after another (one easy handle), then 2,000 over the
    /// multi interface four at a time, every file reporter on: the process's
    /// descriptors after it has started are the same at the end of the run as at
    /// its beginning; one left open per request would be thousands.
    @Test func noDescriptorLeaksOverTenThousandRequests() async throws {
        let d = TempDir()
        d.write("c/collection.json", #"{"fathom": 1, "name": "Descriptors"}"#)
        d.write("c/01.json", #"{"url": "{{instance}}/get?n={{$randomInt}}", "assert": [{"status": 200}, {"path": "$.args.n", "exists": true}]}"#)
        d.write("c/02.json", #"{"url": "{{instance}}/headers", "assert": [{"status": 200}]}"#)
        let server = MockServer(configuration: MockConfiguration(host: "127.0.0.1", port: 0))
        let port = try await server.start()
        defer { Task { await server.stop() } }
        let dir = d.path
        let common = ["run", dir + "/c", "--var", "instance=http://127.0.0.1:\(port)", "-q", "-r", "console,junit,json,tap,markdown"]
        for (label, extra) in [("sequential, 10,000 requests", ["-n", "5000"]), ("--parallel 4, 2,000 requests", ["-n", "1000", "--parallel", "4"])] {
            let (status, counts) = try await withCheckedThrowingContinuation { c in
                DispatchQueue.global().async {
                    c.resume(with: Result { try Self.descriptorsOver(common + extra + ["--reports-dir", dir + "/r-\(extra.count)"]) })
                }
            }
            #expect(status == 0, "\(label)")
            // Leave out the start (loading, the first connections, the reports' spool
            // files made at the first request: a fifth of the run) and the end.
            #expect(counts.count >= 10, "\(label): only \(counts.count) samples")
            #expect((counts.max() ?? 0) <= 64, "\(label): \(counts.max() ?? 0) descriptors open at once")
            let steady = Array(counts.dropFirst(max(3, counts.count / 5)).dropLast(2))
            let low = steady.min() ?? 0, high = steady.max() ?? 0
            // A few come and go (a file read ahead, a connection replaced, fewer while
            // a sanitizer slows the run); none piles up: the last third of the run has
            // no more open than the first.
            func median(_ xs: ArraySlice<Int>) -> Int { xs.sorted()[xs.count / 2] }
            let third = max(1, steady.count / 3)
            let early = median(steady.prefix(third)), late = median(steady.suffix(third))
            #expect(late <= early + 5, "\(label): \(early) open early in the run, \(late) late: \(counts)")
            print("descriptors, \(label): \(counts.count) samples, first \(counts.first ?? -1), steady \(low)–\(high) (median \(early) early, \(late) late), last \(counts.last ?? -1)")
        }
    }

    @Test func aScriptThatAllocatesWithoutEndIsStoppedByFathomsBound() async throws {
        let d = TempDir()
        d.write("c/collection.json", #"{"fathom": 1, "name": "Hungry"}"#)
        d.write("c/01-hungry.json", #"{"url": "{{instance}}/get", "scripts": {"test": "hungry.js"}}"#)
        d.write("c/hungry.js", """
            var hoard = [];
            while (true) { hoard.push(new Array(100000).fill(hoard.length)); }
            """)
        d.write("c/02-after.json", #"{"url": "{{instance}}/get?after=1", "assert": [{"status": 200}], "scripts": {"test": "after.js"}}"#)
        d.write("c/after.js", "pm.test('scripts still run', function () { pm.expect(1).to.equal(1); });\n")
        let reports = TempDir()
        // A minute of time, 64 MB of memory: the memory bound ends it.
        let r = try await runFathom(["run", d.path + "/c", "--mock", "--timeout-script", "60000", "--script-memory-limit", "64", "-r", "console,json", "--reports-dir", reports.path])
        #expect(r.status == 1, "\(r.output)")
        #expect(r.stdout.contains("the script grew Fathom's memory by more than 64 MB and was stopped (--script-memory-limit)"), "\(r.stdout)")
        // The run went on, and the next request's script ran.
        #expect(r.stdout.contains("✔ scripts still run"), "\(r.stdout)")
        let report = try #require(reports.read("hungry.json"))
        #expect(report.contains("\"exitStatus\": 1"))
    }
}
