import ArgumentParser
import FathomCore
import FathomPostman
import Foundation

/// `fathom import`: convert a Postman collection (and an environment) into a Fathom
/// collection directory, once, to keep in git.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert a Postman collection into a Fathom collection directory.",
        discussion: """
            Folders become directories, requests .json files, GraphQL queries .graphql sidecars \
            and scripts .js files next to their request. `fathom run DIR` then sends exactly the \
            requests `fathom run FILE` sends. Exit status: 0 written, 2 invalid input or DIR not empty.
            """
    )

    @Argument(help: "A Postman collection file (v2.0 or v2.1).")
    var file: String

    @Option(name: [.customShort("e"), .customLong("env"), .customLong("environment")], help: "A Postman environment to write as environments/NAME.json.")
    var env: String?

    @Option(name: .customLong("out"), help: "The directory to write (missing or empty, unless --force).")
    var out: String

    @Flag(help: "Replace the contents of a non-empty --out directory.")
    var force = false

    @Option(name: .customLong("working-dir"), help: "Directory the collection's relative file paths start from (default: the current directory).")
    var workingDir: String?

    func run() throws {
        let collection: CollectionSpec
        var environment: EnvironmentValues?
        do {
            collection = try Inputs.loadCollection(file, workingDirectory: workingDir ?? FileManager.default.currentDirectoryPath)
            if let env { environment = try Inputs.loadEnvironment(env, collectionRoot: nil) }
        } catch {
            printError(error.description)
            printError("fathom: \(error.diagnostics.count) error(s); nothing was written")
            throw ExitCode(2)
        }
        for w in collection.warnings { printError(w.description) }
        do {
            try NativeWriter().write(collection, environment: environment, to: out, force: force)
        } catch {
            printError("fathom: \(error)")
            throw ExitCode(2)
        }
        let scripts = collection.allScripts().count
        print("\(file): wrote \(collection.requestCount) request(s)\(scripts > 0 ? " and \(scripts) script(s)" : "") of '\(collection.name)' to \(out)")
    }
}
