/// Sends one HTTP exchange. The core talks to the network only through this
/// protocol; `FathomCurl` implements it on libcurl, and tests may stub it.
///
/// A sequential run uses a transport from one task at a time, which lets an
/// implementation reuse one handle; a parallel run sends from several lanes at
/// once, all on the transport's `taskExecutor` when it has one.
public protocol HTTPTransport: AnyObject, Sendable {
    /// Performs the exchange. Throws `TransportError` when no response could be
    /// obtained (connection, TLS, timeout, size limit); an HTTP error status is a
    /// normal response, not an error.
    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse
    /// The run's cookie jar, as libcurl's Netscape cookie-file lines (domain,
    /// subdomains, path, secure, expiry, name, value, tab-separated).
    func cookieJar() -> [String]
    /// A serial executor the run's tasks should run on (the transport's own
    /// thread or event loop), or nil; a parallel run's lanes all run on it.
    var taskExecutor: (any TaskExecutor)? { get }
}

extension HTTPTransport {
    public func cookieJar() -> [String] { [] }
    public var taskExecutor: (any TaskExecutor)? { nil }
}

/// A cookie of the jar.
public struct JarCookie: Sendable, Equatable {
    public var domain: String
    public var path: String
    public var secure: Bool
    public var httpOnly: Bool
    public var name: String
    public var value: String
    var includeSubdomains: Bool

    /// One Netscape cookie-file line (`#HttpOnly_` prefix allowed); nil for comments.
    public init?(netscapeLine line: String) {
        var fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 7 else { return nil }
        httpOnly = fields[0].hasPrefix("#HttpOnly_")
        if httpOnly { fields[0].removeFirst("#HttpOnly_".count) } else if fields[0].hasPrefix("#") { return nil }
        domain = fields[0].hasPrefix(".") ? String(fields[0].dropFirst()) : fields[0]
        includeSubdomains = fields[1] == "TRUE"
        path = fields[2]
        secure = fields[3] == "TRUE"
        name = fields[5]
        value = fields[6]
    }

    /// Whether the cookie would be sent to `url` (RFC 6265 domain and path match).
    public func matches(_ url: String) -> Bool {
        let c = URLNormalizer.parse(url)
        let host = c.host.lowercased()
        let scheme = c.scheme?.lowercased() ?? "http"
        guard host == domain.lowercased() || (includeSubdomains && host.hasSuffix("." + domain.lowercased())) else { return false }
        if secure && scheme != "https" && host != "localhost" && host != "127.0.0.1" { return false }
        let requestPath = "/" + (c.path ?? []).joined(separator: "/")
        return requestPath == path || path == "/" || requestPath.hasPrefix(path.hasSuffix("/") ? path : path + "/")
    }
}

/// One header line, in the order it was given or received.
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

extension Array where Element == HTTPHeader {
    /// The first value of a header, by case-insensitive name.
    public func first(named name: String) -> String? {
        let lower = name.lowercased()
        return first { $0.name.lowercased() == lower }?.value
    }

    /// Every value of a header, by case-insensitive name.
    public func all(named name: String) -> [String] {
        let lower = name.lowercased()
        return filter { $0.name.lowercased() == lower }.map(\.value)
    }
}

/// What to send: the fully resolved request, with no templates left.
public struct HTTPRequest: Sendable {
    public enum Version: String, Sendable { case http1_1 = "1.1", http2 = "2" }

    /// How the server is asked to authenticate when the transport does it
    /// (digest needs a challenge round trip, so it cannot be a plain header).
    public enum TransportAuth: Sendable, Equatable {
        case digest(username: String, password: String)
        /// NTLM's challenge/response; `username` may be `DOMAIN\\user`.
        case ntlm(username: String, password: String)
        /// AWS Signature Version 4 (`provider` as libcurl's CURLOPT_AWS_SIGV4 takes it,
        /// e.g. `aws:amz:us-east-1:execute-api`).
        case awsSigV4(provider: String, accessKey: String, secretKey: String)
    }

