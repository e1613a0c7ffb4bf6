import CCurl
import FathomCore

/// One libcurl easy handle and the scratch state of the exchange it carries: the
/// options of a request (set on a freshly reset handle), the header and
/// `--connect-to` lists that must outlive the transfer, and the response read back.
/// Both transports use it: `CurlTransport` performs it with `curl_easy_perform`,
/// `CurlMultiTransport` adds it to a multi handle. Used by one transfer at a time.
final class CurlHandle {
    let handle: UnsafeMutableRawPointer
    let exchange = Exchange()
    private let exchangePointer: UnsafeMutableRawPointer
    private let userAgent: String?
    /// The share (cookies, DNS, TLS sessions) re-attached after each reset, if any.
    private let share: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var connectToList: UnsafeMutablePointer<curl_slist>?
    /// Whether CURLOPT_COOKIEFILE has been set on this handle (see `configure`).
    private var cookieEngineStarted = false

    init(userAgent: String?, share: UnsafeMutableRawPointer? = nil) throws(TransportError) {
        guard let handle = curl_easy_init() else { throw TransportError(.other, "curl_easy_init failed (out of memory?)") }
        self.handle = handle
        self.userAgent = userAgent
        self.share = share
        exchangePointer = Unmanaged.passUnretained(exchange).toOpaque()
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        curl_slist_free_all(connectToList)
    }

    /// Resets the handle and sets every option for `request`. Returns the body to
    /// send with `CURLOPT_POSTFIELDS` (pinned by the caller for the transfer), or,
    /// with `copyBody`, has libcurl copy it (`CURLOPT_COPYPOSTFIELDS`) and returns nil.
    func prepare(_ request: HTTPRequest, ticket: Int, copyBody: Bool = false) throws(TransportError) -> [UInt8]? {
        curl_easy_reset(handle)
        releaseLists()
        exchange.begin(maxBodyBytes: request.options.maxResponseBytes, ticket: ticket)
        if let share { try check(fathom_setopt_pointer(handle, CURLOPT_SHARE, share)) }
        let body = try configure(request)
        guard copyBody, let body else { return body }
        if body.isEmpty {
            try check(fathom_setopt_bytes(handle, CURLOPT_POSTFIELDS, fathom_empty_bytes()))
        } else {
            try check(body.withUnsafeBytes { fathom_setopt_bytes(handle, CURLOPT_COPYPOSTFIELDS, $0.baseAddress!) })
        }
        return nil
    }

    /// Frees the lists of the last exchange (they must live until it finished).
    func releaseLists() {
        curl_slist_free_all(headerList)
        headerList = nil
        curl_slist_free_all(connectToList)
        connectToList = nil
    }

