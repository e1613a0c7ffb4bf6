import CCurl
import FathomCore
import Dispatch

/// `curl_global_init` runs once, on first use of any transport; Swift initialises
/// globals lazily under `swift_once`, which makes this thread-safe.
let curlGlobalInitResult: CURLcode = curl_global_init(fathom_curl_global_all)

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
    /// The handle with the run's cookie jar (and connection cache).
    private let jar: CurlHandle
    /// A handle without a cookie engine, made on first use (libcurl's cookie
    /// engine, once on, stays on for a handle).
    private var plain: CurlHandle?
    private let lock = Locked()
    private let performQueue = DispatchQueue(label: "fathom.curl.transfer")
    private let userAgent: String?
    /// Source of request tickets (see `CancelSlot`); shared by both handles.
    private let ticketCounter: UnsafeMutablePointer<Int> = {
        let p = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        p.initialize(to: 0)
        return p
    }()

    /// Creates a transport with its own easy handle (and so its own connections
    /// and cookie jar).
    /// - Parameter userAgent: sent as `User-Agent` unless a request sets its own;
    ///   nil sends none.
    public init(userAgent: String? = "fathom") {
        precondition(curlGlobalInitResult == CURLE_OK, "curl_global_init failed: \(curlGlobalInitResult)")
        guard let jar = try? CurlHandle(userAgent: userAgent) else { fatalError("curl_easy_init failed") }
        self.jar = jar
        self.userAgent = userAgent
        executor = SerialQueueExecutor(queue: performQueue)
        performQueue.setSpecific(key: CurlTransport.queueKey, value: ObjectIdentifier(self))
    }

    private static let queueKey = DispatchSpecificKey<ObjectIdentifier>()

    deinit { ticketCounter.deallocate() }

    /// An executor on the transport's own transfer thread. A task that prefers it
    /// (`withTaskExecutorPreference(transport.executor) { ... }`) runs there, and its
    /// `send` calls perform in place instead of hopping threads; the cooperative pool
    /// stays free for anything else in the process, such as an embedded server.
    public let executor: any TaskExecutor
    public var taskExecutor: (any TaskExecutor)? { executor }

    /// The libcurl version string, e.g. "libcurl/7.88.1 OpenSSL/3.0.15 zlib/1.2.13 ...".
    public static var libcurlVersion: String {
        String(cString: curl_version())
    }

    public func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        let ticket = fathom_atomic_increment(ticketCounter)
        // Both handles' exchanges are told; only the one in flight has this ticket.
        let cancel = CancelSlot(cells: [jar.exchange.cancelTicket] + (plain.map { [$0.exchange.cancelTicket] } ?? []), ticket: ticket)
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
        lock.withLock { jar.cookies() }
    }

    public func cookieJar() -> [String] { cookies() }

    /// Empties the cookie jar.
    public func clearCookies() {
        lock.withLock {
            _ = fathom_setopt_string(jar.handle, CURLOPT_COOKIELIST, "ALL")
        }
    }

    // MARK: - The exchange (lock held)

    private func perform(_ request: HTTPRequest, ticket: Int) throws(TransportError) -> HTTPResponse {
        guard RewrittenRedirects.apply(to: request) else {
            return try performOnce(request, ticket: ticket).0
        }
        var current = RewrittenRedirects.first(request)
        var hops = 0
        while true {
            var (response, location) = try performOnce(current, ticket: ticket)
            guard let next = try RewrittenRedirects.next(original: request, current: current, response: response, location: location, hops: hops + 1) else {
                response.redirectCount = hops
                return response
            }
            hops += 1
            current = next
        }
    }

    /// One transfer; also where an unfollowed redirect points.
    private func performOnce(_ request: HTTPRequest, ticket: Int) throws(TransportError) -> (HTTPResponse, String?) {
        if Task.isCancelled { throw TransportError(.cancelled, "the request was cancelled before it was sent") }
        let handle: CurlHandle
        if request.options.cookies {
            handle = jar
        } else {
            if plain == nil { plain = try CurlHandle(userAgent: userAgent) }
            handle = plain!
        }
        let body = try handle.prepare(request, ticket: ticket)
        let response = try handle.perform(body: body)
        return (response, request.options.followRedirects ? nil : handle.lastRedirectURL)
    }
}

/// Lets a task's cancellation handler (which may run on any thread) mark the
/// request with its ticket as cancelled; the progress callback then aborts it.
private struct CancelSlot: @unchecked Sendable {
    let cells: [UnsafeMutablePointer<Int>]
    let ticket: Int
    func fire() { for cell in cells { fathom_atomic_store(cell, ticket) } }
}
