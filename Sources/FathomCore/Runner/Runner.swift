import Foundation

/// Runs a collection's requests one after another, in the format's order, once per
/// iteration, and tells reporters what happened through `RunEvent`s.
///
/// The work is split by concern: `RequestSelection` picks the requests,
/// `VariableScopes` holds the scopes as they change, `RequestBuilder` resolves a
/// request, the transport sends it, `ResponseChecks` captures and asserts, and the
/// `Redactor` masks secrets before any event leaves the engine. The runner itself
/// only sequences them: iterations, delays, retries, bail and cancellation.
///
/// `@unchecked Sendable`: its mutable state is touched only by the run's task, or,
/// in a parallel run, by lanes that all run on one serial executor (the
/// transport's event loop, or a serial queue of the runner's own).
public final class Runner: @unchecked Sendable {
    let collection: CollectionSpec
    let configuration: RunConfiguration
    let transport: any HTTPTransport
    let xpath: (any XPathEvaluating)?
    let reporters: [any Reporter]
    /// Runs pre-request and test scripts; nil reports each script as skipped.
    let scriptRunner: (any ScriptRunning)?

    /// The run's variable scopes; after `run()`, their final values (for
    /// `--export-environment` and `--export-globals`).
    public let scopes: VariableScopes
    private var redactor = Redactor()

    public init(
        collection: CollectionSpec, configuration: RunConfiguration, transport: any HTTPTransport,
        xpath: (any XPathEvaluating)? = nil, reporters: [any Reporter], scriptRunner: (any ScriptRunning)? = nil
    ) {
        self.collection = collection
        self.configuration = configuration
        self.transport = transport
        self.xpath = xpath
        self.reporters = reporters
        self.scriptRunner = scriptRunner
        scopes = VariableScopes(collection: collection.root.settings.variables, configuration: configuration)
    }

    /// The requests this run will execute, after `--folder` and tag filters.
    public func selectedRequests() -> [ScheduledRequest] {
        RequestSelection.select(collection, configuration)
    }

    private func emit(_ event: RunEvent) {
        for r in reporters { r.handle(event) }
    }

    /// Runs the selected requests and returns the summary (also sent as `runFinished`).
    ///
    /// With `parallel` above 1, independent lanes run that many at a time (see
    /// `ParallelPlan`): every iteration when there are several, else each top-level
    /// folder marked `"parallel": true`. Events still arrive in the order, and with
    /// the indexes, of a sequential run.
    public func run() async -> RunSummary {
        let started = Date()
        let selection = selectedRequests()
        let iterations = configuration.effectiveIterationCount
        let (scheduled, iterationList) = share(of: selection, iterations: iterations)
        redactor = Redactor.forRun(collection: collection, scheduled: selection, configuration: configuration, scopes: scopes)
        // Every shard lists the same skipped scripts (the whole selection's), so merged reports list them once.
        let skipped = scriptRunner != nil ? [] : RequestSelection.scripts(of: selection).map {
            SkippedScript(name: redactor.redact($0.displayName), location: $0.location.describe())
        }
        var info = RunInfo(
            collectionName: collection.name, source: collection.rootPath, requestCount: scheduled.count,
            startedAt: started.timeIntervalSince1970, iterations: iterations, skippedScripts: skipped,
            warnings: collection.warnings.map { redactor.redact($0.description) })
        info.plannedRequests = scheduled.count * iterationList.count
        if let share = configuration.share {
            info.shard = ShardInfo(index: share.shard.index, count: share.shard.count, plan: share.plan, unitCount: share.unitCount)
        }
        emit(.runStarted(info))
        results = []
        counts = RunCounts()
        emitted = 0
        requestsStarted = 0
        stopRequested = false
        if configuration.keepResults { results.reserveCapacity(scheduled.count * iterations) }
        let plan = ParallelPlan(collection: collection, scheduled: scheduled, iterations: iterations, limit: configuration.parallel,
                                only: iterationList.count == iterations ? nil : iterationList)
        if plan.isParallel {
            let executor = transport.taskExecutor ?? SerialQueueExecutor(label: "fathom.run.lanes")
            await withTaskExecutorPreference(executor) { await runParallel(plan, scheduled: scheduled, iterations: iterations) }
        } else {
            for iteration in iterationList {
                scopes.data = configuration.dataRow(iteration)
                if iterations > 1 { emit(.iterationStarted(iteration: iteration + 1, of: iterations)) }
                let goOn = await runSequence(scheduled, all: scheduled, iteration: iteration, iterations: iterations, scopes: scopes) { self.deliver($0) }
                if !goOn { break }
            }
        }
        let interrupted = configuration.cancellation.isCancelled
        let summary = RunSummary(
            collectionName: collection.name, results: results, counts: counts, durationMs: Date().timeIntervalSince(started) * 1000,
            interrupted: interrupted, skippedScripts: skipped.count)
        results = []
        emit(.runFinished(summary))
        return summary
    }

