/// How an embedded mock instance listens and what it accepts.
public struct MockConfiguration: Sendable {
    /// A fixed, clearly fake bearer token accepted by `/bearer` unless configured otherwise.
    public static let demoToken = "fathom-demo-token"

    /// The interface to bind; loopback by default.
    public var host: String
    /// The TCP port to bind; `0` asks the system for a free ephemeral port.
    public var port: Int
    /// The bearer token `/bearer` accepts.
    public var token: String
    /// Request bodies larger than this are refused with 413.
    public var maxBodySize: Int

    public init(
        host: String = "127.0.0.1",
        port: Int = 8484,
        token: String = MockConfiguration.demoToken,
        maxBodySize: Int = 10 * 1024 * 1024
    ) {
        self.host = host
        self.port = port
        self.token = token
        self.maxBodySize = maxBodySize
    }
}
