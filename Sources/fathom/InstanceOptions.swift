import ArgumentParser
import FathomCore
import FathomMock
import Foundation

/// How to reach an instance and act on it: variables, environments, TLS and routing,
/// and the embedded instance. `fathom run`, `fathom check --introspect` and
/// `fathom schema pull` take the same flags, so a request goes out the same way from each.
struct InstanceOptions: ParsableArguments {
    @Option(name: [.customShort("e"), .customLong("env"), .customLong("environment")], help: "Environment: NAME for <collection>/environments/NAME.json, or a path (Fathom or Postman format).")
    var env: String?

    @Option(name: [.customShort("g"), .customLong("globals")], help: "Globals file (Postman globals, its legacy array form, or a flat JSON object): the lowest variable scope.")
    var globals: String?

    @Option(name: .customLong("var"), help: ArgumentHelp("Set a variable (repeatable). Numbers and true/false keep their JSON type; anything else is text.", valueName: "name=value"))
    var vars: [String] = []

    @Option(name: .customLong("secret"), help: ArgumentHelp("Set a secret variable, redacted in all output (repeatable).", valueName: "name=value"))
    var secrets: [String] = []

    @Option(name: .customLong("env-var"), help: ArgumentHelp("Set a variable in the environment scope (repeatable; Newman's flag).", valueName: "name=value"))
    var envVars: [String] = []

    @Option(name: .customLong("global-var"), help: ArgumentHelp("Set a variable in the globals scope (repeatable; Newman's flag).", valueName: "name=value"))
    var globalVars: [String] = []

    @Option(name: [.customLong("timeout"), .customLong("timeout-request")], help: ArgumentHelp("Time limit for each whole exchange, in milliseconds (overrides timeout_ms).", valueName: "ms"))
    var timeout: Int?

    @Flag(name: [.customShort("k"), .long], help: "Do not verify TLS certificates.")
    var insecure = false

    @Flag(name: .customLong("allow-insecure-auth"), help: "Send credentials (bearer tokens, basic credentials, API keys) over plain http:// to hosts other than this machine; refused otherwise.")
    var allowInsecureAuth = false

    @Option(help: "PEM file of CA certificates to trust.")
    var cacert: String?

    @Option(help: "Client certificate (PEM) for mutual TLS.")
    var cert: String?

    @Option(help: "Private key (PEM) of the client certificate.")
    var key: String?

    @Option(name: .customLong("rewrite"), help: ArgumentHelp("Send requests for URLs starting with FROM to TO instead (repeatable), e.g. https://postman-echo.com=http://127.0.0.1:8484.", valueName: "FROM=TO"))
    var rewrites: [String] = []

    @Option(name: .customLong("connect-to"), help: ArgumentHelp("Connect to HOST2:PORT2 for requests to HOST:PORT, as curl's --connect-to (repeatable).", valueName: "HOST:PORT:HOST2:PORT2"))
    var connectTo: [String] = []

    @Option(name: .customLong("working-dir"), help: "Directory that relative file paths of a Postman collection (form-data files, binary bodies) start from (default: the current directory).")
    var workingDir: String?

    @Flag(help: "Start the embedded instance on a free loopback port and bind {{instance}} and {{token}} to it.")
    var mock = false

    @Option(name: .customLong("mock-seed"), help: "Seed of the embedded instance's data with --mock (default 1, as fathom mock --seed).")
    var mockSeed: UInt64?