    /// What this run executes: the selected requests and the iterations (0-based),
    /// all of them, or under `--shard` this shard's units only (each request then
    /// knows its position among the selected requests).
    private func share(of selection: [ScheduledRequest], iterations: Int) -> ([ScheduledRequest], [Int]) {
        guard let share = configuration.share else { return (selection, Array(0..<iterations)) }
        let units = ShardPlan.units(collection, configuration)
        var positions: [(Int, Int)] = []  // (position, unit)
        var iterationList: [Int] = []
        for ordinal in share.units where ordinal < units.count {
            switch units[ordinal].kind {
            case .iteration(let i): iterationList.append(i)
            case .requests(let p): positions += p.map { ($0, ordinal) }
            }
        }
        if !iterationList.isEmpty { return (selection, iterationList.sorted()) }
        guard !positions.isEmpty else { return ([], []) }
        let chosen = positions.map(\.0).sorted().map { position in
            var s = selection[position]
            s.shardPosition = position
            return s
        }
        return (chosen, [0])
    }

    // The run's tallies; touched from the run's task, or from lanes that all run on
    // one serial executor.
    private var results: [RequestResult] = []
    private var counts = RunCounts()
    private var emitted = 0
    private var requestsStarted = 0
    /// Set by --bail on the first failure: lanes start no further request.
    private var stopRequested = false
    /// One script invocation at a time in a parallel run (one JavaScript context).
    private let scriptGate = AsyncGate()

    /// Hands a finished result to the reporters, numbered in delivery order.
    private func deliver(_ result: RequestResult) {
        var result = result
        emitted += 1
        result.info.index = emitted
        counts.add(result)
        if configuration.keepResults { results.append(result) }
        emit(.requestStarted(result.info))
        emit(.requestFinished(result))
    }

    /// Runs `items` in order for one iteration (setNextRequest may jump within them),
    /// handing each result to `deliver`. `all` is the run's whole selection, to tell
    /// a jump outside a parallel lane from a jump to a name that does not exist.
    /// Returns false when the run stops (interrupt, --bail, or a stop from a lane).
    private func runSequence(
        _ items: [ScheduledRequest], all: [ScheduledRequest], iteration: Int, iterations: Int, scopes: VariableScopes,
        deliver: (RequestResult) -> Void
    ) async -> Bool {
        // An index, not a for-in: setNextRequest can jump anywhere in the iteration.
        var position = 0
        var executed = 0
        let prefetch = RequestPrefetch(items)
        let jumpLimit = max(1000, items.count * 100)
        while position < items.count {
            let s = items[position]
            if configuration.cancellation.isCancelled || stopRequested { return false }
            if requestsStarted > 0, configuration.delayBetweenRequestsMs > 0 {
                try? await Task.sleep(nanoseconds: UInt64(configuration.delayBetweenRequestsMs) * 1_000_000)
            }
            requestsStarted += 1
            executed += 1
            var info = RequestInfo(
                index: requestsStarted, id: s.request.id, name: s.request.name, folders: s.folderNames,
                iteration: iteration + 1, iterations: iterations)
            if configuration.share != nil { info.shardOrder = iterations > 1 ? iteration : s.shardPosition }
            var (result, next) = await execute(s, prefetch.take(position), info: info, scopes: scopes)
            if result.status == .failed || result.status == .error {
                // Where to point an annotation: the request file (and a Postman item's place in its file).
                result.location = FilePosition(file: s.request.file, position: s.request.isDeferred ? nil : s.request.source.position)
            }
            position += 1
            switch next {
            case nil: break
            case .stop?: position = items.count
            case .named(let target)?:
                let matches = { (c: ScheduledRequest) in c.request.name == target || c.request.id == target || c.request.postmanId == target }
                if let i = items.firstIndex(where: matches) {
                    position = i
                } else if all.count != items.count, all.contains(where: matches) {
                    result.warnings.append(redactor.redact("setNextRequest(\"\(target)\"): that request is outside this parallel folder, which runs on its own; the folder stops here"))
                    position = items.count
                } else {
                    result.warnings.append(redactor.redact("setNextRequest(\"\(target)\"): no request of this run has that name or id; the iteration stops here"))
                    position = items.count
                }
            }
            if executed >= jumpLimit, position < items.count {
                result.status = .error
                result.errorMessage = "setNextRequest sent this iteration through \(executed) requests; it looks like a loop, so the iteration stops (a script should end it with setNextRequest(null))"
                position = items.count
            }
            deliver(result)
            if configuration.bail, result.status == .failed || result.status == .error {
                stopRequested = true
                return false
            }
        }
        return true
    }

