import FathomCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One request as the test server read it off the wire.
struct RecordedRequest: Sendable {
    var method: String
    var target: String
    var headers: [HTTPHeader]
    var body: [UInt8]
    /// Which accepted connection (1-based) carried it.
    var connection: Int

    func header(_ name: String) -> String? { headers.first(named: name) }
}

/// What the test server answers.
struct CannedResponse: Sendable {
    var status = 200
    var reason = "OK"
    var headers: [HTTPHeader] = []
    var body: [UInt8] = []
    /// Wait this long before answering.
    var delayMs = 0
    /// Send no Content-Length and close the connection after the body.
    var closeDelimited = false

    static func text(_ text: String, status: Int = 200, headers: [HTTPHeader] = []) -> CannedResponse {
        CannedResponse(status: status, headers: headers, body: Array(text.utf8))
    }
}

/// A tiny HTTP/1.1 server on 127.0.0.1 with an ephemeral port, on plain threads
/// (so it keeps answering while libcurl blocks Swift concurrency threads). It
/// records every request and counts accepted connections.
final class TestServer: @unchecked Sendable {
    let port: Int
    private let listenFD: Int32
    private let lock = NSLock()
    private var recorded: [RecordedRequest] = []
    private var accepted = 0
    private var clients: Set<Int32> = []
    private var stopped = false
    private let handler: @Sendable (RecordedRequest) -> CannedResponse

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var requests: [RecordedRequest] { lock.withLock { recorded } }
    var connectionCount: Int { lock.withLock { accepted } }
    /// The most requests the server was answering at the same moment (a delayed
    /// answer counts from the request's arrival until it is sent).
    var mostAtOnce: Int { lock.withLock { peakActive } }
    private var active = 0
    private var peakActive = 0

    init(handler: @escaping @Sendable (RecordedRequest) -> CannedResponse = TestRoutes.handle) throws {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        listenFD = fd
        port = boundPort(fd)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    func stop() {
        // Under the lock: a client's serving thread closes its descriptor only
        // after removing it from `clients` under this lock, so a number in the set
        // is still ours (never a reused descriptor of another socket).
        lock.withLock {
            if stopped { return }
            stopped = true
            shutdown(listenFD, Int32(SHUT_RDWR))
            for fd in clients { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    private func acceptLoop() {
        while true {
            let client = accept(listenFD, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                break
            }
            let number: Int? = lock.withLock {
                if stopped { return nil }
                accepted += 1
                clients.insert(client)
                return accepted
            }
            guard let number else {
                close(client)
                break
            }
            let thread = Thread { [self] in serve(client, connection: number) }
            thread.start()
        }
        lock.withLock {
            stopped = true
            close(listenFD)
        }
    }

    private func serve(_ fd: Int32, connection: Int) {
        defer {
            lock.withLock { _ = clients.remove(fd) }
            close(fd)
        }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        func fill() -> Bool {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return false }
            buffer.append(contentsOf: chunk[0..<n])
            return true
        }
        while true {
            var headerEnd: Int? = nil
            while headerEnd == nil {
                headerEnd = findHeaderEnd(buffer)
                if headerEnd == nil && !fill() { return }
            }
            let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
            var lines = head.components(separatedBy: "\r\n")
            let requestLine = lines.removeFirst().split(separator: " ")
            guard requestLine.count >= 2 else { return }
            var headers: [HTTPHeader] = []
            for line in lines where !line.isEmpty {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers.append(HTTPHeader(
                    String(line[..<colon]),
                    line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
            let length = Int(headers.first(named: "Content-Length") ?? "0") ?? 0
            let bodyStart = headerEnd! + 4
            while buffer.count < bodyStart + length {
                if !fill() { return }
            }
            let request = RecordedRequest(
                method: String(requestLine[0]), target: String(requestLine[1]), headers: headers,
                body: Array(buffer[bodyStart..<bodyStart + length]), connection: connection)
            buffer.removeFirst(bodyStart + length)
            lock.withLock { recorded.append(request) }

            lock.withLock {
                active += 1
                peakActive = max(peakActive, active)
            }
            let response = handler(request)
            if response.delayMs > 0 { usleep(useconds_t(response.delayMs * 1000)) }
            lock.withLock { active -= 1 }
            var out = Array("HTTP/1.1 \(response.status) \(response.reason)\r\n".utf8)
            for header in response.headers { out += Array("\(header.name): \(header.value)\r\n".utf8) }
            if response.closeDelimited {
                out += Array("Connection: close\r\n".utf8)
            } else if response.headers.first(named: "Content-Length") == nil {
                out += Array("Content-Length: \(response.body.count)\r\n".utf8)
            }
            out += Array("\r\n".utf8)
            if request.method != "HEAD" { out += response.body }
            if !sendAll(fd, out) || response.closeDelimited { return }
        }
    }

    private func findHeaderEnd(_ buffer: [UInt8]) -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4)
        where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
            return i
        }
        return nil
    }
}

private func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes {
            send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
        }
        if n <= 0 { return false }
        offset += n
    }
    return true
}

private func boundPort(_ fd: Int32) -> Int {
    var address = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A port that was free a moment ago (bound to 0, read back, closed).
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    return boundPort(fd)
}

/// Whether something accepts TCP connections on 127.0.0.1:port.
func canConnect(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}

/// The routes every test server answers.
enum TestRoutes {
    static let digestUser = "alice"
    static let digestPassword = "s3cret"
    static let digestRealm = "fathom-test"

