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
        let status: Int32 = try await withCheckedThrowingContinuation { c in
            DispatchQueue.global().async {
                do {
                    let (p, out, _) = try self.start(["run", collectionPath, "--mock", "--reports-dir", reportsPath])
                    _ = self.readUntil(out, "delay/1")
                    usleep(300_000)
                    kill(p.processIdentifier, SIGINT)
                    _ = out.fileHandleForReading.readDataToEndOfFile()
                    p.waitUntilExit()
                    c.resume(returning: p.terminationStatus)
                } catch { c.resume(throwing: error) }
            }
        }
        #expect(status == 130)
        let junit = try #require(reports.read("slow.junit.xml"))
        #expect(junit.contains("<testsuite "))
        // Stopped before running all four.
        #expect(junit.components(separatedBy: "<testsuite ").count - 1 < 4)
    }
}
