import ArgumentParser
import FathomCore
import FathomCrypto
import FathomCurl
import FathomGraphQL
import Foundation

/// An instance's schema, asked for with the standard introspection query where the
/// collection sends its GraphQL requests, with the collection's auth, headers and
/// options (`fathom check --introspect`, `fathom schema pull`).
enum InstanceSchema {
    /// The schema as SDL, the URL it came from (redacted) and the schema built from it. Exit 2 when the
    /// collection names no GraphQL endpoint or the answer is not an introspection
    /// result; exit 3 when the request could not be completed.
    static func introspect(_ spec: CollectionSpec, options: InstanceOptions) async throws(ExitCode) -> (sdl: String, url: String, schema: SchemaCheck) {
        guard let probe = spec.graphQLProbe(query: Introspection.query, name: "introspection query") else {
            printError("\(spec.rootPath): error: the collection has no GraphQL request and no \"graphql_endpoint\", so there is no instance to introspect; give the schema with --schema FILE")
            throw ExitCode(2)
        }
        var config = try options.configuration(for: spec)
        config.includeBodies = true
        config.reportedBodyLimit = nil  // the whole introspection answer
        config.hashing = LibCrypto()
        let server = try await options.startMock(binding: &config)
        let transport = CurlTransport()
        let runner = Runner(collection: probe, configuration: config, transport: transport, reporters: [])
        let summary = await withTaskExecutorPreference(transport.executor) { await runner.run() }
        await server?.stop()

        guard let result = summary.results.first else {
            printError("\(spec.rootPath): error: the introspection query was not sent")
            throw ExitCode(2)
        }
        let url = result.request?.url ?? spec.rootPath
        guard let response = result.response else {
            printError("\(url): error: the introspection query could not be completed: \(result.errorMessage ?? "no response")")
            throw ExitCode(3)
        }
        guard (200..<300).contains(response.status) else {
            let hint = response.status == 401 || response.status == 403
                ? " (the token was refused: check the collection's auth and the token you give with -e, --secret or --var)" : ""
            let body = response.body.prefix(200).map { $0.isNewline ? " " : $0 }
            printError("\(url): error: the instance answered the introspection query with HTTP \(response.status)\(hint): \(String(body))")
            throw ExitCode(2)
        }
        do {
            let sdl = try Introspection.sdl(fromResponse: response.body, source: url)
            // What cannot be built as a schema is not a usable introspection result.
            let schema = try SchemaCheck(sdl: sdl, file: url + " (introspected)")
            return (sdl, url, schema)
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
    }
}
