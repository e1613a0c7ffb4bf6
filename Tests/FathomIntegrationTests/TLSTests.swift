import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A TLS server with a certificate the test generates (`openssl s_server`), on loopback.
final class TLSServer {
    let dir = TempDir()
    let port: Int
    var certPath: String { "\(dir.path)/cert.pem" }

    init(serveFiles: Bool = false) throws {
        let (status, out) = try shell("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", "\(dir.path)/key.pem", "-out", "\(dir.path)/cert.pem",
        ])
        guard status == 0 else { throw TLSServerError.setup("openssl req failed: \(out)") }
        var lastError = ""
        for _ in 0..<5 {
            let candidate = Int.random(in: 20000...60000)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            p.arguments = ["s_server", "-accept", "127.0.0.1:\(candidate)", "-cert", "\(dir.path)/cert.pem", "-key", "\(dir.path)/key.pem", serveFiles ? "-WWW" : "-www"]
            p.currentDirectoryURL = URL(fileURLWithPath: dir.path)
            let pipe = Pipe()
            p.standardOutput = pipe
            p.standardError = pipe
            p.standardInput = FileHandle.nullDevice
            try p.run()
            // s_server prints ACCEPT once it listens; it exits at once when the port is taken.
            let reader = pipe.fileHandleForReading
            var seen = ""
            while !seen.contains("ACCEPT") {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                seen += String(decoding: chunk, as: UTF8.self)
            }
            if seen.contains("ACCEPT") {
                // Keep draining its output so it never blocks on a full pipe.
                Thread { while !reader.availableData.isEmpty {} }.start()
                self.port = candidate
                self.started = p
                return
            }
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
            lastError = "s_server did not start on port \(candidate): \(seen)"
        }
        throw TLSServerError.setup(lastError)
    }

    private var started: Process?

    deinit {
        // s_server may ignore SIGTERM when started from a test process.
        if let p = started, p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
    }
}

enum TLSServerError: Error { case setup(String) }

@Suite(.serialized) struct TLSTests {
    func collection(_ url: String) -> TempDir {
        let d = TempDir()
        d.write("collection.json", #"{"fathom": 1, "name": "TLS"}"#)
        d.write("a.json", #"{"url": "\#(url)", "assert": [{"status": 200}]}"#)
        return d
    }

    @Test func selfSignedCertificateFailsThenInsecureAndCACertPass() async throws {
        let server = try TLSServer()
        let d = collection("https://localhost:\(server.port)/")
        let verified = try await runFathom(["run", d.path, "--reporter", "console"])
        #expect(verified.status == 3, "\(verified.output)")
        #expect(verified.stdout.contains("TLS"), "\(verified.stdout)")

        let insecure = try await runFathom(["run", d.path, "--reporter", "console", "--insecure"])
        #expect(insecure.status == 0, "\(insecure.output)")

        let trusted = try await runFathom(["run", d.path, "--reporter", "console", "--cacert", server.certPath])
        #expect(trusted.status == 0, "\(trusted.output)")
    }

    @Test func insecureOptionInTheCollection() async throws {
        let server = try TLSServer()
        let d = TempDir()
        d.write("collection.json", #"{"fathom": 1, "name": "TLS", "options": {"insecure": true}}"#)
        d.write("a.json", #"{"url": "https://127.0.0.1:\#(server.port)/", "assert": [{"status": 200}]}"#)
        let r = try await runFathom(["run", d.path, "--reporter", "console"])
        #expect(r.status == 0, "\(r.output)")
    }
}
