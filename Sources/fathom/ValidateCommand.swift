import ArgumentParser
import FathomCore
import Foundation

/// `fathom validate`: load and check a collection without sending anything.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a collection against the format without sending requests (exit 0 valid, 2 invalid)."
    )

    @Argument(help: "A collection directory or a request file.")
    var collection: String

    func run() throws {
        do {
            let c = try CollectionLoader.load(collection)
            print("\(collection): valid: \(c.requestCount) request(s) in '\(c.name)'")
        } catch {
            printError(error.description)
            printError("\(collection): \(error.diagnostics.count) error(s); nothing was sent")
            throw ExitCode(2)
        }
    }
}
