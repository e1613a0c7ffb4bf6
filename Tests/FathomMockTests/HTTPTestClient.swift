import FathomCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A response as the tests see it: lower-cased header names.
struct HTTPResult: Sendable {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    func json() throws -> JSON { try JSONParser.parse(body) }

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

struct TestClientError: Error, CustomStringConvertible {
    var description: String
}

/// Refuses redirects so the tests can see 3xx responses.
final class NoRedirectDelegate: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}

enum HTTPTestClient {
    static func session(followRedirects: Bool) -> URLSession {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.timeoutIntervalForRequest = 60
        return URLSession(
            configuration: configuration, delegate: followRedirects ? nil : NoRedirectDelegate(), delegateQueue: nil
        )
    }

    /// One request over URLSession.
    static func send(_ url: String, headers: [String: String] = [:], followRedirects: Bool = true) async throws -> HTTPResult {
        try await send("GET", url, headers: headers, body: nil, followRedirects: followRedirects)
    }

    static func send(
        _ method: String, _ url: String, headers: [String: String] = [:], body: [UInt8]? = nil,
        followRedirects: Bool = true
    ) async throws -> HTTPResult {
        guard let target = URL(string: url) else { throw TestClientError(description: "bad url \(url)") }
        var request = URLRequest(url: target)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body { request.httpBody = Data(body) }
        let session = session(followRedirects: followRedirects)
        defer { session.finishTasksAndInvalidate() }
        return try await withCheckedThrowingContinuation { continuation in
            let task = session.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: error)
                    return
                }
                guard let http = response as? HTTPURLResponse else {
                    continuation.resume(throwing: TestClientError(description: "no HTTP response"))
                    return
                }
                var fields: [String: String] = [:]
                for (key, value) in http.allHeaderFields {
                    fields[String(describing: key).lowercased()] = String(describing: value)
                }
                continuation.resume(returning: HTTPResult(status: http.statusCode, headers: fields, body: Array(data ?? Data())))
            }
            task.resume()
        }
    }

    /// One request over a raw socket (`Connection: close`). FoundationNetworking's URLSession
    /// stalls on 401 responses that carry `WWW-Authenticate`, so the auth tests use this.
    static func request(
        port: Int, _ target: String, method: String = "GET", headers: [String: String] = [:], body: [UInt8] = []
    ) async throws -> HTTPResult {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method != "GET" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        let response = try await raw(port: port, head, body: body)
        let statusLine = response.head.split(separator: "\r\n").first ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else {
            throw TestClientError(description: "bad status line \(statusLine)")
        }
        var fields: [String: String] = [:]
        for (name, value) in response.headers { fields[name] = fields[name].map { $0 + ", " + value } ?? value }
        return HTTPResult(status: status, headers: fields, body: response.body)
    }

    /// A raw HTTP/1.1 exchange over a TCP socket (on its own thread, so the cooperative
    /// pool stays free): returns the status line and headers as sent, and the body bytes.
    static func raw(port: Int, _ request: String, body: [UInt8] = []) async throws -> (head: String, headers: [(String, String)], body: [UInt8]) {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try rawBlocking(port: port, Array(request.utf8) + body) })
            }
            thread.start()
        }
    }

    private static func rawBlocking(port: Int, _ bytes: [UInt8]) throws -> (head: String, headers: [(String, String)], body: [UInt8]) {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw TestClientError(description: "socket failed") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)  // a safety net: a loaded 2-core CI machine can be slow
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw TestClientError(description: "connect failed") }
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { socketSend(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { break }  // the server may refuse the rest of the body
            sent += n
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        var expectedTotal: Int?
        while expectedTotal.map({ received.count < $0 }) ?? true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            received.append(contentsOf: chunk[0..<n])
            if expectedTotal == nil, let end = find([13, 10, 13, 10], in: received) {
                let head = String(decoding: received[0..<end], as: UTF8.self)
                let length = parseHeaders(head).first { $0.0 == "content-length" }.flatMap { Int($0.1) } ?? 0
                expectedTotal = end + 4 + length
            }
        }
        guard let end = find([13, 10, 13, 10], in: received) else {
            throw TestClientError(description: "no response head in \(received.count) bytes")
        }
        let head = String(decoding: received[0..<end], as: UTF8.self)
        return (head, parseHeaders(head), Array(received[(end + 4)...]))
    }

    private static func socketSend(_ fd: Int32, _ pointer: UnsafeRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.send(fd, pointer, count, Int32(MSG_NOSIGNAL))
        #else
        return Darwin.send(fd, pointer, count, 0)
        #endif
    }

    private static func parseHeaders(_ head: String) -> [(String, String)] {
        head.split(separator: "\r\n").dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (
                line[..<colon].lowercased(),
                String(line[line.index(after: colon)...].drop(while: { $0 == " " }))
            )
        }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) {
            return i
        }
        return nil
    }
}