    /// gzip of "Hello, gzip! Hello, gzip! Hello, gzip!" (gzip -9n).
    static let gzipBody: [UInt8] = [
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xf3, 0x48,
        0xcd, 0xc9, 0xc9, 0xd7, 0x51, 0x48, 0xaf, 0xca, 0x2c, 0x50, 0x54, 0xf0,
        0xc0, 0xc5, 0x01, 0x00, 0xc0, 0xe3, 0x7a, 0xea, 0x26, 0x00, 0x00, 0x00,
    ]
    static let gzipPlain = "Hello, gzip! Hello, gzip! Hello, gzip!"

    @Sendable static func handle(_ request: RecordedRequest) -> CannedResponse {
        let path = request.target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
        let parts = path.split(separator: "/").map(String.init)
        switch parts.first ?? "" {
        case "echo":
            return CannedResponse(
                headers: [
                    HTTPHeader("Content-Type", "application/octet-stream"),
                    HTTPHeader("X-Method", request.method),
                ],
                body: request.body)
        case "status":
            let code = Int(parts.dropFirst().first ?? "200") ?? 200
            return .text("status \(code)", status: code)
        case "slow":
            let ms = Int(parts.dropFirst().first ?? "1000") ?? 1000
            return CannedResponse(body: Array("slow".utf8), delayMs: ms)
        case "big":
            let n = Int(parts.dropFirst().first ?? "0") ?? 0
            return CannedResponse(body: [UInt8](repeating: 0x61, count: n))
        case "stream":
            let n = Int(parts.dropFirst().first ?? "0") ?? 0
            return CannedResponse(body: [UInt8](repeating: 0x62, count: n), closeDelimited: true)
        case "gzip":
            return CannedResponse(
                headers: [HTTPHeader("Content-Encoding", "gzip"), HTTPHeader("Content-Type", "text/plain")],
                body: gzipBody)
        case "headers":
            return CannedResponse(
                headers: [
                    HTTPHeader("X-Multi", "one"), HTTPHeader("X-Multi", "two"),
                    HTTPHeader("X-Spaced", "  padded value  "), HTTPHeader("X-Empty", ""),
                ],
                body: Array("headers".utf8))
        case "redirect":
            let n = Int(parts.dropFirst().first ?? "0") ?? 0
            if n <= 0 { return .text("done") }
            return .text("moved", status: 302, headers: [HTTPHeader("Location", "/redirect/\(n - 1)")])
        case "cross":
            let port = parts.dropFirst().first ?? "1"
            return .text("moved", status: 302, headers: [HTTPHeader("Location", "http://localhost:\(port)/landing")])
        case "same":
            return .text("moved", status: 302, headers: [HTTPHeader("Location", "/landing")])
        case "landing":
            return .text("landed")
        case "setcookie":
            return .text("cookie set", headers: [HTTPHeader("Set-Cookie", "session=abc123; Path=/")])
        case "digest":
            return digest(request)
        default:
            return .text("not found", status: 404)
        }
    }

    /// RFC 7616 digest (MD5, qop=auth) for `digestUser`/`digestPassword`.
    static func digest(_ request: RecordedRequest) -> CannedResponse {
        let nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093"
        let challenge = CannedResponse.text(
            "unauthorized", status: 401,
            headers: [HTTPHeader(
                "WWW-Authenticate",
                "Digest realm=\"\(digestRealm)\", qop=\"auth\", nonce=\"\(nonce)\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\", algorithm=MD5")])
        guard let authorization = request.header("Authorization"), authorization.hasPrefix("Digest ") else {
            return challenge
        }
        let fields = parseDigestFields(String(authorization.dropFirst("Digest ".count)))
        guard fields["username"] == digestUser, fields["realm"] == digestRealm, fields["nonce"] == nonce,
              let uri = fields["uri"], let nc = fields["nc"], let cnonce = fields["cnonce"],
              let qop = fields["qop"], let response = fields["response"]
        else { return challenge }
        let ha1 = md5Hex("\(digestUser):\(digestRealm):\(digestPassword)")
        let ha2 = md5Hex("\(request.method):\(uri)")
        let expected = md5Hex("\(ha1):\(nonce):\(nc):\(cnonce):\(qop):\(ha2)")
        return response == expected ? .text("digest ok") : challenge
    }