    // MARK: - Parallel lanes

    /// Runs the plan's stages in order; a stage's lanes run `configuration.parallel`
    /// at a time. Each lane has its own copy of the variable scopes, taken when its
    /// stage starts; when a stage ends, what its lanes changed is written back in
    /// lane order, so later stages (and exports) see it as after a sequential run.
    private func runParallel(_ plan: ParallelPlan, scheduled: [ScheduledRequest], iterations: Int) async {
        // With one iteration, its data row is every stage's (iteration lanes take their own).
        if iterations == 1 { scopes.data = configuration.dataRow(0) }
        for stage in plan.stages {
            if configuration.cancellation.isCancelled || stopRequested { return }
            switch stage {
            case .sequential(let items):
                _ = await runSequence(items, all: scheduled, iteration: 0, iterations: iterations, scopes: scopes) { self.deliver($0) }
            case .lanes(let lanes):
                await runLanes(lanes, all: scheduled, iterations: iterations)
            }
        }
    }

    private func runLanes(_ lanes: [ParallelPlan.Lane], all: [ScheduledRequest], iterations: Int) async {
        let start = scopes.copy()
        let order = OrderedMerge<RequestResult>(count: lanes.count) { [self] lane in
            if lanes[lane].announcesIteration { emit(.iterationStarted(iteration: lanes[lane].iteration + 1, of: iterations)) }
        } forward: { [self] result in
            deliver(result)
        }
        var finishedScopes: [Int: VariableScopes] = [:]
        let limit = configuration.parallel
        // Lanes start in order, at most `limit` at once, and no further than a window
        // ahead of the lane being reported, so buffered results stay bounded.
        let window = max(limit * 4, 8)
        await withTaskGroup(of: (Int, VariableScopes).self) { group in
            var next = 0
            var running = 0
            while next < lanes.count || running > 0 {
                while running < limit, next < lanes.count, next < order.head + window,
                      !configuration.cancellation.isCancelled, !stopRequested {
                    let lane = lanes[next]
                    let ordinal = next
                    let laneScopes = start.copy()
                    if let i = lane.dataIteration { laneScopes.data = configuration.dataRow(i) }
                    group.addTask { [self] in
                        _ = await runSequence(lane.items, all: all, iteration: lane.iteration, iterations: iterations, scopes: laneScopes) {
                            order.add($0, from: ordinal)
                        }
                        return (ordinal, laneScopes)
                    }
                    next += 1
                    running += 1
                }
                guard let (ordinal, laneScopes) = await group.next() else { break }
                running -= 1
                finishedScopes[ordinal] = laneScopes
                order.finished(ordinal)
            }
        }
        // Lanes that never started (interrupt, --bail) are reported as not run, by omission.
        order.flushAll()
        for ordinal in finishedScopes.keys.sorted() { scopes.absorb(finishedScopes[ordinal]!, since: start) }
    }