    /// Performs the prepared exchange in place and reads the response.
    func perform(body: [UInt8]?) throws(TransportError) -> HTTPResponse {
        defer { releaseLists() }
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
    /// body to send, if any.
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
        // The in-memory cookie engine, started once: the engine and the jar survive
        // curl_easy_reset, and libcurl appends every CURLOPT_COOKIEFILE to a list it
        // keeps across resets and reads again before each transfer, so setting it per
        // request grew the handle by a list entry per request and each transfer by a
        // pass over them all. A request with cookies off neither sends nor stores
        // any (Postman's disableCookies): it goes through a handle without the engine.
        if request.options.cookies, !cookieEngineStarted {
            try set(CURLOPT_COOKIEFILE, "")
            cookieEngineStarted = true
        }
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

    /// The response of the finished transfer.
    func collectResponse() throws(TransportError) -> HTTPResponse {
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

    /// CURLINFO_REDIRECT_URL of the last transfer: where a redirect points when
    /// libcurl was told not to follow it.
    var lastRedirectURL: String? {
        var pointer: UnsafePointer<CChar>?
        guard fathom_getinfo_string(handle, CURLINFO_REDIRECT_URL, &pointer) == CURLE_OK, let pointer else { return nil }
        return String(cString: pointer)
    }

    /// The cookies this handle sees (its own jar, or the share's), as Netscape lines.
    func cookies() -> [String] {
        var list: UnsafeMutablePointer<curl_slist>?
        guard fathom_getinfo_slist(handle, CURLINFO_COOKIELIST, &list) == CURLE_OK else { return [] }
        defer { curl_slist_free_all(list) }
        var lines: [String] = []
        var node = list
        while let current = node {
            if let data = current.pointee.data { lines.append(String(cString: data)) }
            node = current.pointee.next
        }
        return lines
    }

    // MARK: - Checked libcurl calls

    /// The one place a CURLcode is checked: anything but CURLE_OK becomes a
    /// `TransportError` with libcurl's messages.
    @inline(__always)
    func check(_ code: CURLcode) throws(TransportError) {
        if code == CURLE_OK { return }
        throw failure(code)
    }

    func failure(_ code: CURLcode) -> TransportError {
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

/// With `--rewrite` prefixes, or credentials in headers libcurl does not know as
/// credentials (an API key's), redirects are followed by the transport rather than
/// by libcurl, so that a `Location` under a rewritten prefix goes where the
/// rewrite says, and no credential follows a redirect to another host or from
/// https to http. The rules are libcurl's: 303 becomes GET (and so do 301/302
/// after a POST, unless `followOriginalMethod`), and `Authorization`, cookies set
/// by hand and the credential headers are dropped when the host or port changes
/// or the scheme goes from https to http.
enum RewrittenRedirects {
    /// Whether `request` needs this (it follows redirects and has rewrites).
    static func apply(to request: HTTPRequest) -> Bool {
        request.options.followRedirects && (!request.options.redirectRewrites.isEmpty || !request.credentialHeaders.isEmpty)
    }

    /// The request of the next hop after `response` to `current`, or nil when the
    /// response is final. `hops` counts the redirects followed so far, this one included.
    static func next(
        original: HTTPRequest, current: HTTPRequest, response: HTTPResponse, location: String?, hops: Int
    ) throws(TransportError) -> HTTPRequest? {
        guard [301, 302, 303, 307, 308].contains(response.status), let location else { return nil }
        if hops > original.options.maxRedirects {
            throw TransportError(.tooManyRedirects, "Maximum (\(original.options.maxRedirects)) redirects followed")
        }
        var next = location
        for rewrite in original.options.redirectRewrites {
            if let r = rewrite.apply(next) {
                next = r
                break
            }
        }
        var hop = current
        let method = current.method
        if response.status == 303 && method != "HEAD" || (response.status == 301 || response.status == 302) && method == "POST" && !original.options.followOriginalMethod {
            hop.method = "GET"
            hop.body = nil
            hop.headers.removeAll { $0.name.lowercased() == "content-type" || $0.name.lowercased() == "content-length" }
        }
        let downgraded = scheme(original.url) == "https" && scheme(next) != "https"
        if authority(next) != authority(original.url) || downgraded {
            let dropped = Set(["authorization", "proxy-authorization", "cookie"] + original.credentialHeaders)
            hop.headers.removeAll { dropped.contains($0.name.lowercased()) }
            hop.auth = nil
        }
        hop.url = next
        return hop
    }

    /// The first hop: the request with libcurl's own following turned off.
    static func first(_ request: HTTPRequest) -> HTTPRequest {
        var r = request
        r.options.followRedirects = false
        return r
    }

    static func scheme(_ url: String) -> String {
        guard let end = url.range(of: "://")?.lowerBound else { return "" }
        return url[..<end].lowercased()
    }

    static func authority(_ url: String) -> String {
        guard let start = url.range(of: "://")?.upperBound else { return "" }
        let rest = url[start...]
        let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var authority = rest[..<end]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        return authority.lowercased()
    }
}

@inline(__always)
func asciiEqualsIgnoringCase(_ a: String, _ lowercase: StaticString) -> Bool {
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