    func validate() throws {
        if mockSeed != nil && !mock { throw ValidationError("--mock-seed goes with --mock") }
        if let timeout, timeout <= 0 { throw ValidationError("--timeout must be a positive number of milliseconds") }
        if (cert == nil) != (key == nil) { throw ValidationError("--cert and --key go together") }
        for v in vars + secrets + envVars + globalVars where VariableAssignment.parse(v) == nil {
            throw ValidationError("'\(v)' must be given as name=value")
        }
        for r in rewrites where URLRewrite.parse(r) == nil {
            throw ValidationError("--rewrite '\(r)' must be FROM=TO, e.g. https://api.example.com=http://127.0.0.1:8484")
        }
        for c in connectTo where c.split(separator: ":", omittingEmptySubsequences: false).count < 4 {
            throw ValidationError("--connect-to '\(c)' must be HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT (parts may be empty), as curl takes it")
        }
        for path in [cacert, cert, key].compactMap({ $0 }) where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("file not found: \(path)")
        }
        if let workingDir {
            var isDir: ObjCBool = false
            if !FileManager.default.fileExists(atPath: workingDir, isDirectory: &isDir) || !isDir.boolValue {
                throw ValidationError("--working-dir '\(workingDir)' is not a directory")
            }
        }
    }

    /// The collection, read by the front end its content calls for; exit 2 when it does not load.
    func loadCollection(_ path: String) throws(ExitCode) -> CollectionSpec {
        do {
            return try Inputs.loadCollection(path, workingDirectory: workingDir ?? FileManager.default.currentDirectoryPath)
        } catch {
            printError(error.description)
            printError("fathom: \(error.diagnostics.count) error(s) in the collection; nothing was sent")
            throw ExitCode(2)
        }
    }

    /// A run configuration with these options' variables, scopes, TLS and routing.
    func configuration(for spec: CollectionSpec) throws(ExitCode) -> RunConfiguration {
        var config = RunConfiguration()
        do {
            if let env { config.environment = try Inputs.loadEnvironment(env, collectionRoot: spec.format == .fathom ? spec.rootPath : nil) }
            if let globals { config.globals = try Inputs.loadGlobals(globals) }
        } catch {
            printError(error.description)
            printError("fathom: the environment or globals file is invalid; nothing was sent")
            throw ExitCode(2)
        }
        for v in envVars {
            let (n, value) = VariableAssignment.parse(v)!
            if config.environment == nil { config.environment = EnvironmentValues(name: "environment") }
            config.environment!.variables[n] = value
        }
        for v in globalVars {
            let (n, value) = VariableAssignment.parse(v)!
            if config.globals == nil { config.globals = EnvironmentValues(name: "globals") }
            config.globals!.variables[n] = value
        }
        for v in vars {
            let (n, value) = VariableAssignment.parse(v)!
            config.variables[n] = value
        }
        for s in secrets {
            let (n, value) = VariableAssignment.parse(s)!
            config.secretVariables[n] = value
        }
        config.timeoutMs = timeout
        config.insecure = insecure
        config.allowInsecureAuth = allowInsecureAuth
        config.caCertPath = cacert
        config.clientCertPath = cert
        config.clientKeyPath = key
        config.rewrites = rewrites.compactMap(URLRewrite.parse)
        config.connectTo = connectTo
        return config
    }

    /// With `--mock`: the embedded instance started on a free loopback port (unless
    /// `start` is false, for a dry run), and `{{instance}}` and `{{token}}` bound to it
    /// below `--var`, so the user can still override them.
    func startMock(binding config: inout RunConfiguration, start: Bool = true) async throws(ExitCode) -> MockServer? {
        guard mock else { return nil }
        var server: MockServer?
        if start {
            let s = MockServer(configuration: MockConfiguration(host: "127.0.0.1", port: 0, seed: mockSeed ?? MockConfiguration().seed))
            do {
                _ = try await s.start()
            } catch {
                printError("fathom: cannot start the embedded instance: \(error)")
                throw ExitCode(2)
            }
            server = s
        }
        bindMock(server, into: &config)
        return server
    }

    /// Binds `{{instance}}` and `{{token}}` to the embedded instance (with `--mock`).
    func bindMock(_ server: MockServer?, into config: inout RunConfiguration) {
        guard mock else { return }
        if config.variables["instance"] == nil { config.variables["instance"] = .string(server?.baseURL ?? "http://127.0.0.1:8484") }
        if config.variables["token"] == nil && config.secretVariables["token"] == nil {
            config.secretVariables["token"] = .string(MockConfiguration().token)
        }
    }
}