    // MARK: - One request

    /// Runs one request; `whole` is its spec as its file reads now (`RequestPrefetch`).
    private func execute(
        _ scheduled: ScheduledRequest, _ whole: Result<RequestSpec, LoadError>, info: RequestInfo, scopes: VariableScopes
    ) async -> (RequestResult, NextRequest?) {
        let clock = ContinuousClock.now
        func elapsed() -> Double {
            let d = ContinuousClock.now - clock
            return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        }
        if let reason = scheduled.request.skip {
            return (RequestResult(info: info, status: .skipped, skipReason: reason.isEmpty ? "skip: true" : reason), nil)
        }
        var s = scheduled
        switch whole {
        case .success(let request): s.request = request
        case .failure(let error):
            return (RequestResult(info: info, status: .error, errorMessage: redactor.redact(Runner.changedFile(error)), durationMs: elapsed()), nil)
        }
        var scriptTests: [AssertionResult] = []
        var console: [String] = []
        var next: NextRequest?

        // Pre-request scripts: they may change variables and the request itself.
        if let runner = scriptRunner {
            let scripts = ScriptSteps.scripts(.preRequest, for: s)
            if !scripts.isEmpty {
                let original = ScriptSteps.requestJSON(s.request)
                let outcome = await runScripts(runner, .preRequest, scripts, s, info, scopes: scopes, request: original, response: nil)
                scriptTests += outcome.tests
                console += outcome.console
                next = outcome.nextRequest ?? next
                ScriptSteps.apply(request: outcome.context["request"], to: &s.request, original: original)
                if outcome.skipRequest {
                    var r = RequestResult(info: info, status: .skipped, assertions: redacted(scriptTests), skipReason: "pm.execution.skipRequest() in a pre-request script", durationMs: elapsed())
                    r.console = console.map { redactor.redact($0) }
                    return (r, next)
                }
            }
        }

        let template = Template(lookup: scopes.lookupFunction(folders: s.folders), dynamic: configuration.dynamicValues)
        let builder = RequestBuilder(template: template, configuration: configuration)
        var attempt = 0
        while true {
            // Built again on each attempt, so dynamic values are fresh on a retry.
            let built: BuiltRequest
            do {
                built = try builder.build(s)
            } catch {
                var r = RequestResult(info: info, status: .error, assertions: redacted(scriptTests), errorMessage: redactor.redact(error.message), durationMs: elapsed())
                r.console = console.map { redactor.redact($0) }
                return (r, next)
            }
            for c in built.credentials { redactor.add(c) }
            if attempt == 0, built.options.delayMs > 0 {
                try? await Task.sleep(nanoseconds: UInt64(built.options.delayMs) * 1_000_000)
            }
            var outcome = await exchange(s, built: built, template: built.template)
            let done = attempt >= built.options.retryCount || outcome.status == .passed || configuration.cancellation.isCancelled
            if done {
                // Captures first, so the request's own test scripts see them.
                for (k, v) in outcome.checks.captures.members { scopes.local[k] = v }
                for secret in outcome.checks.secretCaptures { redactor.add(secret) }
                if let baseline = configuration.baseline, let response = outcome.response {
                    let rules = s.folders.reduce(BaselineRules()) { $0.adding($1.settings.baseline) }.adding(s.request.baseline)
                    let key = BaselineStore.key(requestID: s.request.id, iteration: info.iteration, iterations: info.iterations)
                    let redactor = self.redactor
                    let checks = baseline.handle(key: key, requestName: info.qualifiedName, response: response, rules: rules) { redactor.redact($0) }
                    outcome.checks.assertions += checks
                    if outcome.status == .passed, checks.contains(where: { !$0.passed }) { outcome.status = .failed }
                }
                // Test scripts, once, on the response that is kept.
                if let runner = scriptRunner, let response = outcome.response {
                    let scripts = ScriptSteps.scripts(.test, for: s)
                    if !scripts.isEmpty {
                        let tests = await runScripts(runner, .test, scripts, s, info, scopes: scopes, request: ScriptSteps.sentRequestJSON(built, spec: s.request), response: ScriptSteps.responseJSON(response, jar: transport.cookieJar()))
                        outcome.checks.assertions += tests.tests
                        console += tests.console
                        next = tests.nextRequest ?? next
                        if tests.tests.contains(where: { !$0.passed && !$0.isSkipped }) { outcome.status = .failed }
                    }
                }
                outcome.checks.assertions = scriptTests + outcome.checks.assertions
                if outcome.status == .passed, scriptTests.contains(where: { !$0.passed && !$0.isSkipped }) { outcome.status = .failed }
                var r = finish(info: info, built: built, outcome: outcome, elapsed: elapsed())
                r.console = console.map { redactor.redact($0) }
                return (r, next)
            }
            attempt += 1
            if built.options.retryIntervalMs > 0 {
                try? await Task.sleep(nanoseconds: UInt64(built.options.retryIntervalMs) * 1_000_000)
            }
        }
    }

