import ArgumentParser
import FathomMock
import Foundation

/// `fathom mock`: the embedded instance on 127.0.0.1.
struct MockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock",
        abstract: "Serve the embedded instance on 127.0.0.1 until interrupted: a slice of Sonar's GraphQL API at /api/graphql, and postman-echo compatible routes."
    )

    @Option(help: "Port to listen on; 0 picks a free port and prints it.")
    var port: Int = 8484

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "The bearer token the instance accepts (default: a fixed demo token, printed at start-up).")
    var token: String = MockConfiguration.demoToken

    @Option(help: "Seed of the Sonar data: the same seed gives byte-identical responses.")
    var seed: UInt64 = 1

    @Option(name: .customLong("latency-ms"), help: "Milliseconds added to every response.")
    var latencyMs: Int = 0

    @Option(name: .customLong("error-rate"), help: "Share of Sonar API requests (0 to 1) answered 500.")
    var errorRate: Double = 0

    @Option(name: .customLong("rate-limit-per-minute"), help: "Answer 429 past this many Sonar API requests a minute (Sonar's is 400), with Retry-After and X-RateLimit-* headers as Laravel sends them; off by default.")
    var rateLimitPerMinute: Int?

    @Option(name: .customLong("rate-limit-window"), help: ArgumentHelp("The rate limit's window in seconds (default 60, Sonar's minute); a shorter one makes the limit quick to reach and to wait out in tests.", valueName: "seconds"))
    var rateLimitWindow: Int = 60

    @Flag(name: .customLong("raw-echo"), help: "Answer every request with the request itself as text (request line, headers, body).")
    var rawEcho = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, not \(port)") }
        guard latencyMs >= 0 else { throw ValidationError("--latency-ms must be 0 or more") }
        guard (0...1).contains(errorRate) else { throw ValidationError("--error-rate must be between 0 and 1, e.g. 0.05") }
        if let r = rateLimitPerMinute, r < 1 { throw ValidationError("--rate-limit-per-minute must be at least 1") }
        guard (1...86_400).contains(rateLimitWindow) else { throw ValidationError("--rate-limit-window must be between 1 and 86400 seconds, not \(rateLimitWindow)") }
    }

    func run() async throws {
        var configuration = MockConfiguration(
            host: host, port: port, token: token, seed: seed, latencyMs: latencyMs,
            errorRate: errorRate, rateLimitPerMinute: rateLimitPerMinute)
        configuration.rawEcho = rawEcho
        configuration.rateLimitWindowSeconds = rateLimitWindow
        let server = MockServer(configuration: configuration)
        do {
            try await server.run { port in
                var lines = ["fathom mock: listening on http://\(host):\(port)"]
                if token == MockConfiguration.demoToken {
                    lines.append("fathom mock: bearer token: \(token) (the demo token)")
                } else {
                    lines.append("fathom mock: bearer token: *** (as given with --token)")
                }
                lines.append("fathom mock: press Ctrl-C to stop")
                // Unbuffered, so a script waiting for the port sees it at once.
                writeStandardOutput(lines.joined(separator: "\n") + "\n")
            }
        } catch {
            printError("fathom mock: \(error)")
            throw ExitCode(2)
        }
        writeStandardOutput("fathom mock: stopped\n")
    }
}