    public var method: String
    public var url: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]?
    public var auth: TransportAuth?
    public var options: TransportOptions
    /// Headers (lowercased names) that carry credentials: the transport drops them,
    /// as it drops `Authorization`, when a redirect leaves the host or goes from
    /// https to http.
    public var credentialHeaders: [String] = []

    public init(
        method: String, url: String, headers: [HTTPHeader] = [], body: [UInt8]? = nil,
        auth: TransportAuth? = nil, options: TransportOptions = TransportOptions()
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.auth = auth
        self.options = options
    }
}

/// Per-request transport settings (collection `options` plus command-line flags).
public struct TransportOptions: Sendable, Equatable {
    /// Whole exchange, milliseconds; nil means no limit.
    public var timeoutMs: Int?
    public var connectTimeoutMs: Int?
    public var followRedirects = true
    public var maxRedirects = 10
    /// Skip TLS certificate and host name verification.
    public var insecure = false
    /// PEM file of CA certificates to trust instead of the system store.
    public var caCertPath: String?
    /// Client certificate and key (PEM) for mutual TLS.
    public var clientCertPath: String?
    public var clientKeyPath: String?
    public var httpVersion: HTTPRequest.Version?
    /// Abort the exchange once the response body exceeds this many bytes.
    public var maxResponseBytes: Int?
    /// Send and store cookies with the run's cookie jar (Postman's `disableCookies` turns it off).
    public var cookies = true
    /// Keep the method (and body) when following a 301/302/303, instead of switching to GET.
    public var followOriginalMethod = false
    /// `HOST:PORT:CONNECT-HOST:CONNECT-PORT` entries, as curl's `--connect-to`.
    public var connectTo: [String] = []
    /// `--rewrite` prefixes, applied to the `Location` of each redirect too.
    public var redirectRewrites: [URLRewrite] = []

    public init() {}
}

/// What came back, read from the transport, plus how long each phase took.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// The HTTP version of the final response ("1.1", "2").
    public var httpVersion: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    /// The URL of the final response after redirects.
    public var effectiveURL: String
    public var redirectCount: Int
    public var timing: Timing

    public init(
        status: Int, httpVersion: String = "1.1", headers: [HTTPHeader], body: [UInt8],
        effectiveURL: String, redirectCount: Int = 0, timing: Timing = Timing()
    ) {
        self.status = status
        self.httpVersion = httpVersion
        self.headers = headers
        self.body = body
        self.effectiveURL = effectiveURL
        self.redirectCount = redirectCount
        self.timing = timing
    }
}

/// Durations of one exchange's phases in microseconds, each measured from the
/// start of the exchange (as libcurl reports them).
public struct Timing: Sendable, Equatable {
    public var dnsMicros: Int64 = 0
    public var connectMicros: Int64 = 0
    public var tlsMicros: Int64 = 0
    public var firstByteMicros: Int64 = 0
    public var totalMicros: Int64 = 0
    public init() {}
    public init(dns: Int64, connect: Int64, tls: Int64, firstByte: Int64, total: Int64) {
        dnsMicros = dns
        connectMicros = connect
        tlsMicros = tls
        firstByteMicros = firstByte
        totalMicros = total
    }
    public var totalMs: Double { Double(totalMicros) / 1000 }
}

/// Why an exchange could not be completed.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case invalidURL = "invalid URL"
        case unsupportedProtocol = "unsupported protocol"
        case dns = "name resolution failed"
        case connect = "connection failed"
        case tls = "TLS failed"
        case timeout = "timed out"
        case tooManyRedirects = "too many redirects"
        case responseTooLarge = "response too large"
        case sendFailed = "send failed"
        case receiveFailed = "receive failed"
        case proxy = "proxy failed"
        case cancelled = "cancelled"
        case other = "transport error"
    }

    public var kind: Kind
    /// The underlying library's own message (e.g. libcurl's error buffer).
    public var message: String
    /// The library's numeric code when there is one (a CURLcode).
    public var code: Int?

    public init(_ kind: Kind, _ message: String, code: Int? = nil) {
        self.kind = kind
        self.message = message
        self.code = code
    }

    public var description: String {
        if let code { return "\(kind.rawValue): \(message) (code \(code))" }
        return "\(kind.rawValue): \(message)"
    }
}