    /// Runs one phase's scripts and folds their variable changes into the scopes.
    private func runScripts(
        _ runner: any ScriptRunning, _ phase: ScriptSpec.Phase, _ scripts: [ScriptSpec], _ s: ScheduledRequest, _ info: RequestInfo,
        scopes: VariableScopes, request: JSON, response: JSON?
    ) async -> ScriptOutcome {
        // One JavaScript context: parallel lanes take turns (a no-op when sequential).
        await scriptGate.enter()
        defer { scriptGate.leave() }
        var context: JSONObject = ["request": request, "variables": ScriptSteps.variables(scopes, folders: s.folders),
                                   "info": ScriptSteps.info(s, info, phase: phase, environmentName: configuration.environment?.name)]
        if let response { context["response"] = response }
        let transport = self.transport
        let configuration = self.configuration
        let outcome = await runner.run(ScriptInvocation(phase: phase, scripts: scripts, context: .object(context))) { request in
            switch ScriptSteps.httpRequest(from: request, configuration: configuration) {
            case .failure(let e): return ["error": .string(e.message)]
            case .success(let (http, credentials)):
                for c in credentials { self.redactor.add(c) }
                do {
                    return ScriptSteps.responseJSON(try await transport.send(http))
                } catch {
                    return ["error": .string((error as? TransportError)?.description ?? "\(error)")]
                }
            }
        }
        ScriptSteps.apply(variables: outcome.context["variables"], to: scopes)
        return outcome
    }

    private func redacted(_ assertions: [AssertionResult]) -> [AssertionResult] {
        let r = redactor
        return assertions.map { a in
            var a = a
            a.name = r.redact(a.name)
            a.message = r.redact(optional: a.message)
            return a
        }
    }

    struct ExchangeOutcome {
        var status: RequestStatus
        var response: HTTPResponse?
        var checks = ResponseChecks.Outcome()
        var errorMessage: String?
        /// Rate-limit waits: what was waited, and what to tell the reports.
        var rateLimitWaitMs = 0.0
        var notes: [String] = []
    }