    static func parseDigestFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        var index = text.startIndex
        while index < text.endIndex {
            while index < text.endIndex, text[index] == " " || text[index] == "," { index = text.index(after: index) }
            guard let equals = text[index...].firstIndex(of: "=") else { break }
            let key = text[index..<equals].trimmingCharacters(in: .whitespaces)
            index = text.index(after: equals)
            var value = ""
            if index < text.endIndex, text[index] == "\"" {
                index = text.index(after: index)
                while index < text.endIndex, text[index] != "\"" {
                    value.append(text[index])
                    index = text.index(after: index)
                }
                if index < text.endIndex { index = text.index(after: index) }
            } else {
                while index < text.endIndex, text[index] != "," {
                    value.append(text[index])
                    index = text.index(after: index)
                }
                value = value.trimmingCharacters(in: .whitespaces)
            }
            fields[key] = value
        }
        return fields
    }
}

/// MD5 (RFC 1321) as lowercase hex, for the digest route.
func md5Hex(_ text: String) -> String {
    let shifts: [UInt32] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ]
    let table: [UInt32] = (0..<64).map { UInt32(truncatingIfNeeded: Int64(abs(sin(Double($0 + 1))) * 4_294_967_296)) }
    var message = Array(text.utf8)
    let bitLength = UInt64(message.count) * 8
    message.append(0x80)
    while message.count % 64 != 56 { message.append(0) }
    for i in 0..<8 { message.append(UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(i)))) }
    var a0: UInt32 = 0x6745_2301, b0: UInt32 = 0xefcd_ab89, c0: UInt32 = 0x98ba_dcfe, d0: UInt32 = 0x1032_5476
    for chunk in stride(from: 0, to: message.count, by: 64) {
        let words: [UInt32] = (0..<16).map { i in
            let o = chunk + 4 * i
            return UInt32(message[o]) | UInt32(message[o + 1]) << 8 | UInt32(message[o + 2]) << 16
                | UInt32(message[o + 3]) << 24
        }
        var a = a0, b = b0, c = c0, d = d0
        for i in 0..<64 {
            var f: UInt32
            let g: Int
            switch i {
            case 0..<16: f = (b & c) | (~b & d); g = i
            case 16..<32: f = (d & b) | (~d & c); g = (5 * i + 1) % 16
            case 32..<48: f = b ^ c ^ d; g = (3 * i + 5) % 16
            default: f = c ^ (b | ~d); g = (7 * i) % 16
            }
            f = f &+ a &+ table[i] &+ words[g]
            a = d
            d = c
            c = b
            b = b &+ ((f << shifts[i]) | (f >> (32 - shifts[i])))
        }
        a0 = a0 &+ a
        b0 = b0 &+ b
        c0 = c0 &+ c
        d0 = d0 &+ d
    }
    var hex = ""
    for word in [a0, b0, c0, d0] {
        for i in 0..<4 {
            let byte = UInt8(truncatingIfNeeded: word >> (8 * UInt32(i)))
            hex += String(format: "%02x", byte)
        }
    }
    return hex
}

/// `openssl s_server -www` with a fresh self-signed certificate for localhost.
final class TLSServer: @unchecked Sendable {
    let port: Int
    let certPath: String
    let keyPath: String
    private let directory: URL
    private let process: Process
    private let stdin = Pipe()

    var baseURL: String { "https://localhost:\(port)" }

    /// - Parameter requireClientCertificate: demand a client certificate signed by
    ///   the server's own (self-signed) certificate, which then doubles as the client's.
    init(requireClientCertificate: Bool = false) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        certPath = directory.appendingPathComponent("c.pem").path
        keyPath = directory.appendingPathComponent("k.pem").path
        let request = Process()
        request.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        request.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "1",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", keyPath, "-out", certPath,
        ]
        request.standardOutput = FileHandle.nullDevice
        request.standardError = FileHandle.nullDevice
        try request.run()
        request.waitUntilExit()
        guard request.terminationStatus == 0 else { throw POSIXError(.EIO) }

        for _ in 0..<10 {
            let candidate = freePort()
            let server = Process()
            server.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            server.arguments = [
                "s_server", "-accept", "127.0.0.1:\(candidate)", "-cert", certPath, "-key", keyPath, "-www", "-quiet",
            ] + (requireClientCertificate ? ["-Verify", "1", "-CAfile", certPath] : [])
            server.standardInput = stdin
            server.standardOutput = FileHandle.nullDevice
            server.standardError = FileHandle.nullDevice
            try server.run()
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline && server.isRunning && !canConnect(port: candidate) {
                usleep(50_000)
            }
            if server.isRunning && canConnect(port: candidate) {
                port = candidate
                process = server
                return
            }
            if server.isRunning { kill(server.processIdentifier, SIGKILL) }
            server.waitUntilExit()
        }
        throw POSIXError(.EADDRINUSE)
    }

    func stop() {
        // SIGKILL: s_server started from the test process may not act on SIGTERM
        // (the signal can be blocked in the mask it inherits).
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }
}

/// How much slower than usual the suite runs (`FATHOM_TEST_SLOWDOWN`, e.g. 3 under
/// the address sanitizer in `.ci/run`): the bounds that only guard against a hang
/// are multiplied by it.
let testSlowdown: Double = ProcessInfo.processInfo.environment["FATHOM_TEST_SLOWDOWN"].flatMap(Double.init).map { max(1, $0) } ?? 1
