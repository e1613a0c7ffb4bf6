import ArgumentParser
import Foundation

/// The `fathom` command. Exit statuses follow the collection format: 0 passed,
/// 1 an assertion failed, 3 a request could not be completed, 2 invalid input or
/// command line (nothing sent), 130 interrupted.
@main
struct Fathom: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fathom",
        abstract: "Run API collections and report to the console and JUnit XML.",
        version: "0.1.0",
        subcommands: [RunCommand.self, QueryCommand.self, ValidateCommand.self, MockCommand.self]
    )

    /// Parses and runs, mapping command-line errors to exit status 2 (ArgumentParser's default is 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            if exitCode(for: error) == .success {
                exit(withError: error)
            }
            let message = fullMessage(for: error)
            FileHandle.standardError.write(Data("error: \(message)\n".utf8))
            if !message.contains("Usage:") {
                FileHandle.standardError.write(Data("Run 'fathom --help' for usage.\n".utf8))
            }
            Foundation.exit(2)
        }
    }
}

/// Prints to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}
