import CCurl
import FathomCore
import Dispatch

/// `curl_global_init` runs once, on first use of any transport; Swift initialises
/// globals lazily under `swift_once`, which makes this thread-safe.
private let curlGlobalInitResult: CURLcode = curl_global_init(fathom_curl_global_all)

/// `HTTPTransport` on libcurl's easy interface.
///
/// One easy handle serves every request, reset with `curl_easy_reset` in between,
/// so libcurl's connection cache, DNS cache, TLS session cache and cookie jar carry
/// over from one request to the next: a collection run talks to a host over one
/// kept-alive connection, and `Set-Cookie` from one response is sent back on later
/// requests to that host (as Postman does). The handle is guarded by a lock, so the
/// transport is `Sendable`, but exchanges are serialised: `send` performs the
/// transfer synchronously on the calling task's thread.
///
/// Behaviour per request:
/// - `GET` is a plain GET, `HEAD` uses `CURLOPT_NOBODY`, `POST` uses
///   `CURLOPT_POSTFIELDS` (a `POST` without a body sends `Content-Length: 0`), and
///   any other method is sent with `CURLOPT_CUSTOMREQUEST`; a body on any method but
///   `HEAD` is sent byte-exact with `CURLOPT_POSTFIELDS`/`CURLOPT_POSTFIELDSIZE_LARGE`.
///   libcurl keeps a custom method across redirects (as `curl -X` does), while a
///   `POST` becomes a `GET` after a 301/302/303.
/// - Headers are sent as given. libcurl's `Expect: 100-continue` is suppressed, and
///   when a body is sent without a `Content-Type`, none is added (libcurl would add
///   `application/x-www-form-urlencoded`). A header with an empty value is sent empty.
/// - All encodings libcurl supports (gzip, deflate, br, zstd) are offered and decoded.
/// - Proxies come from the environment, read by libcurl itself (`http_proxy`,
///   `https_proxy`/`HTTPS_PROXY`, `all_proxy`/`ALL_PROXY`, `no_proxy`/`NO_PROXY`).
/// - Redirects are followed when `followRedirects` is set, up to `maxRedirects`.
///   Credentials never go to another host: `CURLOPT_UNRESTRICTED_AUTH` stays off, so
///   libcurl drops the `Authorization` and `Cookie` headers when the host or port changes.
/// - `httpVersion`: `.http1_1` forces HTTP/1.1; `.http2` asks for HTTP/2 over TLS
///   through ALPN and uses HTTP/1.1 for `http://` URLs (`CURL_HTTP_VERSION_2TLS`;
///   no cleartext h2c upgrade or prior knowledge, which plain HTTP/1.1 servers
///   reject); `nil` leaves libcurl's default, which is the same as `.http2`.
///   The negotiated version is reported in `HTTPResponse.httpVersion`.
/// - `maxResponseBytes` limits the decoded body; exceeding it fails the exchange
///   with `.responseTooLarge` (early, from `Content-Length`, when the server sends one).
/// - Cancelling the calling task aborts the transfer with `.cancelled`.
public final class CurlTransport: HTTPTransport, @unchecked Sendable {
    /// The handle of the exchange in flight: `jarHandle`, or `plainHandle` for a
    /// request with cookies off (libcurl's cookie engine, once on, stays on for a handle).
    private var handle: UnsafeMutableRawPointer
    /// The handle with the run's cookie jar (and connection cache).
    private let jarHandle: UnsafeMutableRawPointer
    /// A handle without a cookie engine, made on first use.
    private var plainHandle: UnsafeMutableRawPointer?
    private let lock = Locked()
    private let performQueue = DispatchQueue(label: "fathom.curl.transfer")
    private let exchange = Exchange()
    private let exchangePointer: UnsafeMutableRawPointer
    private let userAgent: String?
    /// The request header list of the exchange in flight (freed after it).
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// The `--connect-to` list of the exchange in flight (freed after it).
    private var connectToList: UnsafeMutablePointer<curl_slist>?

    /// Creates a transport with its own easy handle (and so its own connections
    /// and cookie jar).
    /// - Parameter userAgent: sent as `User-Agent` unless a request sets its own;
    ///   nil sends none.
    public init(userAgent: String? = "fathom") {
        precondition(curlGlobalInitResult == CURLE_OK, "curl_global_init failed: \(curlGlobalInitResult)")
        guard let handle = curl_easy_init() else { fatalError("curl_easy_init failed") }
        self.handle = handle
        jarHandle = handle
        self.userAgent = userAgent
        exchangePointer = Unmanaged.passUnretained(exchange).toOpaque()
        executor = QueueTaskExecutor(queue: performQueue)
        performQueue.setSpecific(key: CurlTransport.queueKey, value: ObjectIdentifier(self))
    }

