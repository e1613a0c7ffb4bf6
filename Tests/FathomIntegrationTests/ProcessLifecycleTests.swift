import FathomCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `fathom mock` as a process, and interrupting a run.
@Suite struct ProcessLifecycleTests {
    /// Starts `fathom` with a pipe on stdout; returns the process and a line reader.
    func start(_ arguments: [String]) throws -> (Process, Pipe, Pipe) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: fathomBinary)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: repoRoot)
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        p.environment = env
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return (p, out, err)
    }

    /// Reads stdout until `marker` appears (or EOF).
    func readUntil(_ pipe: Pipe, _ marker: String) -> String {
        var seen = ""
        while !seen.contains(marker) {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        return seen
    }

    @Test func mockServesOnAFreePortAndStopsOnSIGTERM() async throws {
        let result: (String, Int32, String) = try await withCheckedThrowingContinuation { c in
            DispatchQueue.global().async {
                do {
                    let (p, out, _) = try self.start(["mock", "--port", "0"])
                    let banner = self.readUntil(out, "Ctrl-C")
                    guard let range = banner.range(of: #"http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) else {
                        kill(p.processIdentifier, SIGKILL)
                        c.resume(returning: (banner, -1, ""))
                        return
                    }
                    let base = String(banner[range])
                    // A real request from a real client.
                    let (status, body) = try shell("/usr/bin/curl", ["-s", "-H", "Authorization: Bearer fathom-demo-token", base + "/bearer"])
                    kill(p.processIdentifier, SIGTERM)
                    p.waitUntilExit()
                    let rest = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    c.resume(returning: (banner + "\n" + body + "\ncurl=\(status)", p.terminationStatus, rest))
                } catch {
                    c.resume(throwing: error)
                }
            }
        }
        let (text, status, tail) = result
        #expect(text.contains("fathom-demo-token (the demo token)"), "\(text)")
        #expect(text.contains("\"authenticated\":true"), "\(text)")
        #expect(status == 0, "exit \(status): \(text)")
        #expect(tail.contains("stopped"), "\(tail)")
    }

    @Test func mockWithACustomTokenDoesNotPrintIt() async throws {
        let text: String = try await withCheckedThrowingContinuation { c in
            DispatchQueue.global().async {
                do {
                    let (p, out, _) = try self.start(["mock", "--port", "0", "--token", "my-private-token"])
                    let banner = self.readUntil(out, "Ctrl-C")
                    kill(p.processIdentifier, SIGINT)
                    p.waitUntilExit()
                    c.resume(returning: banner)
                } catch { c.resume(throwing: error) }
            }
        }
        #expect(text.contains("listening"))
        #expect(!text.contains("my-private-token"))
    }

    @Test func interruptedRunExits130AndWritesReports() async throws {
        let d = TempDir()
        d.write("collection.json", #"{"fathom": 1, "name": "Slow", "variables": {"instance": "http://127.0.0.1:8484"}}"#)
        for i in 1...4 {
            d.write("\(i)-slow.json", #"{"url": "{{instance}}/delay/1", "assert": [{"status": 200}]}"#)
        }
        let reports = TempDir()
        let collectionPath = d.path
        let reportsPath = reports.path
        let status = try await interrupt(["run", collectionPath, "--mock", "--reports-dir", reportsPath], after: "delay/1", waitMicros: 300_000)
        #expect(status == 130)
        let junit = try #require(reports.read("slow.junit.xml"))
        #expect(junit.contains("<testsuite "))
        // Stopped before running all four.
        #expect(junit.components(separatedBy: "<testsuite ").count - 1 < 4)
    }

    @Test func interruptedParallelRunExits130AndWritesValidReports() async throws {
        let d = TempDir()
        d.write("collection.json", #"{"fathom": 1, "name": "Slow lanes", "variables": {"instance": "http://127.0.0.1:8484"}}"#)
        d.write("1-slow.json", #"{"url": "{{instance}}/delay/1", "assert": [{"status": 200}]}"#)
        let reports = TempDir()
        let collectionPath = d.path
        let reportsPath = reports.path
        let status = try await interrupt(["run", collectionPath, "--mock", "-n", "12", "--parallel", "3", "--reports-dir", reportsPath], after: "delay/1", waitMicros: 200_000)
        #expect(status == 130)
        let path = reports.path + "/slow-lanes.junit.xml"
        let junit = try #require(reports.read("slow-lanes.junit.xml"))
        let suites = junit.components(separatedBy: "<testsuite ").count - 1
        #expect(suites >= 3 && suites < 12, "\(junit)")
        let xsd = "\(repoRoot)/../shared/corpus/junit/jenkinsci__xunit-plugin__junit-10.xsd"
        let (valid, out) = try shell("/usr/bin/xmllint", ["--noout", "--schema", xsd, path])
        #expect(valid == 0, "xmllint: \(out)")
    }

    /// Starts fathom, waits for `marker` on its output and `waitMicros` more, sends
    /// `signal`, and returns the exit status and the seconds from the signal to the exit.
    func signalled(_ arguments: [String], after marker: String, waitMicros: useconds_t, signal: Int32) async throws -> (Int32, Double) {
        try await withCheckedThrowingContinuation { c in
            DispatchQueue.global().async {
                do {
                    let (p, out, _) = try self.start(arguments)
                    _ = self.readUntil(out, marker)
                    usleep(waitMicros)
                    let sent = Date()
                    kill(p.processIdentifier, signal)
                    _ = out.fileHandleForReading.readDataToEndOfFile()
                    p.waitUntilExit()
                    c.resume(returning: (p.terminationStatus, Date().timeIntervalSince(sent)))
                } catch { c.resume(throwing: error) }
            }
        }
    }

    /// SIGTERM and SIGINT alike: the request in flight (a 10-second answer) is
    /// abandoned at once, not waited for; the reports say what ran and that the run
    /// was interrupted, and stay valid.
    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalAbandonsTheRequestInFlightAndWritesMarkedReports(_ signal: Int32) async throws {
        let d = TempDir()
        d.write("collection.json", #"{"fathom": 1, "name": "In flight", "variables": {"instance": "http://127.0.0.1:8484"}}"#)
        d.write("1-quick.json", #"{"url": "{{instance}}/get?first=1", "assert": [{"status": 200}]}"#)
        d.write("2-slow.json", #"{"url": "{{instance}}/delay/10", "assert": [{"status": 200}]}"#)
        d.write("3-never.json", #"{"url": "{{instance}}/get?never=1", "assert": [{"status": 200}]}"#)
        let reports = TempDir()
        let (status, seconds) = try await signalled(
            ["run", d.path, "--mock", "-r", "console,junit,json,html,tap,markdown", "--reports-dir", reports.path],
            after: "first=1", waitMicros: 500_000, signal: signal)
        #expect(status == 130)
        // Not the ten seconds of the answer (a generous bound for a loaded machine).
        #expect(seconds < 5, "\(seconds) s from the signal to the exit")
        print("signal \(signal): exit 130 \(seconds) s after the signal")
        let report = try JSONParser.parse(Array(try #require(reports.read("in-flight.json")).utf8))
        #expect(report["interrupted"] == true)
        #expect(report["exitStatus"] == 130)
        let requests = report["requests"]?.arrayValue ?? []
        #expect(requests.count == 2, "\(requests)")
        #expect(requests.first?["status"] == "passed")
        #expect(requests.last?["status"] == "error")
        #expect(requests.last?["error"]?.stringValue == "interrupted: the request was abandoned before its response arrived")
        let junit = try #require(reports.read("in-flight.junit.xml"))
        #expect(junit.contains(#"<testsuite name="Run interrupted" tests="1" failures="0" errors="1""#), "\(junit)")
        #expect(junit.contains("the run was interrupted after 2 request(s)"))
        let xsd = "\(repoRoot)/../shared/corpus/junit/jenkinsci__xunit-plugin__junit-10.xsd"
        let (valid, out) = try shell("/usr/bin/xmllint", ["--noout", "--schema", xsd, reports.path + "/in-flight.junit.xml"])
        #expect(valid == 0, "xmllint: \(out)")
        #expect(reports.read("in-flight.html")?.contains("(interrupted)") == true)
        #expect(reports.read("in-flight.tap")?.contains("# interrupted") == true)
        #expect(reports.read("in-flight.md")?.contains("(interrupted)") == true)
    }

    @Test func aSignalAbandonsEveryLaneOfAParallelRun() async throws {
        let d = TempDir()
        d.write("collection.json", #"{"fathom": 1, "name": "Slow lanes", "variables": {"instance": "http://127.0.0.1:8484"}}"#)
        d.write("1-slow.json", #"{"url": "{{instance}}/delay/10", "assert": [{"status": 200}]}"#)
        d.write("2-quick.json", #"{"url": "{{instance}}/get?lane=1", "assert": [{"status": 200}]}"#)
        let reports = TempDir()
        // Three lanes each wait ten seconds for their first answer; the signal comes a second in.
        let (status, seconds) = try await signalled(
            ["run", d.path, "--mock", "-n", "6", "--parallel", "3", "-r", "console,junit,json", "--reports-dir", reports.path],
            after: "Slow lanes", waitMicros: 1_000_000, signal: SIGTERM)
        #expect(status == 130)
        #expect(seconds < 5, "\(seconds) s from the signal to the exit")
        let junit = try #require(reports.read("slow-lanes.junit.xml"))
        #expect(junit.contains("Run interrupted"))
        let xsd = "\(repoRoot)/../shared/corpus/junit/jenkinsci__xunit-plugin__junit-10.xsd"
        let (valid, out) = try shell("/usr/bin/xmllint", ["--noout", "--schema", xsd, reports.path + "/slow-lanes.junit.xml"])
        #expect(valid == 0, "xmllint: \(out)")
        let report = try JSONParser.parse(Array(try #require(reports.read("slow-lanes.json")).utf8))
        #expect(report["interrupted"] == true)
        // No lane got past its slow request.
        #expect((report["requests"]?.arrayValue ?? []).allSatisfy { $0["status"] == "error" }, "\(report)")
    }

    /// Request files are checked when the collection loads and read again shortly
    /// before each runs (RequestFiles, RequestPrefetch). One that goes bad in between
    /// is that request's error, named as such; the rest of the run goes on.
    @Test func aRequestFileThatGoesBadAfterLoadingErrorsThatRequestOnly() async throws {
        let d = TempDir()
        d.write("collection.json", #"{"fathom": 1, "name": "Changing", "variables": {"instance": "http://127.0.0.1:8484"}}"#)
        d.write("01-slow.json", #"{"url": "{{instance}}/delay/1", "assert": [{"status": 200}]}"#)
        // Far enough down that nothing has read it again before the first request ends.
        for i in 2...39 { d.write(String(format: "%02d-quick.json", i), #"{"url": "{{instance}}/get", "assert": [{"status": 200}]}"#) }
        let last = d.write("40-last.json", #"{"url": "{{instance}}/get", "assert": [{"status": 200}]}"#)
        let reports = TempDir()
        let arguments = ["run", d.path, "--mock", "-r", "console,json", "--reports-dir", reports.path]
        let status: Int32 = try await withCheckedThrowingContinuation { c in
            DispatchQueue.global().async {
                do {
                    let (p, out, _) = try self.start(arguments)
                    // The header is printed once the collection has loaded.
                    _ = self.readUntil(out, "40 requests")
                    try #"{"url": "{{instance}}/get", "assert": [{"status": 200}"#.write(toFile: last, atomically: true, encoding: .utf8)
                    _ = out.fileHandleForReading.readDataToEndOfFile()
                    p.waitUntilExit()
                    c.resume(returning: p.terminationStatus)
                } catch { c.resume(throwing: error) }
            }
        }
        // 3: a request could not be completed.
        #expect(status == 3)
        let report = try JSONParser.parse(Array(try #require(reports.read("changing.json")).utf8))
        let requests = report["requests"]?.arrayValue ?? []
        #expect(requests.count == 40)
        #expect(requests.dropLast().allSatisfy { $0["status"] == "passed" })
        let error = requests.last?["error"]?.stringValue ?? ""
        #expect(requests.last?["status"] == "error")
        #expect(error.contains("changed after the collection was loaded") && error.contains("40-last.json"), "\(error)")
    }

    /// Starts fathom, waits until its output shows `marker` and `waitMicros` more,
    /// sends SIGINT, and returns the exit status.
    func interrupt(_ arguments: [String], after marker: String, waitMicros: useconds_t) async throws -> Int32 {
        try await signalled(arguments, after: marker, waitMicros: waitMicros, signal: SIGINT).0
    }

    /// Runs `fathom mock` with extra flags, sends `count` GraphQL requests with curl, stops it.
    func mockResponses(_ flags: [String], count: Int) async throws -> [String] {
        try await withCheckedThrowingContinuation { c in
            DispatchQueue.global().async {
                do {
                    let (p, out, _) = try self.start(["mock", "--port", "0"] + flags)
                    let banner = self.readUntil(out, "Ctrl-C")
                    guard let range = banner.range(of: #"http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) else {
                        kill(p.processIdentifier, SIGKILL)
                        c.resume(returning: ["no banner: \(banner)"])
                        return
                    }
                    var bodies: [String] = []
                    for _ in 0..<count {
                        let (_, body) = try shell("/usr/bin/curl", [
                            "-s", "-w", "\n%{http_code}", "-H", "Authorization: Bearer fathom-demo-token",
                            "-H", "Content-Type: application/json", "-d", #"{"query": "{ me { id } }"}"#,
                            String(banner[range]) + "/api/graphql",
                        ])
                        bodies.append(body)
                    }
                    kill(p.processIdentifier, SIGTERM)
                    p.waitUntilExit()
                    c.resume(returning: bodies)
                } catch { c.resume(throwing: error) }
            }
        }
    }

    @Test func mockRateLimitAnswers429() async throws {
        let bodies = try await mockResponses(["--rate-limit-per-minute", "2"], count: 3)
        #expect(bodies.count == 3)
        #expect(bodies[0].hasSuffix("\n200"), "\(bodies)")
        #expect(bodies[1].hasSuffix("\n200"), "\(bodies)")
        #expect(bodies[2].hasSuffix("\n429"), "\(bodies)")
        #expect(bodies[2].contains("Request limit of 2/min reached."), "\(bodies)")
    }

    @Test func mockErrorRateAndSeed() async throws {
        let failing = try await mockResponses(["--error-rate", "1"], count: 2)
        #expect(failing.allSatisfy { $0.hasSuffix("\n500") }, "\(failing)")
        let a = try await mockResponses(["--seed", "7"], count: 1)
        let b = try await mockResponses(["--seed", "7"], count: 1)
        #expect(a == b)
        #expect(a.first?.hasSuffix("\n200") == true, "\(a)")
    }

    @Test func mockRejectsBadFlags() async throws {
        #expect(try await runFathom(["mock", "--error-rate", "2"]).status == 2)
        #expect(try await runFathom(["mock", "--port", "70000"]).status == 2)
        #expect(try await runFathom(["mock", "--rate-limit-per-minute", "0"]).status == 2)
    }
}
