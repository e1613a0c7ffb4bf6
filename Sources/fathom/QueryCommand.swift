import ArgumentParser
import FathomCore
import Foundation

/// `fathom query`: try a JSONPath on a JSON document, to write assertions.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Print the values an RFC 9535 JSONPath selects, as a JSON array.",
        discussion: "Reads FILE, or standard input when no file is given. Exit status 2 for an invalid query or document."
    )

    @Argument(help: "The JSONPath query, e.g. '$.data.accounts.entities[*].id'.")
    var query: String

    @Argument(help: "A JSON file; standard input when omitted.")
    var file: String?

    @Flag(name: .long, help: "Print each value on its own line with its normalized path.")
    var paths = false

    func run() throws {
        let path: JSONPath
        do {
            path = try JSONPath.compile(query)
        } catch {
            printError("fathom query: \(error.description)\n  \(query)\n  \(String(repeating: " ", count: max(0, error.offset)))^")
            throw ExitCode(2)
        }
        let data: Data
        let source = file ?? "<stdin>"
        if let file {
            guard let d = FileManager.default.contents(atPath: file) else {
                printError("fathom query: cannot read \(file): no such file or not readable")
                throw ExitCode(2)
            }
            data = d
        } else {
            data = FileHandle.standardInput.readDataToEndOfFile()
        }
        let document: JSON
        do {
            document = try JSONParser.parse(data)
        } catch {
            printError("\(source):\(error.position.line):\(error.position.column): error: invalid JSON: \(error.message)")
            throw ExitCode(2)
        }
        if paths {
            for node in path.selectNodes(document) {
                print("\(node.path)\t\(node.value.serialized())")
            }
        } else {
            print(JSON.array(path.select(document)).serialized(pretty: true))
        }
    }
}
