import ArgumentParser
import FathomMock
import Foundation

/// `fathom mock`: the embedded instance on 127.0.0.1.
struct MockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock",
        abstract: "Serve the embedded instance (postman-echo compatible routes) on 127.0.0.1 until interrupted."
    )

    @Option(help: "Port to listen on; 0 picks a free port and prints it.")
    var port: Int = 8484

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "The bearer token the instance accepts (default: a fixed demo token, printed at start-up).")
    var token: String = MockConfiguration.demoToken

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, not \(port)") }
    }

    func run() async throws {
        let server = MockServer(configuration: MockConfiguration(host: host, port: port, token: token))
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
                FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            }
        } catch {
            printError("fathom mock: \(error)")
            throw ExitCode(2)
        }
        FileHandle.standardOutput.write(Data("fathom mock: stopped\n".utf8))
    }
}
