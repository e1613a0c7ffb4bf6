import ArgumentParser
import FathomCore
import Foundation

/// `fathom validate`: load and check a collection without sending anything.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a collection against the format without sending requests (exit 0 valid, 2 invalid)."
    )

    @Argument(help: "A collection directory, a request file, or a Postman collection file.")
    var collection: String

    func run() throws {
        do {
            let c = try Inputs.loadCollection(collection, workingDirectory: FileManager.default.currentDirectoryPath)
            for w in c.warnings { printError(w.description) }
            let scripts = c.allScripts().count
            print("\(collection): valid: \(c.requestCount) request(s) in '\(c.name)'" + (scripts > 0 ? ", \(scripts) script(s)" : ""))
        } catch {
            printError(error.description)
            printError("\(collection): \(error.diagnostics.count) error(s); nothing was sent")
            throw ExitCode(2)
        }
    }
}