    /// Sends (again after each 429 whose `Retry-After` is waited out), then captures and asserts.
    private func exchange(_ s: ScheduledRequest, built: BuiltRequest, template: Template) async -> ExchangeOutcome {
        var response: HTTPResponse
        var waitedMs = 0.0
        var notes: [String] = []
        var waits = 0
        while true {
            do {
                response = try await transport.send(built.http)
            } catch {
                let message = error.kind == .cancelled && configuration.cancellation.isCancelled
                    ? "interrupted: the request was abandoned before its response arrived"
                    : "\(s.request.location("/url")): \(error.description)"
                var outcome = ExchangeOutcome(status: .error, errorMessage: message)
                outcome.rateLimitWaitMs = waitedMs
                outcome.notes = notes
                return outcome
            }
            guard response.status == 429, let header = response.headers.first(named: "Retry-After") else { break }
            let limit = configuration.maxRetryAfterMs
            guard let delayMs = RetryAfter.delayMs(header, now: Date().timeIntervalSince1970) else {
                notes.append("429 Too Many Requests with a Retry-After Fathom cannot read (\(Self.clip(header))); the 429 stands")
                break
            }
            if limit <= 0 { break }
            if delayMs > Double(limit) {
                notes.append("429 Too Many Requests asks to wait \(RetryAfter.describe(ms: delayMs)) (Retry-After: \(Self.clip(header))), more than --max-retry-after \(RetryAfter.describe(ms: Double(limit))); the 429 stands")
                break
            }
            if waits >= RunConfiguration.maxRateLimitWaits {
                notes.append("429 Too Many Requests again after waiting \(waits) times (\(RetryAfter.describe(ms: waitedMs)) in all); the 429 stands")
                break
            }
            if !(await sleepUnlessCancelled(ms: delayMs)) {
                var outcome = ExchangeOutcome(status: .error, errorMessage: "interrupted while waiting out a rate limit (429, Retry-After: \(Self.clip(header)))")
                outcome.rateLimitWaitMs = waitedMs
                outcome.notes = notes
                return outcome
            }
            waits += 1
            waitedMs += delayMs
            notes.append("rate limited: 429 Too Many Requests with Retry-After: \(Self.clip(header)); waited \(RetryAfter.describe(ms: delayMs)) and sent it again")
        }
        let checks = ResponseChecks(spec: s.request, template: template, xpath: xpath)
            .run(on: response, isGraphQL: built.isGraphQL, allowGraphQLErrors: built.options.allowGraphQLErrors)
        return ExchangeOutcome(status: checks.failed ? .failed : .passed, response: response, checks: checks, rateLimitWaitMs: waitedMs, notes: notes)
    }

    /// Sleeps in short steps, so an interrupt ends the wait within a tenth of a
    /// second; false when the run was cancelled.
    private func sleepUnlessCancelled(ms: Double) async -> Bool {
        var left = ms
        while left > 0 {
            if configuration.cancellation.isCancelled { return false }
            let step = min(left, 100)
            try? await Task.sleep(nanoseconds: UInt64(step * 1_000_000))
            left -= step
        }
        return !configuration.cancellation.isCancelled
    }

    private static func clip(_ text: String) -> String {
        text.count <= 64 ? text : String(text.prefix(64)) + "…"
    }

    /// Redacts the result for reporters (captures are already in the run's scope).
    private func finish(info: RequestInfo, built: BuiltRequest, outcome: ExchangeOutcome, elapsed: Double) -> RequestResult {
        let r = redactor
        let bodies = configuration.includeBodies
        let sent = SentRequest(
            method: built.http.method, url: r.redact(built.http.url), headers: r.redact(built.http.headers),
            body: bodies ? built.http.body.map { r.redact(String(decoding: $0, as: UTF8.self)) } : nil)
        let limit = configuration.reportedBodyLimit
        let received = outcome.response.map { resp in
            let (body, truncated) = !bodies ? ("", false)
                : limit.map { r.redactPrefix(resp.body, limit: $0) } ?? (r.redact(String(decoding: resp.body, as: UTF8.self)), false)
            return ReceivedResponse(
                status: resp.status, httpVersion: resp.httpVersion, headers: r.redact(resp.headers),
                body: body, sizeBytes: resp.body.count, timing: resp.timing, bodyTruncated: truncated)
        }
        let assertions = r.isEmpty ? outcome.checks.assertions : outcome.checks.assertions.map { a in
            var a = a
            a.name = r.redact(a.name)
            a.expected = r.redact(optional: a.expected)
            a.actual = r.redact(optional: a.actual)
            a.message = r.redact(optional: a.message)
            return a
        }
        var result = RequestResult(
            info: info, status: outcome.status, request: sent, response: received, assertions: assertions,
            errorMessage: r.redact(optional: outcome.errorMessage), durationMs: elapsed)
        result.warnings = (built.warnings + outcome.notes).map { r.redact($0) }
        result.rateLimitWaitMs = outcome.rateLimitWaitMs
        return result
    }

    /// A deferred request's file that no longer reads as it did when the collection loaded.
    static func changedFile(_ error: LoadError) -> String {
        "the file changed after the collection was loaded and no longer reads as a request: " + error.description
    }

    // MARK: - Dry run

