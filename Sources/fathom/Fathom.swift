import ArgumentParser
import Foundation

import CProcess

/// The `fathom` command. Exit statuses follow the collection format: 0 passed,
/// 1 an assertion failed, 3 a request could not be completed, 2 invalid input or
/// command line (nothing sent), 130 interrupted.
@main
struct Fathom: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fathom",
        abstract: "Run API collections and report to the console and JUnit XML.",
        version: "0.1.0",
        subcommands: [RunCommand.self, ImportCommand.self, ValidateCommand.self, CheckCommand.self, SchemaCommand.self, QueryCommand.self, MockCommand.self, MergeReportsCommand.self]
    )

    /// Parses and runs, mapping command-line errors to exit status 2 (ArgumentParser's default is 64).
    static func main() async {
        // Freed memory goes back to the system: 12 MiB less at the peak of a
        // 10,000-request run (see CProcess.h).
        fathom_tune_malloc()
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
            var message = fullMessage(for: error)
            // ArgumentParser starts validation messages with its own "Error: ".
            if message.hasPrefix("Error: ") { message.removeFirst("Error: ".count) }
            writeStandardError("error: \(message)\n")
            if !message.contains("Usage:") {
                writeStandardError("Run 'fathom --help' for usage.\n")
            }
            Foundation.exit(2)
        }
    }
}

/// Prints a line to standard error.
func printError(_ text: String) {
    writeStandardError(text.hasSuffix("\n") ? text : text + "\n")
}

/// Writes to standard error; a closed stream is not an error worth dying for.
func writeStandardError(_ text: String) {
    try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
}

/// Writes to standard output without buffering; a closed pipe is ignored.
func writeStandardOutput(_ text: String) {
    try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
}
