import ArgumentParser
import FathomCore
import FathomCrypto
import FathomCurl
import FathomMock
import FathomPostman
import FathomReports
import FathomScript
import FathomXML
import Foundation

/// `fathom run`: load a collection, run it, report, exit with the format's status.
/// The flags Newman users type (`-e`, `-g`, `-d`, `-n`, `--env-var`, ...) work too.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a collection directory, a request file, or a Postman collection file.",
        discussion: """
            Exit status: 0 every request passed; 1 an assertion failed; 3 a request could not be \
            completed (takes precedence over 1); 2 invalid input or command line (nothing sent); \
            130 interrupted (reports are written for what ran).
            """
    )

    @Argument(help: "A collection directory (with collection.json), a request .json file, or a Postman collection (v2.0/v2.1). Several run one after another (with --parallel N, N at a time), each with its own reports.")
    var collections: [String] = []

    @OptionGroup(title: "Instance and variables")
    var instance: InstanceOptions

    @Option(name: [.customShort("d"), .customLong("data"), .customLong("iteration-data")], help: "Iteration data: a JSON array of objects or a CSV file; the collection runs once per row.")
    var data: String?

    @Option(name: [.customShort("n"), .customLong("iterations"), .customLong("iteration-count")], help: "Run the collection this many times (default: once per data row, or once).")
    var iterations: Int?

    @Option(name: .customLong("folder"), help: "Run only the requests in this folder (name or relative path; repeatable).")
    var folders: [String] = []

    @Option(name: .customLong("tag"), help: "Run only requests carrying this tag (repeatable: any of them).")
    var tags: [String] = []

    @Option(name: .customLong("exclude-tag"), help: "Skip requests carrying this tag (repeatable).")
    var excludeTags: [String] = []

    @Flag(help: "Stop after the first failed or errored request.")
    var bail = false

    @Option(name: .customLong("parallel"), help: ArgumentHelp("Run N at a time: the iterations, the top-level folders marked \"parallel\": true, or the collections given (default 1: one after another). Reports keep the sequential order.", valueName: "N"))
    var parallel: Int?

    @Option(name: .customLong("shard"), help: ArgumentHelp("Run only shard K of N: a deterministic share of the work units (collections, iterations, parallel folders; requests that chain stay together), balanced by request count. N jobs with K = 1...N run everything once; fathom merge-reports merges their reports.", valueName: "K/N"))
    var shard: String?

    @Option(name: .customLong("delay-request"), help: ArgumentHelp("Wait this long between requests.", valueName: "ms"))
    var delayRequest: Int?

    @Option(name: .customLong("max-retry-after"), help: ArgumentHelp("Wait out a 429 response whose Retry-After asks for at most this many seconds, then send the request again (default 60; 0 never waits, the 429 stands).", valueName: "seconds"))
    var maxRetryAfter: Double?

    @Option(name: .customLong("timeout-script"), help: ArgumentHelp("Time limit for each script, in milliseconds (default 5000): an endless loop becomes an error and the run goes on.", valueName: "ms"))
    var timeoutScript: Int?

    @Option(name: .customLong("script-memory-limit"), help: ArgumentHelp("How much a script may grow Fathom's memory by while it runs, in MB (default 512): an allocation without end becomes an error and the run goes on.", valueName: "MB"))
    var scriptMemoryLimit: Int?

    @Flag(name: .customLong("no-scripts"), help: "Do not run pre-request and test scripts (each is reported as skipped).")
    var noScripts = false

    @Option(name: .customLong("export-environment"), help: "Write the environment's final values here (Postman format) after the run.")
    var exportEnvironment: String?

    @Option(name: .customLong("export-globals"), help: "Write the globals' final values here (Postman format) after the run.")
    var exportGlobals: String?

    @Flag(name: .customLong("export-secrets"), help: "Write secret values in clear in --export-environment/--export-globals (they are *** otherwise).")
    var exportSecrets = false

    @Option(name: .customLong("record-baseline"), help: ArgumentHelp("Record every response (status, Content-Type and chosen headers, JSON body with keys sorted) into this directory, to compare later runs with.", valueName: "dir"))
    var recordBaseline: String?

    @Option(name: .customLong("compare-baseline"), help: ArgumentHelp("Compare every response with the one recorded in this directory: each difference is a failing assertion with its JSONPath and both values.", valueName: "dir"))
    var compareBaseline: String?

    @Flag(name: .customLong("dry-run"), help: "Print each resolved request as an equivalent curl command line (secrets as ***) and send nothing.")
    var dryRun = false

    @Option(help: "Seed dynamic values ({{$guid}}, {{$randomInt}}, ...) so a run can be repeated exactly.")
    var seed: UInt64?

    @Option(name: .customLong("fixed-time"), help: ArgumentHelp("Freeze the clock of dynamic values ({{$timestamp}}, ...) at this Unix time or ISO 8601 date-time.", valueName: "time"))
    var fixedTime: String?

    @Option(name: [.customShort("r"), .long], help: "Reporters, comma-separated: console (or cli), junit, json, html, markdown, tap, github (annotations, and the summary into GITHUB_STEP_SUMMARY).")
    var reporter: String = "console,junit"

    @Option(name: .customLong("reports-dir"), help: "Directory for report files.")
    var reportsDir: String = "reports"

    @Flag(name: .shortAndLong, help: "Print only failures, errors and the summary.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Also print request and response headers and bodies.")
    var verbose = false

    @Flag(name: [.customShort("x"), .customLong("suppress-exit-code")], help: "Exit 0 even when requests fail (input errors still exit 2).")
    var suppressExitCode = false

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together") }
        if let t = timeoutScript, t <= 0 { throw ValidationError("--timeout-script must be a positive number of milliseconds") }
        if let m = scriptMemoryLimit, !(16...1_048_576).contains(m) { throw ValidationError("--script-memory-limit must be between 16 and 1048576 MB, not \(m)") }
        if let m = maxRetryAfter, !(m >= 0 && m <= 86_400) { throw ValidationError("--max-retry-after must be between 0 and 86400 seconds, not \(m)") }
        if let d = delayRequest, d < 0 { throw ValidationError("--delay-request must be 0 or more milliseconds") }
        if let n = iterations, n < 1 { throw ValidationError("--iterations (-n) must be at least 1, not \(n)") }
        if collections.isEmpty { throw ValidationError("give a collection to run: a directory with collection.json, a request .json file, or a Postman collection file") }
        if let n = parallel, n < 1 { throw ValidationError("--parallel must be at least 1 (1 runs one request at a time), not \(n)") }
        if let n = parallel, n > RunConfiguration.maxParallel {
            throw ValidationError("--parallel \(n) is above the limit of \(RunConfiguration.maxParallel) at a time; more lanes than that only queue up on a single instance. Use --parallel \(RunConfiguration.maxParallel) or fewer, or shard the run over several machines")
        }
        if collections.count > 1 {
            for (flag, given) in [("--export-environment", exportEnvironment != nil), ("--export-globals", exportGlobals != nil),
                                  ("--record-baseline", recordBaseline != nil), ("--compare-baseline", compareBaseline != nil)] where given {
                throw ValidationError("\(flag) belongs to one collection's run, but \(collections.count) collections are given; run that collection on its own with \(flag)")
            }
        }
        if let message = ReportSet.validate(reporterNames) { throw ValidationError(message) }
        if recordBaseline != nil && compareBaseline != nil {
            throw ValidationError("--record-baseline and --compare-baseline cannot be used together; record once, then compare")
        }
        if dryRun && (recordBaseline != nil || compareBaseline != nil) {
            throw ValidationError("--dry-run sends nothing, so there is no response to record or compare; drop --dry-run or the baseline option")
        }
        if let shard, case .failure(let problem) = Shard.parse(shard) { throw ValidationError(problem.description) }
        if let fixedTime, Self.parseTime(fixedTime) == nil {
            throw ValidationError("--fixed-time '\(fixedTime)' must be a Unix time in seconds or an ISO 8601 date-time such as 2026-01-01T00:00:00Z")
        }
    }

    /// `cli` is Newman's name for the console reporter.
    var reporterNames: [String] {
        reporter.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .map { $0 == "cli" ? "console" : $0 }
    }

    static func parseTime(_ text: String) -> Double? {
        if let seconds = Double(text) { return seconds }
        return Formats.parseInstant(text)
    }

    /// One collection, loaded and configured, ready to run.
    private struct Prepared {
        var spec: CollectionSpec
        var config: RunConfiguration
    }

    func run() async throws {
        // Everything is loaded and checked before anything is sent.
        let cancellation = CancellationFlag()
        var prepared: [Prepared] = []
        for path in collections {
            var p = try prepare(path)
            p.config.cancellation = cancellation
            prepared.append(p)
        }
        if prepared.count > 1, !dryRun {
            var seen: [String: String] = [:]
            for (path, p) in zip(collections, prepared) {
                let slug = ReportSet.fileSlug(p.spec.name)
                if let other = seen[slug] {
                    printError("fathom: \(other) and \(path) are both named \"\(p.spec.name)\", so their reports would overwrite each other in \(reportsDir); give one of them another \"name\", or run them separately with --reports-dir")
                    throw ExitCode(2)
                }
                seen[slug] = path
            }
        }
        if let text = shard, case .success(let shard) = Shard.parse(text) {
            // Every collection's units, shared out over the N shards together.
            let units = prepared.map { ShardPlan.units($0.spec, $0.config) }
            let owners = ShardPlan.assign(units, count: shard.count)
            let plan = ShardPlan.fingerprint(names: prepared.map(\.spec.name), units: units, count: shard.count)
            for i in prepared.indices {
                let mine = owners[i].indices.filter { owners[i][$0] == shard.index }
                prepared[i].config.share = RunShare(shard: shard, units: mine, unitCount: units[i].count, plan: plan)
                if mine.isEmpty, !quiet {
                    printError("fathom: shard \(shard): none of the \(units[i].count) unit(s) of \(collections[i]) falls to this shard; its reports list no request")
                }
            }
        }
        let server = try await instance.startMock(binding: &prepared[0].config, start: !dryRun)
        for i in prepared.indices.dropFirst() { instance.bindMock(server, into: &prepared[i].config) }

        if dryRun {
            var errors = 0
            for p in prepared {
                let runner = Runner(collection: p.spec, configuration: p.config, transport: NoTransport(), reporters: [])
                for w in p.spec.warnings { printError(w.description) }
                let plans = runner.plan()
                writeStandardOutput(CurlCommand.script(plans))
                for plan in plans { for w in plan.warnings { printError("warning: \(w)") } }
                errors += plans.filter { $0.error != nil }.count
            }
            if errors > 0 { printError("fathom: \(errors) request(s) could not be built") }
            throw ExitCode(errors > 0 && !suppressExitCode ? 3 : 0)
        }

        let interrupts = InterruptHandler(flag: cancellation)
        let lanes = parallel ?? 1
        var statuses: [Int32] = []
        var problems: [String] = []
        if prepared.count == 1 {
            var p = prepared[0]
            p.config.parallel = lanes
            let outcome = await execute(p, console: nil)
            statuses.append(outcome.status)
            problems += outcome.problems
        } else {
            // Each collection is its own run (own transport, cookies and reports); with
            // --parallel N, N of them at once, their console output kept in order.
            let console = OrderedMerge<String>(count: prepared.count) { writeStandardOutput($0) }
            let outcomes = Locked<[Int: (Int32, [String])]>([:])
            // --bail: no further collection starts once one has failed.
            let bailed = { bail && outcomes.withLock { $0.values.contains { $0.0 == 1 || $0.0 == 3 } } }
            await withTaskGroup(of: Void.self) { group in
                var next = 0
                var running = 0
                while next < prepared.count || running > 0 {
                    while running < lanes, next < prepared.count, !cancellation.isCancelled, !bailed() {
                        let index = next
                        let p = prepared[index]
                        group.addTask {
                            let outcome = await self.execute(p, console: { console.add($0, from: index) })
                            console.finished(index)
                            outcomes.withLock { $0[index] = (outcome.status, outcome.problems) }
                        }
                        next += 1
                        running += 1
                    }
                    guard await group.next() != nil else { break }
                    running -= 1
                }
            }
            console.flushAll()
            for (_, (status, ps)) in outcomes.withLock({ $0 }).sorted(by: { $0.key < $1.key }) {
                statuses.append(status)
                problems += ps
            }
            if cancellation.isCancelled { statuses.append(130) }
        }
        _ = interrupts
        // After an interrupt the embedded instance is not stopped gracefully: that
        // would wait for the answers still in its hands (a /delay/10), and the
        // process is about to end anyway.
        if !cancellation.isCancelled { await server?.stop() }

        for p in problems { printError("fathom: \(p)") }
        let combined = statuses.contains(130) ? 130 : statuses.contains(3) ? 3 : statuses.contains(1) ? 1 : Int32(0)
        let status = suppressExitCode && combined != 130 ? 0 : combined
        if !problems.isEmpty && status == 0 { throw ExitCode(2) }
        if status != 0 { throw ExitCode(status) }
    }

    /// Loads one collection and builds its run configuration from the flags.
    private func prepare(_ path: String) throws -> Prepared {
        let spec = try instance.loadCollection(path)
        var config = try instance.configuration(for: spec)
        if let data {
            do {
                config.iterationData = try Inputs.loadData(data)
            } catch {
                printError(error.description)
                printError("fathom: the data file is invalid; nothing was sent")
                throw ExitCode(2)
            }
        }
        config.iterationCount = iterations
        config.folders = folders
        config.includeTags = tags
        config.excludeTags = excludeTags
        config.bail = bail
        config.delayBetweenRequestsMs = delayRequest ?? 0
        if let m = maxRetryAfter { config.maxRetryAfterMs = Int((m * 1000).rounded()) }
        config.scriptTimeoutMs = timeoutScript
        config.includeBodies = verbose || reporterNames.contains("json") || reporterNames.contains("html")
        // Reporters stream and the exit status needs only counts: memory stays flat.
        config.keepResults = false
        config.hashing = LibCrypto()
        if seed != nil || fixedTime != nil {
            config.dynamicValues = DynamicValues(seed: seed, fixedTime: fixedTime.flatMap(Self.parseTime))
        }
        if let dir = recordBaseline ?? compareBaseline {
            do {
                config.baseline = try BaselineStore.open(dir, mode: recordBaseline != nil ? .record : .compare, collection: spec)
            } catch {
                printError(error.description)
                throw ExitCode(2)
            }
        }
        if !folders.isEmpty || !tags.isEmpty || !excludeTags.isEmpty, RequestSelection.select(spec, config).isEmpty {
            var msg = "fathom: no request of \(path) matches the --folder/--tag/--exclude-tag filters; nothing to run"
            if let f = folders.first {
                let names = Set(spec.flattened().flatMap { $0.folderNames + $0.folderPaths })
                if let s = closestMatch(to: f, in: names) { msg += " (did you mean --folder '\(s)'?)" }
            }
            printError(msg)
            throw ExitCode(2)
        }
        return Prepared(spec: spec, config: config)
    }

    /// Runs one prepared collection with its reporters; its exit status and the
    /// problems met writing its files. `console` replaces standard output when set.
    private func execute(_ p: Prepared, console: (@Sendable (String) -> Void)?) async -> (status: Int32, problems: [String]) {
        let spec = p.spec
        let config = p.config
        let verbosity: ConsoleReporter.Verbosity = quiet ? .quiet : verbose ? .verbose : .normal
        let standardOutput: @Sendable (String) -> Void = { text in try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8)) }
        // The progress bar: on a terminal, not in CI, not quiet, and not when several
        // collections share the terminal (their output is held and merged).
        let environment = ProcessInfo.processInfo.environment
        let progress = console == nil && ProgressLine.wanted(isTerminal: isatty(STDOUT_FILENO) == 1, environment: environment, quiet: quiet)
            ? ProgressLine(write: standardOutput) : nil
        let output: @Sendable (String) -> Void
        if let console {
            output = console
        } else if let progress {
            output = { progress.print($0) }
        } else {
            output = standardOutput
        }
        let reports = ReportSet(
            names: reporterNames, collectionName: spec.name, directory: reportsDir,
            console: ConsoleReporter.standardOutput(verbosity: verbosity, output: output),
            environment: environment, annotations: output, version: Fathom.configuration.version, progress: progress)
        // The script sandbox, when the collection has scripts: one JavaScript context for the run.
        var engine: ScriptEngine?
        if !noScripts, !spec.allScripts().isEmpty {
            do {
                engine = try ScriptEngine(
                    timeoutMs: timeoutScript ?? 5000, memoryLimitMB: scriptMemoryLimit ?? ScriptEngine.defaultMemoryLimitMB,
                    hashing: LibCrypto(), dynamic: config.dynamicValues)
            } catch {
                printError("fathom: warning: \(error); scripts are reported as skipped")
            }
        }
        // A run with lanes gets the multi interface: one event loop drives every
        // transfer and runs the lanes between them. Otherwise one easy handle, with
        // the run loop on its thread so requests go out without thread hops.
        let multi = ParallelPlan.runsInParallel(spec, config) ? CurlMultiTransport() : nil
        let transport: any HTTPTransport = multi ?? CurlTransport()
        let runner = Runner(collection: spec, configuration: config, transport: transport, xpath: LibXMLXPath(), reporters: reports.reporters, scriptRunner: engine)
        // The run in a task of its own, cancelled by an interrupt: the transfers in
        // flight are abandoned at once (libcurl's progress callback aborts them),
        // waits end, and the runner reports what finished.
        let executor = transport.taskExecutor
        let work = Task { await withTaskExecutorPreference(executor) { await runner.run() } }
        config.cancellation.whenCancelled { work.cancel() }
        let summary = await work.value
        multi?.close()
        var problems = reports.finish()
        if let baseline = config.baseline, baseline.mode == .record {
            do {
                try baseline.finish(recordedAt: Date().timeIntervalSince1970)
                if !quiet { printError("fathom: recorded \(baseline.recordedCount) response(s) as the baseline in \(baseline.directory)") }
            } catch {
                problems.append(error.description)
            }
        }
        problems += exportScopes(runner.scopes, config: config)
        return (summary.exitStatus, problems)
    }

    /// `--export-environment` / `--export-globals`: the final values, secrets as `***`
    /// unless `--export-secrets`. Returns the problems met.
    private func exportScopes(_ scopes: VariableScopes, config: RunConfiguration) -> [String] {
        var problems: [String] = []
        let exports: [(String?, String, String, JSONObject, Set<String>)] = [
            (exportEnvironment, config.environment?.name ?? "environment", "environment", scopes.environment, config.environment?.secrets ?? []),
            (exportGlobals, config.globals?.name ?? "globals", "globals", scopes.globals, config.globals?.secrets ?? []),
        ]
        for (path, name, scope, values, secrets) in exports {
            guard let path else { continue }
            let text = PostmanVariables.export(name: name, scope: scope, variables: values, secrets: secrets, revealSecrets: exportSecrets)
            do { try writeReport(text, to: path) } catch {
                problems.append(error.description.replacingOccurrences(of: "the report", with: "the \(scope) export"))
            }
        }
        return problems
    }
}

/// The transport of a dry run: nothing is ever sent.
final class NoTransport: HTTPTransport {
    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        throw TransportError(.cancelled, "dry run: nothing is sent")
    }
}