    /// Every request of the run resolved and built, none sent (`--dry-run`), in run
    /// order for every iteration. Captured values do not exist in a dry run, so
    /// undefined variables are kept as written (with a warning) rather than errors.
    public func plan() -> [PlannedRequest] {
        let selection = selectedRequests()
        let iterations = configuration.effectiveIterationCount
        let (scheduled, iterationList) = share(of: selection, iterations: iterations)
        redactor = Redactor.forRun(collection: collection, scheduled: selection, configuration: configuration, scopes: scopes)
        var out: [PlannedRequest] = []
        var index = 0
        for iteration in iterationList {
            scopes.data = configuration.dataRow(iteration)
            for s in scheduled {
                index += 1
                let info = RequestInfo(
                    index: index, id: s.request.id, name: s.request.name, folders: s.folderNames,
                    iteration: iteration + 1, iterations: iterations)
                if let reason = s.request.skip {
                    out.append(PlannedRequest(info: info, location: s.request.location(""), skipReason: reason.isEmpty ? "skip: true" : reason))
                    continue
                }
                var s = s
                do {
                    s.request = try s.request.loaded()
                } catch {
                    out.append(PlannedRequest(info: info, location: s.request.location(""), error: redactor.redact(Runner.changedFile(error))))
                    continue
                }
                let template = Template(lookup: scopes.lookupFunction(folders: s.folders), dynamic: configuration.dynamicValues, keepUnresolved: true)
                let builder = RequestBuilder(template: template, configuration: configuration, materializeFiles: false, forceKeepUnresolved: true)
                do {
                    let built = try builder.build(s)
                    for c in built.credentials { redactor.add(c) }
                    out.append(PlannedRequest(info: info, location: s.request.location(""), built: built, redactor: redactor))
                } catch {
                    out.append(PlannedRequest(info: info, location: redactor.redact(error.location), error: redactor.redact(error.reason)))
                }
            }
        }
        return out
    }
}

/// A request as it would be sent, for `--dry-run`: redacted, with its body described
/// structurally (multipart parts and files by name, not bytes).
public struct PlannedRequest: Sendable {
    public var info: RequestInfo
    /// Where the request is written.
    public var location: String
    public var method = ""
    public var url = ""
    public var headers: [HTTPHeader] = []
    public var body: BodyPlan = .none
    /// Digest, NTLM or AWS SigV4, with the secret parts masked.
    public var auth: HTTPRequest.TransportAuth?
    public var options = TransportOptions()
    public var warnings: [String] = []
    /// Why the request could not be built (it would be an error in a run), without
    /// the location (which is `location`).
    public var error: String?
    public var skipReason: String?

    init(info: RequestInfo, location: String, error: String? = nil, skipReason: String? = nil) {
        self.info = info
        self.location = location
        self.error = error
        self.skipReason = skipReason
    }

    init(info: RequestInfo, location: String, built: BuiltRequest, redactor r: Redactor) {
        self.info = info
        self.location = location
        method = built.http.method
        url = r.redact(built.http.url)
        headers = r.redact(built.http.headers)
        body = built.bodyPlan.redacted(r)
        options = built.http.options
        warnings = built.warnings.map { r.redact($0) }
        switch built.http.auth {
        case nil: auth = nil
        case .digest(let u, _)?: auth = .digest(username: r.redact(u), password: Redactor.mask)
        case .ntlm(let u, _)?: auth = .ntlm(username: r.redact(u), password: Redactor.mask)
        case .awsSigV4(let p, let k, _)?: auth = .awsSigV4(provider: p, accessKey: r.redact(k), secretKey: Redactor.mask)
        }
    }
}

/// A request body described for display: bytes as text, parts and files by name.
public enum BodyPlan: Sendable, Equatable {
    case none
    case text(String)
    case multipart([PlannedPart])
    case file(path: String)

    func redacted(_ r: Redactor) -> BodyPlan {
        switch self {
        case .none, .file: return self
        case .text(let t): return .text(r.redact(t))
        case .multipart(let parts):
            return .multipart(parts.map { p in
                var p = p
                p.value = r.redact(optional: p.value)
                return p
            })
        }
    }
}

public struct PlannedPart: Sendable, Equatable {
    public var name: String
    public var value: String?
    public var file: String?
    public var contentType: String?
}
