import Foundation

/// Runs a collection's requests one after another, in the format's order, once per
/// iteration, and tells reporters what happened through `RunEvent`s.
///
/// The work is split by concern: `RequestSelection` picks the requests,
/// `VariableScopes` holds the scopes as they change, `RequestBuilder` resolves a
/// request, the transport sends it, `ResponseChecks` captures and asserts, and the
/// `Redactor` masks secrets before any event leaves the engine. The runner itself
/// only sequences them: iterations, delays, retries, bail and cancellation.
public final class Runner {
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
    public func run() async -> RunSummary {
        let started = Date()
        let scheduled = selectedRequests()
        let iterations = configuration.effectiveIterationCount
        redactor = Redactor.forRun(collection: collection, scheduled: scheduled, configuration: configuration, scopes: scopes)
        let skipped = scriptRunner != nil ? [] : RequestSelection.scripts(of: scheduled).map {
            SkippedScript(name: redactor.redact($0.displayName), location: $0.location.describe())
        }
        emit(.runStarted(RunInfo(
            collectionName: collection.name, source: collection.rootPath, requestCount: scheduled.count,
            startedAt: started.timeIntervalSince1970, iterations: iterations, skippedScripts: skipped,
            warnings: collection.warnings.map { redactor.redact($0.description) })))
        var results: [RequestResult] = []
        var counts = RunCounts()
        if configuration.keepResults { results.reserveCapacity(scheduled.count * iterations) }
        var interrupted = false
        var index = 0
        run: for iteration in 0..<iterations {
            scopes.data = configuration.dataRow(iteration)
            if iterations > 1 { emit(.iterationStarted(iteration: iteration + 1, of: iterations)) }
            // An index, not a for-in: setNextRequest can jump anywhere in the iteration.
            var position = 0
            var executed = 0
            let jumpLimit = max(1000, scheduled.count * 100)
            while position < scheduled.count {
                let s = scheduled[position]
                if configuration.cancellation.isCancelled {
                    interrupted = true
                    break run
                }
                if index > 0, configuration.delayBetweenRequestsMs > 0 {
                    try? await Task.sleep(nanoseconds: UInt64(configuration.delayBetweenRequestsMs) * 1_000_000)
                }
                index += 1
                executed += 1
                let info = RequestInfo(
                    index: index, id: s.request.id, name: s.request.name, folders: s.folderNames,
                    iteration: iteration + 1, iterations: iterations)
                emit(.requestStarted(info))
                var (result, next) = await execute(s, info: info)
                position += 1
                switch next {
                case nil: break
                case .stop?: position = scheduled.count
                case .named(let target)?:
                    if let i = scheduled.firstIndex(where: { $0.request.name == target || $0.request.id == target || $0.request.postmanId == target }) {
                        position = i
                    } else {
                        result.warnings.append(redactor.redact("setNextRequest(\"\(target)\"): no request of this run has that name or id; the iteration stops here"))
                        position = scheduled.count
                    }
                }
                if executed >= jumpLimit, position < scheduled.count {
                    result.status = .error
                    result.errorMessage = "setNextRequest sent this iteration through \(executed) requests; it looks like a loop, so the iteration stops (a script should end it with setNextRequest(null))"
                    position = scheduled.count
                }
                counts.add(result)
                if configuration.keepResults { results.append(result) }
                emit(.requestFinished(result))
                if configuration.bail, result.status == .failed || result.status == .error { break run }
            }
        }
        if configuration.cancellation.isCancelled { interrupted = true }
        let summary = RunSummary(
            collectionName: collection.name, results: results, counts: counts, durationMs: Date().timeIntervalSince(started) * 1000,
            interrupted: interrupted, skippedScripts: skipped.count)
        emit(.runFinished(summary))
        return summary
    }

    // MARK: - One request

    private func execute(_ scheduled: ScheduledRequest, info: RequestInfo) async -> (RequestResult, NextRequest?) {
        let clock = ContinuousClock.now
        func elapsed() -> Double {
            let d = ContinuousClock.now - clock
            return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        }
        if let reason = scheduled.request.skip {
            return (RequestResult(info: info, status: .skipped, skipReason: reason.isEmpty ? "skip: true" : reason), nil)
        }
        var s = scheduled
        var scriptTests: [AssertionResult] = []
        var console: [String] = []
        var next: NextRequest?

        // Pre-request scripts: they may change variables and the request itself.
        if let runner = scriptRunner {
            let scripts = ScriptSteps.scripts(.preRequest, for: s)
            if !scripts.isEmpty {
                let original = ScriptSteps.requestJSON(s.request)
                let outcome = await runScripts(runner, .preRequest, scripts, s, info, request: original, response: nil)
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
                        let tests = await runScripts(runner, .test, scripts, s, info, request: ScriptSteps.sentRequestJSON(built, spec: s.request), response: ScriptSteps.responseJSON(response, jar: transport.cookieJar()))
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
        request: JSON, response: JSON?
    ) async -> ScriptOutcome {
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
    }

    /// Sends once, then captures and asserts.
    private func exchange(_ s: ScheduledRequest, built: BuiltRequest, template: Template) async -> ExchangeOutcome {
        let response: HTTPResponse
        do {
            response = try await transport.send(built.http)
        } catch {
            return ExchangeOutcome(status: .error, errorMessage: "\(s.request.location("/url")): \(error.description)")
        }
        let checks = ResponseChecks(spec: s.request, template: template, xpath: xpath)
            .run(on: response, isGraphQL: built.isGraphQL, allowGraphQLErrors: built.options.allowGraphQLErrors)
        return ExchangeOutcome(status: checks.failed ? .failed : .passed, response: response, checks: checks)
    }

    /// Redacts the result for reporters (captures are already in the run's scope).
    private func finish(info: RequestInfo, built: BuiltRequest, outcome: ExchangeOutcome, elapsed: Double) -> RequestResult {
        let r = redactor
        let bodies = configuration.includeBodies
        let sent = SentRequest(
            method: built.http.method, url: r.redact(built.http.url), headers: r.redact(built.http.headers),
            body: bodies ? built.http.body.map { r.redact(String(decoding: $0, as: UTF8.self)) } : nil)
        let received = outcome.response.map { resp in
            ReceivedResponse(
                status: resp.status, httpVersion: resp.httpVersion, headers: r.redact(resp.headers),
                body: bodies ? r.redact(String(decoding: resp.body, as: UTF8.self)) : "", sizeBytes: resp.body.count, timing: resp.timing)
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
        result.warnings = built.warnings.map { r.redact($0) }
        return result
    }

    // MARK: - Dry run

    /// Every request of the run resolved and built, none sent (`--dry-run`), in run
    /// order for every iteration. Captured values do not exist in a dry run, so
    /// undefined variables are kept as written (with a warning) rather than errors.
    public func plan() -> [PlannedRequest] {
        let scheduled = selectedRequests()
        let iterations = configuration.effectiveIterationCount
        redactor = Redactor.forRun(collection: collection, scheduled: scheduled, configuration: configuration, scopes: scopes)
        var out: [PlannedRequest] = []
        var index = 0
        for iteration in 0..<iterations {
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
