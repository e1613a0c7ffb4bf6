import ArgumentParser
import FathomCore
import FathomGraphQL
import FathomReports
import Foundation

/// `fathom check`: the collection's GraphQL operations against a schema, before anything is sent.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate every GraphQL operation of a collection against a schema (exit 0 clean, 1 errors found, 2 bad input)."
    )

    @Argument(help: "A collection directory, a request file, or a Postman collection file.")
    var collection: String

    @Option(name: .long, help: "The schema as GraphQL SDL (for example one saved by fathom schema pull).")
    var schema: String?

    @Flag(name: .long, help: "Ask the collection's instance for its schema (the standard introspection query, with the collection's auth).")
    var introspect = false

    @OptionGroup(title: "Instance and variables (with --introspect)")
    var instance: InstanceOptions

    @Option(name: [.short, .customLong("reporter")], help: "console, junit and/or json, comma-separated (default console).")
    var reporter: String = "console"

    @Option(name: .customLong("reports-dir"), help: "Where the JUnit and JSON reports go (default reports).")
    var reportsDir: String = "reports"

    func validate() throws {
        if (schema == nil) == !introspect {
            throw ValidationError(introspect ? "give --schema FILE or --introspect, not both" : "give the schema: --schema FILE.graphql, or --introspect to ask the collection's instance")
        }
    }

    func run() async throws {
        let names = reporter.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for n in names where !["console", "junit", "json"].contains(n) {
            printError("fathom check: unknown reporter '\(n)'; use console, junit and/or json")
            throw ExitCode(2)
        }
        let spec = try instance.loadCollection(collection)
        let check: SchemaCheck
        let schemaName: String
        if let schema {
            schemaName = schema
            do {
                check = try SchemaCheck(sdl: try Inputs.schemaText(schema), file: schema)
            } catch let error as SchemaError {
                printError(error.description)
                throw ExitCode(2)
            }
        } else {
            let pulled = try await InstanceSchema.introspect(spec, options: instance)
            (check, schemaName) = (pulled.schema, pulled.url)
        }
        let results = CollectionCheck.run(spec, schema: check)
        let errors = results.reduce(0) { $0 + $1.errors }
        let warnings = results.reduce(0) { $0 + $1.warnings }
        if names.contains("console") {
            for r in results { for f in r.findings { print(f.description) } }
            let notes = results.reduce(0) { $0 + $1.notes }
            print("\(results.count) operation(s) checked against \(schemaName): \(errors) error(s), \(warnings) warning(s)"
                + (notes > 0 ? ", \(notes) note(s) in requests that allow GraphQL errors" : ""))
        }
        let stem = reportsDir + "/" + ReportSet.fileSlug(spec.name)
        do {
            if names.contains("junit") {
                let operations = results.map { r in
                    CheckJUnit.Operation(requestID: r.requestID, requestName: r.requestName,
                                         errors: r.findings.filter { $0.severity == .error }.map(\.description),
                                         others: r.findings.filter { $0.severity != .error }.map(\.description))
                }
                try writeReport(try CheckJUnit.render(collection: spec.name, schema: schemaName, operations: operations), to: stem + ".check.junit.xml")
            }
            if names.contains("json") {
                try writeReport(CheckReport.json(results, collection: spec.name, schema: schemaName).serialized(pretty: true) + "\n", to: stem + ".check.json")
            }
        } catch {
            printError("fathom check: cannot write the reports in \(reportsDir): \(error)")
            throw ExitCode(2)
        }
        if errors > 0 { throw ExitCode(1) }
    }
}
