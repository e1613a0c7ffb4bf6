import ArgumentParser
import FathomCore
import FathomCurl
import FathomMock
import FathomReports
import FathomXML
import Foundation

/// `fathom run`: load a collection, run it, report, exit with the format's status.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a collection directory or a single request file.",
        discussion: """
            Exit status: 0 every request passed; 1 an assertion failed; 3 a request could not be \
            completed (takes precedence over 1); 2 invalid input or command line (nothing sent); \
            130 interrupted (reports are written for what ran).
            """
    )

    @Argument(help: "A collection directory (with collection.json) or a request .json file.")
    var collection: String

    @Option(name: .long, help: "Environment: NAME for <collection>/environments/NAME.json, or a path to a file.")
    var env: String?

    @Option(name: .customLong("var"), help: ArgumentHelp("Set a variable (repeatable). Numbers and true/false keep their JSON type; anything else is text.", valueName: "name=value"))
    var vars: [String] = []

    @Option(name: .customLong("secret"), help: ArgumentHelp("Set a secret variable, redacted in all output (repeatable).", valueName: "name=value"))
    var secrets: [String] = []

    @Option(name: .customLong("folder"), help: "Run only the requests in this folder (name or relative path; repeatable).")
    var folders: [String] = []

    @Option(name: .customLong("tag"), help: "Run only requests carrying this tag (repeatable: any of them).")
    var tags: [String] = []

    @Option(name: .customLong("exclude-tag"), help: "Skip requests carrying this tag (repeatable).")
    var excludeTags: [String] = []

    @Flag(help: "Stop after the first failed or errored request.")
    var bail = false

    @Option(help: ArgumentHelp("Time limit for each whole exchange, in milliseconds (overrides timeout_ms).", valueName: "ms"))
    var timeout: Int?

    @Flag(help: "Do not verify TLS certificates.")
    var insecure = false

    @Option(help: "PEM file of CA certificates to trust.")
    var cacert: String?

    @Option(help: "Client certificate (PEM) for mutual TLS.")
    var cert: String?

    @Option(help: "Private key (PEM) of the client certificate.")
    var key: String?

    @Option(help: "Reporters, comma-separated: console, junit, json.")
    var reporter: String = "console,junit"

    @Option(name: .customLong("reports-dir"), help: "Directory for report files.")
    var reportsDir: String = "reports"

    @Flag(name: .shortAndLong, help: "Print only failures, errors and the summary.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Also print request and response headers and bodies.")
    var verbose = false

    @Flag(help: "Start the embedded instance on a free loopback port and bind {{instance}} and {{token}} to it.")
    var mock = false

    static let knownReporters = ["console", "junit", "json"]

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together") }
        if let timeout, timeout <= 0 { throw ValidationError("--timeout must be a positive number of milliseconds") }
        if (cert == nil) != (key == nil) { throw ValidationError("--cert and --key go together") }
        for r in reporterNames where !Self.knownReporters.contains(r) {
            throw ValidationError("unknown reporter '\(r)'; known reporters: \(Self.knownReporters.joined(separator: ", "))")
        }
        for v in vars + secrets where !v.contains("=") || v.hasPrefix("=") {
            throw ValidationError("'\(v.split(separator: "=").first ?? "")' must be given as name=value")
        }
        for path in [cacert, cert, key].compactMap({ $0 }) where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("file not found: \(path)")
        }
    }

    var reporterNames: [String] {
        reporter.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// `name=value` → (name, value), the value typed when it is a JSON number or boolean
    /// written the way JSON writes it back.
    static func parseAssignment(_ s: String) -> (String, JSON) {
        let eq = s.firstIndex(of: "=")!
        let name = String(s[..<eq])
        let raw = String(s[s.index(after: eq)...])
        // Typed only when the text reads back the same: `25` and `true` keep their type,
        // while `1.10`, `007` or `1e3` stay the strings the user typed.
        if let v = try? JSONParser.parse(raw), v.serialized() == raw {
            switch v {
            case .integer, .double, .bool: return (name, v)
            default: break
            }
        }
        return (name, .string(raw))
    }

    func run() async throws {
        let spec: CollectionSpec
        do {
            spec = try CollectionLoader.load(collection)
        } catch {
            printError(error.description)
            printError("fathom: \(error.diagnostics.count) error(s) in the collection; nothing was sent")
            throw ExitCode(2)
        }

        var config = RunConfiguration()
        if let env {
            do {
                config.environment = try EnvironmentLoader.load(env, collectionRoot: spec.rootPath, processEnvironment: ProcessInfo.processInfo.environment)
            } catch {
                printError(error.description)
                printError("fathom: the environment is invalid; nothing was sent")
                throw ExitCode(2)
            }
        }
        for v in vars {
            let (n, value) = Self.parseAssignment(v)
            config.variables[n] = value
        }
        for s in secrets {
            let (n, value) = Self.parseAssignment(s)
            config.secretVariables[n] = value
        }
        config.folders = folders
        config.includeTags = tags
        config.excludeTags = excludeTags
        config.bail = bail
        config.timeoutMs = timeout
        config.insecure = insecure
        config.caCertPath = cacert
        config.clientCertPath = cert
        config.clientKeyPath = key
        config.includeBodies = verbose || reporterNames.contains("json")

        // The embedded instance, when asked for: bound below --var so the user can still override.
        var server: MockServer?
        if mock {
            let s = MockServer(configuration: MockConfiguration(host: "127.0.0.1", port: 0))
            do {
                _ = try await s.start()
            } catch {
                printError("fathom: cannot start the embedded instance: \(error)")
                throw ExitCode(2)
            }
            server = s
            if config.variables["instance"] == nil { config.variables["instance"] = .string(s.baseURL) }
            if config.variables["token"] == nil && config.secretVariables["token"] == nil {
                config.secretVariables["token"] = .string(s.configuration.token)
            }
        }

        if !folders.isEmpty || !tags.isEmpty || !excludeTags.isEmpty, Runner.selectedRequests(spec, config).isEmpty {
            await server?.stop()
            printError("fathom: no request matches the --folder/--tag/--exclude-tag filters; nothing to run")
            throw ExitCode(2)
        }

        var reporters: [any Reporter] = []
        if reporterNames.contains("console") {
            reporters.append(ConsoleReporter.standardOutput(verbosity: quiet ? .quiet : verbose ? .verbose : .normal))
        }
        let slug = Self.fileSlug(spec.name)
        if reporterNames.contains("junit") {
            reporters.append(JUnitReporter(outputPath: (reportsDir as NSString).appendingPathComponent("\(slug).junit.xml")))
        }
        if reporterNames.contains("json") {
            reporters.append(JSONReporter(outputPath: (reportsDir as NSString).appendingPathComponent("\(slug).json")))
        }

        let interrupts = InterruptHandler(flag: config.cancellation)
        let transport = CurlTransport()
        let runner = Runner(collection: spec, configuration: config, transport: transport, xpath: LibXMLXPath(), reporters: reporters)
        // The run loop lives on the transport's thread: requests go out without thread hops.
        let summary = await withTaskExecutorPreference(transport.executor) { await runner.run() }
        _ = interrupts
        await server?.stop()

        var reportFailed = false
        for r in reporters {
            do { try r.finish() } catch {
                printError("fathom: \(error)")
                reportFailed = true
            }
        }
        let status = summary.exitStatus
        if reportFailed && status == 0 { throw ExitCode(2) }
        if status != 0 { throw ExitCode(status) }
    }

    /// A file name from a collection name: `Sonar smoke test` → `sonar-smoke-test`.
    static func fileSlug(_ name: String) -> String {
        var out = ""
        var dash = false
        for c in name.lowercased().unicodeScalars {
            if (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c == "." || c == "_" {
                out.unicodeScalars.append(c)
                dash = false
            } else if !dash && !out.isEmpty {
                out += "-"
                dash = true
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "collection" : out
    }
}
