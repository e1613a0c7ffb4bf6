/// How an embedded mock instance listens and what it accepts.
public struct MockConfiguration: Sendable {
    /// A fixed, clearly fake bearer token accepted by `/bearer` unless configured otherwise.
    public static let demoToken = "fathom-demo-token"

    /// The interface to bind; loopback by default.
    public var host: String
    /// The TCP port to bind; `0` asks the system for a free ephemeral port.
    public var port: Int
    /// The bearer token `/bearer` and the Sonar API (`/api/graphql`, as user 1) accept.
    public var token: String
    /// Request bodies larger than this are refused with 413.
    public var maxBodySize: Int
    /// Seeds the Sonar data (and the error-rate draws): the same seed gives byte-identical
    /// responses to the same requests.
    public var seed: UInt64
    /// Milliseconds added to every response, on every route.
    public var latencyMs: Int
    /// The share (0…1) of Sonar API requests answered 500 with a small JSON error; which
    /// ones is fixed by the seed and a request counter.
    public var errorRate: Double
    /// Sonar's documented limit (400 requests a minute); further Sonar API requests in the
    /// same 60-second window get 429 and `{"error": "Request limit of N/min reached."}`.
    /// `nil` turns the limit off.
    public var rateLimitPerMinute: Int?
    /// The rate limit's window in seconds (60 as Sonar's; shorter for tests): the
    /// limit counts requests from the first one of a window until it ends.
    public var rateLimitWindowSeconds: Int = 60
    /// Answer every request with the request itself as text (request line, headers,
    /// body), like the raw echo server Newman's own tests use: for checking exactly
    /// what went on the wire.
    public var rawEcho = false

    public init(
        host: String = "127.0.0.1",
        port: Int = 8484,
        token: String = MockConfiguration.demoToken,
        maxBodySize: Int = 10 * 1024 * 1024,
        seed: UInt64 = 1,
        latencyMs: Int = 0,
        errorRate: Double = 0,
        rateLimitPerMinute: Int? = nil
    ) {
        self.host = host
        self.port = port
        self.token = token
        self.maxBodySize = maxBodySize
        self.seed = seed
        self.latencyMs = max(0, latencyMs)
        self.errorRate = errorRate.isNaN ? 0 : min(1, max(0, errorRate))
        self.rateLimitPerMinute = rateLimitPerMinute.map { max(0, $0) }
    }
}
