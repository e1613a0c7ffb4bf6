import ArgumentParser
import FathomCore
import FathomGraphQL
import FathomReports
import Foundation

/// `fathom schema`: work with an instance's GraphQL schema.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Save an instance's GraphQL schema, and compare schemas.",
        subcommands: [SchemaPullCommand.self, SchemaDiffCommand.self]
    )
}

/// `fathom schema pull COLLECTION --out FILE`: the instance's schema as SDL, read with
/// the standard introspection query where the collection sends GraphQL, with its auth.
struct SchemaPullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Save the schema of a collection's instance as GraphQL SDL (introspection, with the collection's auth).",
        discussion: """
            Exit status: 0 saved; 2 bad input (the collection names no GraphQL endpoint, the answer is \
            not an introspection result, the file cannot be written); 3 the request could not be completed.
            """
    )

    @Argument(help: "The collection whose instance, auth and variables are used (a directory, request file or Postman collection).")
    var collection: String

    @Option(name: .shortAndLong, help: "Write the SDL to this file (standard output when not given). An existing file is replaced only once the new schema is complete.")
    var out: String?

    @OptionGroup(title: "Instance and variables")
    var instance: InstanceOptions

    func run() async throws {
        let spec = try instance.loadCollection(collection)
        let pulled = try await InstanceSchema.introspect(spec, options: instance)
        guard let out else {
            writeStandardOutput(pulled.sdl)
            return
        }
        do {
            try writeReport(pulled.sdl, to: out)
        } catch {
            printError("fathom schema pull: cannot write \(out): \(error.reason)")
            throw ExitCode(2)
        }
        let types = pulled.sdl.split(separator: "\n").filter { line in
            ["type ", "input ", "enum ", "interface ", "union ", "scalar "].contains { line.hasPrefix($0) }
        }.count
        printError("fathom: saved the schema of \(pulled.url) to \(out) (\(types) types)")
    }
}

/// `fathom schema diff OLD NEW`: what changed, classified as breaking, dangerous or safe.
struct SchemaDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "List the changes between two SDL schemas: breaking, dangerous, safe (exit 1 when one is breaking, 2 on bad input)."
    )

    @Argument(help: "The schema before (GraphQL SDL).")
    var old: String

    @Argument(help: "The schema after (GraphQL SDL).")
    var new: String

    @Flag(name: .long, help: "Print the changes as JSON.")
    var json = false

    @Option(name: .long, help: "Only the changes that touch what this collection's GraphQL operations use.")
    var collection: String?

    func run() throws {
        var changes: [SchemaChange]
        var narrowed: Int?
        do {
            let oldText = try Inputs.schemaText(old)
            changes = try SchemaDiff.diff(old: oldText, oldFile: old, new: try Inputs.schemaText(new), newFile: new)
            if let collection {
                let spec: CollectionSpec
                do {
                    spec = try Inputs.loadCollection(collection, workingDirectory: FileManager.default.currentDirectoryPath)
                } catch {
                    printError(error.description)
                    throw ExitCode(2)
                }
                // The collection's operations are read against the schema they were written for.
                let used = SchemaUsage.coordinates(of: spec, in: try SchemaCheck(sdl: oldText, file: old))
                changes = SchemaUsage.narrow(changes, to: used)
                narrowed = used.count
            }
        } catch let error as SchemaError {
            printError(error.description)
            throw ExitCode(2)
        }
        let breaking = changes.filter { $0.level == .breaking }.count
        if json {
            print(SchemaDiff.json(changes, old: old, new: new).serialized(pretty: true))
        } else {
            for c in changes {
                let label = c.level == .breaking ? "BREAKING " : c.level == .dangerous ? "DANGEROUS" : "safe     "
                print("\(label) \(c.message)")
            }
            let dangerous = changes.filter { $0.level == .dangerous }.count
            print("\(breaking) breaking, \(dangerous) dangerous, \(changes.count - breaking - dangerous) safe change(s) from \(old) to \(new)"
                + (narrowed.map { " that touch the \($0) schema coordinates \(collection ?? "") uses" } ?? ""))
        }
        if breaking > 0 { throw ExitCode(1) }
    }
}
