import Foundation
import Testing

/// Servers that misbehave in ways the transport matrix does not cover: an expired
/// certificate, 100 KB of response headers, a body that is not UTF-8 under a
/// `path` assertion, a connection closed after the headers. Each is an error or a
/// failure with a precise reason, the run goes on, and every report is complete and valid.
@Suite struct FaultTests {
    /// `Tests/Fixtures/fault_server.py` with an expired certificate for localhost.
    final class FaultServer {
        let plainPort: Int
        let tlsPort: Int
        let certPath: String
        private let process: Process
        private let dir = TempDir()

        init() throws {
            let key = dir.path + "/k.pem", csr = dir.path + "/r.csr", ext = dir.write("ext.cnf", "subjectAltName=DNS:localhost,IP:127.0.0.1\n")
            certPath = dir.path + "/c.pem"
            var (status, output) = try shell("/usr/bin/openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", key, "-out", csr])
            guard status == 0 else { throw NSError(domain: "openssl", code: 1, userInfo: [NSLocalizedDescriptionKey: output]) }
            // Valid until a day before it was made: expired.
            (status, output) = try shell("/usr/bin/openssl", ["x509", "-req", "-in", csr, "-signkey", key, "-out", certPath, "-days", "-1", "-extfile", ext])
            guard status == 0 else { throw NSError(domain: "openssl", code: 2, userInfo: [NSLocalizedDescriptionKey: output]) }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["python3", repoRoot + "/Tests/Fixtures/fault_server.py", "--cert", certPath, "--key", key]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            process = p
            var line = ""
            while !line.contains("\n") {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line += String(decoding: chunk, as: UTF8.self)
            }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\n" })
            guard words.count >= 4, let plain = Int(words[1]), let tls = Int(words[3]) else {
                kill(p.processIdentifier, SIGKILL)
                throw NSError(domain: "fault_server", code: 3, userInfo: [NSLocalizedDescriptionKey: "no ports: \(line)"])
            }
            plainPort = plain
            tlsPort = tls
        }

        deinit {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    @Test func eachFaultIsAPreciseErrorOrFailureAndTheRunGoesOn() async throws {
        let server = try FaultServer()
        let d = TempDir()
        let plain = "http://127.0.0.1:\(server.plainPort)"
        d.write("c/collection.json", #"{"fathom": 1, "name": "Faults"}"#)
        d.write("c/01-expired.json", #"{"url": "https://localhost:\#(server.tlsPort)/ok", "assert": [{"status": 200}]}"#)
        d.write("c/02-big-headers.json", #"{"url": "\#(plain)/big-headers", "assert": [{"status": 200}, {"header": "X-Filler-0999", "exists": true}, {"path": "$.headers", "equals": "big"}]}"#)
        d.write("c/03-bad-utf8.json", #"{"url": "\#(plain)/bad-utf8", "assert": [{"path": "$.id", "equals": 7}, {"path": "$.name", "equals": "café"}]}"#)
        d.write("c/04-closed.json", #"{"url": "\#(plain)/close-after-headers", "assert": [{"status": 200}]}"#)
        d.write("c/05-ok.json", #"{"url": "\#(plain)/ok", "assert": [{"path": "$.ok", "equals": true}]}"#)
        let reports = TempDir()
        let r = try await runFathom(["run", d.path + "/c", "--cacert", server.certPath, "-r", "console,junit,json,html,markdown,tap", "--reports-dir", reports.path])
        #expect(r.status == 3, "\(r.output)")

        let text = try #require(reports.read("faults.json"))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let requests = try #require(report["requests"] as? [[String: Any]])
        #expect(requests.count == 5)
        func entry(_ id: String) -> [String: Any] { requests.first { $0["id"] as? String == id } ?? [:] }
        func failures(_ id: String) -> [String] {
            (entry(id)["assertions"] as? [[String: Any]] ?? []).filter { $0["passed"] as? Bool == false }.map {
                "\($0["name"] ?? "") | \($0["actual"] ?? "") | \($0["message"] ?? "")"
            }
        }
        // The expired certificate: a TLS error that says so.
        #expect(entry("01-expired.json")["status"] as? String == "error")
        let expired = entry("01-expired.json")["error"] as? String ?? ""
        #expect(expired.contains("TLS") && expired.contains("expired"), "\(expired)")
        // 100 KB of headers: read whole.
        #expect(entry("02-big-headers.json")["status"] as? String == "passed", "\(failures("02-big-headers.json"))")
        // Not UTF-8 (JSON must be, RFC 8259): each path assertion fails, saying where the body stops being JSON and why.
        #expect(entry("03-bad-utf8.json")["status"] as? String == "failed")
        let bad = failures("03-bad-utf8.json")
        #expect(bad.count == 2, "\(bad)")
        for f in bad {
            #expect(f.contains("the response body is not JSON (Content-Type application/json; 1:11: the string is not valid UTF-8)"), "\(f)")
        }
        // Closed after the headers: an error naming the missing bytes.
        #expect(entry("04-closed.json")["status"] as? String == "error")
        let closed = entry("04-closed.json")["error"] as? String ?? ""
        #expect(closed.contains("1000 bytes remaining") || closed.contains("closed"), "\(closed)")
        // And the run went on.
        #expect(entry("05-ok.json")["status"] as? String == "passed")

        // Every report complete and valid.
        let xsd = "\(repoRoot)/../shared/corpus/junit/jenkinsci__xunit-plugin__junit-10.xsd"
        let (valid, out) = try shell("/usr/bin/xmllint", ["--noout", "--schema", xsd, reports.path + "/faults.junit.xml"])
        #expect(valid == 0, "xmllint: \(out)")
        #expect(try #require(reports.read("faults.junit.xml")).contains(#"tests="8" failures="2" errors="2""#))
        #expect(reports.read("faults.tap")?.hasSuffix("1..5\n") == true)
        #expect(reports.read("faults.html")?.contains("</html>") == true)
        #expect(reports.read("faults.md")?.contains("1 of 5 requests failed, 2 errors") == true, "\(reports.read("faults.md") ?? "")")
    }
}