    private static let queueKey = DispatchSpecificKey<ObjectIdentifier>()

    /// An executor on the transport's own transfer thread. A task that prefers it
    /// (`withTaskExecutorPreference(transport.executor) { ... }`) runs there, and its
    /// `send` calls perform in place instead of hopping threads; the cooperative pool
    /// stays free for anything else in the process, such as an embedded server.
    public let executor: any TaskExecutor

    deinit {
        curl_easy_cleanup(jarHandle)
        if let plainHandle { curl_easy_cleanup(plainHandle) }
        curl_slist_free_all(headerList)
        curl_slist_free_all(connectToList)
    }

    /// The libcurl version string, e.g. "libcurl/7.88.1 OpenSSL/3.0.15 zlib/1.2.13 ...".
    public static var libcurlVersion: String {
        String(cString: curl_version())
    }

    public func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        let ticket = fathom_atomic_increment(exchange.ticketCounter)
        let cancel = CancelSlot(cell: exchange.cancelTicket, ticket: ticket)
        // The blocking transfer runs on the transport's own thread, never on Swift
        // concurrency's small cooperative pool: an in-process server (the embedded
        // instance) needs that pool to answer, even on a one-core machine.
        // A caller already running on that thread (see `executor`) performs in place,
        // saving two thread hand-offs per request.
        let transfer = { @Sendable () -> Result<HTTPResponse, TransportError> in
            Result { () throws(TransportError) -> HTTPResponse in
                try self.lock.withLock { () throws(TransportError) -> HTTPResponse in
                    try self.perform(request, ticket: ticket)
                }
            }
        }
        let onOwnQueue = DispatchQueue.getSpecific(key: CurlTransport.queueKey) == ObjectIdentifier(self)
        let result: Result<HTTPResponse, TransportError> = await withTaskCancellationHandler {
            if onOwnQueue { return transfer() }
            return await withCheckedContinuation { continuation in
                performQueue.async { continuation.resume(returning: transfer()) }
            }
        } onCancel: {
            cancel.fire()
        }
        return try result.get()
    }

    /// The cookies in the jar, in libcurl's Netscape cookie-file format (one
    /// tab-separated line per cookie: domain, subdomains, path, secure, expiry,
    /// name, value).
    public func cookies() -> [String] {
        lock.withLock {
            var list: UnsafeMutablePointer<curl_slist>?
            guard fathom_getinfo_slist(jarHandle, CURLINFO_COOKIELIST, &list) == CURLE_OK else { return [] }
            defer { curl_slist_free_all(list) }
            var lines: [String] = []
            var node = list
            while let current = node {
                if let data = current.pointee.data { lines.append(String(cString: data)) }
                node = current.pointee.next
            }
            return lines
        }
    }

    public func cookieJar() -> [String] { cookies() }

    /// Empties the cookie jar.
    public func clearCookies() {
        lock.withLock {
            _ = fathom_setopt_string(jarHandle, CURLOPT_COOKIELIST, "ALL")
        }
    }

    // MARK: - The exchange (lock held)

    private func perform(_ request: HTTPRequest, ticket: Int) throws(TransportError) -> HTTPResponse {
        guard request.options.followRedirects, !request.options.redirectRewrites.isEmpty else {
            return try performOnce(request, ticket: ticket)
        }
        return try performFollowingRewrittenRedirects(request, ticket: ticket)
    }

    /// With `--rewrite` prefixes, redirects are followed here rather than by libcurl,
    /// so that a `Location` under a rewritten prefix goes where the rewrite says. The
    /// rules are libcurl's: 303 becomes GET (and so do 301/302 after a POST, unless
    /// `followOriginalMethod`), and credentials are dropped when the host changes.
    private func performFollowingRewrittenRedirects(_ request: HTTPRequest, ticket: Int) throws(TransportError) -> HTTPResponse {
        var current = request
        current.options.followRedirects = false
        let originalAuthority = Self.authority(request.url)
        var hops = 0
        while true {
            var response = try performOnce(current, ticket: ticket)
            guard [301, 302, 303, 307, 308].contains(response.status), let location = lastRedirectURL else {
                response.redirectCount = hops
                return response
            }
            hops += 1
            if hops > request.options.maxRedirects {
                throw TransportError(.tooManyRedirects, "Maximum (\(request.options.maxRedirects)) redirects followed")
            }
            var next = location
            for rewrite in request.options.redirectRewrites {
                if let r = rewrite.apply(next) {
                    next = r
                    break
                }
            }
            let method = current.method
            if response.status == 303 && method != "HEAD" || (response.status == 301 || response.status == 302) && method == "POST" && !request.options.followOriginalMethod {
                current.method = "GET"
                current.body = nil
                current.headers.removeAll { $0.name.lowercased() == "content-type" || $0.name.lowercased() == "content-length" }
            }
            if Self.authority(next) != originalAuthority {
                current.headers.removeAll { $0.name.lowercased() == "authorization" || $0.name.lowercased() == "cookie" }
                current.auth = nil
            }
            current.url = next
        }
    }

    /// CURLINFO_REDIRECT_URL of the last transfer: where a redirect points when
    /// libcurl was told not to follow it.
    private var lastRedirectURL: String? {
        var pointer: UnsafePointer<CChar>?
        guard fathom_getinfo_string(handle, CURLINFO_REDIRECT_URL, &pointer) == CURLE_OK, let pointer else { return nil }
        return String(cString: pointer)
    }

    static func authority(_ url: String) -> String {
        guard let start = url.range(of: "://")?.upperBound else { return "" }
        let rest = url[start...]
        let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var authority = rest[..<end]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        return authority.lowercased()
    }

    private func performOnce(_ request: HTTPRequest, ticket: Int) throws(TransportError) -> HTTPResponse {
        if Task.isCancelled { throw TransportError(.cancelled, "the request was cancelled before it was sent") }
        if request.options.cookies {
            handle = jarHandle
        } else {
            if plainHandle == nil {
                guard let h = curl_easy_init() else { throw TransportError(.other, "curl_easy_init failed (out of memory?)") }
                plainHandle = h
            }
            handle = plainHandle!
        }
        curl_easy_reset(handle)
        exchange.begin(maxBodyBytes: request.options.maxResponseBytes, ticket: ticket)
        defer {
            curl_slist_free_all(headerList)
            headerList = nil
            curl_slist_free_all(connectToList)
            connectToList = nil
        }

        let body = try configure(request)
        let code: CURLcode
        if let body {
            // POSTFIELDS is not copied: keep the bytes pinned for the whole transfer.
            code = body.withUnsafeBytes { bytes in
                let result = fathom_setopt_bytes(handle, CURLOPT_POSTFIELDS, bytes.baseAddress ?? fathom_empty_bytes())
                return result == CURLE_OK ? curl_easy_perform(handle) : result
            }
        } else {
            code = curl_easy_perform(handle)
        }
        try check(code)
        return try collectResponse()
    }

    /// Sets every option for `request` on the freshly reset handle. Returns the
    /// body to send with `CURLOPT_POSTFIELDS`, if any.
    private func configure(_ request: HTTPRequest) throws(TransportError) -> [UInt8]? {
        let options = request.options
        try set(CURLOPT_ERRORBUFFER, pointer: exchange.errorBuffer)
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_URL, request.url)
        // Send the path as given: no dot-segment removal (Postman does none either).
        try set(CURLOPT_PATH_AS_IS, 1)

        try check(fathom_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, fathomCurlWrite))
        try set(CURLOPT_WRITEDATA, pointer: exchangePointer)
        try check(fathom_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, fathomCurlHeader))
        try set(CURLOPT_HEADERDATA, pointer: exchangePointer)
        try check(fathom_setopt_xferinfo_callback(handle, CURLOPT_XFERINFOFUNCTION, fathomCurlProgress))
        try set(CURLOPT_XFERINFODATA, pointer: exchangePointer)
        try set(CURLOPT_NOPROGRESS, 0)

        // "" offers every compression libcurl was built with and decodes the body.
        try set(CURLOPT_ACCEPT_ENCODING, "")
        // The in-memory cookie engine; the jar itself survives curl_easy_reset. A request
        // with cookies off neither sends nor stores any (Postman's disableCookies).
        if request.options.cookies { try set(CURLOPT_COOKIEFILE, "") }
        if let userAgent { try set(CURLOPT_USERAGENT, userAgent) }

        // Method and body.
        let method = request.method
        var body: [UInt8]? = nil
        if method == "HEAD" {
            try set(CURLOPT_NOBODY, 1)
        } else if let given = request.body {
            body = given
        } else if method == "POST" {
            body = []
        }
        if let body {
            try check(fathom_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            if method != "POST" { try set(CURLOPT_CUSTOMREQUEST, method) }
        } else if method != "GET" && method != "HEAD" {
            try set(CURLOPT_CUSTOMREQUEST, method)
        }

        try buildHeaderList(request.headers, sendsBody: body != nil)
        try check(fathom_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))

        // Redirects (CURLOPT_UNRESTRICTED_AUTH deliberately left off).
        try set(CURLOPT_FOLLOWLOCATION, options.followRedirects ? 1 : 0)
        if options.followRedirects { try set(CURLOPT_MAXREDIRS, max(0, options.maxRedirects)) }
        if options.followOriginalMethod { try set(CURLOPT_POSTREDIR, fathom_redir_post_all) }
        if !options.connectTo.isEmpty {
            for entry in options.connectTo { connectToList = curl_slist_append(connectToList, entry) }
            try check(fathom_setopt_slist(handle, CURLOPT_CONNECT_TO, connectToList))
        }

        // TLS.
        if options.insecure {
            try set(CURLOPT_SSL_VERIFYPEER, 0)
            try set(CURLOPT_SSL_VERIFYHOST, 0)
        }
        if let path = options.caCertPath { try set(CURLOPT_CAINFO, path) }
        if let path = options.clientCertPath { try set(CURLOPT_SSLCERT, path) }
        if let path = options.clientKeyPath { try set(CURLOPT_SSLKEY, path) }

        switch options.httpVersion {
        case .http1_1?: try set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        case .http2?: try set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        case nil: break
        }

        if let ms = options.timeoutMs, ms > 0 { try set(CURLOPT_TIMEOUT_MS, ms) }
        if let ms = options.connectTimeoutMs, ms > 0 { try set(CURLOPT_CONNECTTIMEOUT_MS, ms) }
        if let limit = options.maxResponseBytes {
            try check(fathom_setopt_off(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(max(0, limit))))
        }

        switch request.auth {
        case nil: break
        case .digest(let username, let password)?:
            try set(CURLOPT_HTTPAUTH, fathom_curlauth_digest)
            try set(CURLOPT_USERNAME, username)
            try set(CURLOPT_PASSWORD, password)
        case .ntlm(let username, let password)?:
            try set(CURLOPT_HTTPAUTH, fathom_curlauth_ntlm)
            try set(CURLOPT_USERNAME, username)
            try set(CURLOPT_PASSWORD, password)
        case .awsSigV4(let provider, let accessKey, let secretKey)?:
            try set(CURLOPT_AWS_SIGV4, provider)
            try set(CURLOPT_USERNAME, accessKey)
            try set(CURLOPT_PASSWORD, secretKey)
        }
        return body
    }

    /// Builds `headerList` from the request's headers plus the two suppressions.
    private func buildHeaderList(_ headers: [HTTPHeader], sendsBody: Bool) throws(TransportError) {
        var hasExpect = false
        var hasContentType = false
        for header in headers {
            if asciiEqualsIgnoringCase(header.name, "expect") { hasExpect = true }
            if asciiEqualsIgnoringCase(header.name, "content-type") { hasContentType = true }
            // "Name: value"; an empty value needs "Name;" (libcurl removes "Name:").
            appendHeaderLine(header.name, header.value.isEmpty ? nil : header.value)
        }
        if !hasExpect { appendHeaderLine("Expect", "") }
        if sendsBody && !hasContentType { appendHeaderLine("Content-Type", "") }
    }

    /// Appends one line to `headerList`: `value` nil sends the header empty
    /// ("Name;"), "" removes a header libcurl would add ("Name:").
    private func appendHeaderLine(_ name: String, _ value: String?) {
        var scratch = exchange.lineScratch
        exchange.lineScratch = []
        scratch.removeAll(keepingCapacity: true)
        for byte in name.utf8 { scratch.append(CChar(bitPattern: byte)) }
        if let value {
            scratch.append(0x3A)  // ':'
            if !value.isEmpty {
                scratch.append(0x20)
                for byte in value.utf8 { scratch.append(CChar(bitPattern: byte)) }
            }
        } else {
            scratch.append(0x3B)  // ';'
        }
        scratch.append(0)
        scratch.withUnsafeBufferPointer { line in
            if let appended = curl_slist_append(headerList, line.baseAddress) { headerList = appended }
        }
        exchange.lineScratch = scratch
    }

    private func collectResponse() throws(TransportError) -> HTTPResponse {
        let status = try info(CURLINFO_RESPONSE_CODE)
        let version: String
        switch try info(CURLINFO_HTTP_VERSION) {
        case Int(CURL_HTTP_VERSION_1_0): version = "1.0"
        case Int(CURL_HTTP_VERSION_2_0): version = "2"
        case Int(CURL_HTTP_VERSION_3): version = "3"
        default: version = "1.1"
        }
        var urlPointer: UnsafePointer<CChar>?
        try check(fathom_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &urlPointer))
        let effectiveURL = urlPointer.map { String(cString: $0) } ?? ""
        let redirects = try info(CURLINFO_REDIRECT_COUNT)
        let timing = Timing(
            dns: try micros(CURLINFO_NAMELOOKUP_TIME_T),
            connect: try micros(CURLINFO_CONNECT_TIME_T),
            tls: try micros(CURLINFO_APPCONNECT_TIME_T),
            firstByte: try micros(CURLINFO_STARTTRANSFER_TIME_T),
            total: try micros(CURLINFO_TOTAL_TIME_T)
        )
        let (body, headers) = exchange.takeResult()
        return HTTPResponse(
            status: status, httpVersion: version, headers: headers, body: body,
            effectiveURL: effectiveURL, redirectCount: redirects, timing: timing
        )
    }

    // MARK: - Checked libcurl calls

    /// The one place a CURLcode is checked: anything but CURLE_OK becomes a
    /// `TransportError` with libcurl's messages.
    @inline(__always)
    private func check(_ code: CURLcode) throws(TransportError) {
        if code == CURLE_OK { return }
        throw failure(code)
    }

    private func failure(_ code: CURLcode) -> TransportError {
        if code == CURLE_WRITE_ERROR && exchange.exceededLimit {
            return TransportError(
                .responseTooLarge,
                "the response body exceeded \(exchange.maxBodyBytes) bytes (maxResponseBytes)",
                code: Int(code.rawValue))
        }
        if code == CURLE_ABORTED_BY_CALLBACK {
            return TransportError(.cancelled, "the request was cancelled", code: Int(code.rawValue))
        }
        return .curl(code, errorBuffer: exchange.errorBuffer)
    }

    @inline(__always)
    private func set(_ option: CURLoption, _ value: Int) throws(TransportError) {
        try check(fathom_setopt_long(handle, option, value))
    }

    @inline(__always)
    private func set(_ option: CURLoption, _ value: String) throws(TransportError) {
        try check(value.withCString { fathom_setopt_string(handle, option, $0) })
    }

    @inline(__always)
    private func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer) throws(TransportError) {
        try check(fathom_setopt_pointer(handle, option, pointer))
    }

    @inline(__always)
    private func set(_ option: CURLoption, pointer: UnsafeMutablePointer<CChar>) throws(TransportError) {
        try check(fathom_setopt_pointer(handle, option, UnsafeMutableRawPointer(pointer)))
    }

    @inline(__always)
    private func info(_ info: CURLINFO) throws(TransportError) -> Int {
        var value = 0
        try check(fathom_getinfo_long(handle, info, &value))
        return value
    }

    @inline(__always)
    private func micros(_ info: CURLINFO) throws(TransportError) -> Int64 {
        var value: curl_off_t = 0
        try check(fathom_getinfo_off(handle, info, &value))
        return Int64(value)
    }
}

/// Lets a task's cancellation handler (which may run on any thread) mark the
/// request with its ticket as cancelled; the progress callback then aborts it.
private struct CancelSlot: @unchecked Sendable {
    let cell: UnsafeMutablePointer<Int>
    let ticket: Int
    func fire() { fathom_atomic_store(cell, ticket) }
}

@inline(__always)
private func asciiEqualsIgnoringCase(_ a: String, _ lowercase: StaticString) -> Bool {
    let b = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
    var index = 0
    for byte in a.utf8 {
        guard index < b.count else { return false }
        let folded = (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
        if folded != b[index] { return false }
        index += 1
    }
    return index == b.count
}

/// Runs a task's jobs on a serial dispatch queue, one at a time.
final class QueueTaskExecutor: TaskExecutor, @unchecked Sendable {
    let queue: DispatchQueue
    init(queue: DispatchQueue) { self.queue = queue }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
