import Foundation

/// Runs a collection's requests one after another, in the format's order, and
/// tells reporters what happened through `RunEvent`s.
public final class Runner {
    let collection: CollectionSpec
    let configuration: RunConfiguration
    let transport: any HTTPTransport
    let xpath: (any XPathEvaluating)?
    let reporters: [any Reporter]

    /// Values captured during the run: the highest scope.
    private(set) var captured = JSONObject()
    private var redactor = Redactor()

    public init(
        collection: CollectionSpec, configuration: RunConfiguration, transport: any HTTPTransport,
        xpath: (any XPathEvaluating)? = nil, reporters: [any Reporter]
    ) {
        self.collection = collection
        self.configuration = configuration
        self.transport = transport
        self.xpath = xpath
        self.reporters = reporters
    }

    /// The requests this run will execute, after `--folder` and tag filters.
    public func selectedRequests() -> [ScheduledRequest] {
        Runner.selectedRequests(collection, configuration)
    }

    public static func selectedRequests(_ collection: CollectionSpec, _ configuration: RunConfiguration) -> [ScheduledRequest] {
        collection.flattened().filter { s in
            if !configuration.folders.isEmpty {
                let inFolder = configuration.folders.contains { want in
                    s.folderNames.contains(want) || s.folderPaths.contains { $0 == want || $0.hasPrefix(want + "/") }
                }
                if !inFolder { return false }
            }
            let tags = s.allTags
            if !configuration.includeTags.isEmpty, tags.isDisjoint(with: configuration.includeTags) { return false }
            if !tags.isDisjoint(with: configuration.excludeTags) { return false }
            return true
        }
    }

    private func emit(_ event: RunEvent) {
        for r in reporters { r.handle(event) }
    }

    /// Runs the selected requests and returns the summary (also sent as `runFinished`).
    public func run() async -> RunSummary {
        let started = Date()
        let scheduled = selectedRequests()
        setUpStaticSecrets(scheduled)
        emit(.runStarted(RunInfo(collectionName: collection.name, source: collection.rootPath, requestCount: scheduled.count, startedAt: started.timeIntervalSince1970)))
        var results: [RequestResult] = []
        results.reserveCapacity(scheduled.count)
        var interrupted = false
        for (i, s) in scheduled.enumerated() {
            if configuration.cancellation.isCancelled {
                interrupted = true
                break
            }
            let info = RequestInfo(index: i + 1, id: s.request.id, name: s.request.name, folders: s.folderNames)
            emit(.requestStarted(info))
            let result = await execute(s, info: info)
            results.append(result)
            emit(.requestFinished(result))
            if configuration.bail, result.status == .failed || result.status == .error { break }
        }
        if configuration.cancellation.isCancelled { interrupted = true }
        let summary = RunSummary(collectionName: collection.name, results: results, durationMs: Date().timeIntervalSince(started) * 1000, interrupted: interrupted)
        emit(.runFinished(summary))
        return summary
    }

    /// Secret variable values known before the run starts.
    private func setUpStaticSecrets(_ scheduled: [ScheduledRequest]) {
        var names = Set(configuration.environment?.secrets ?? [])
        names.formUnion(configuration.secretVariables.keys)
        var folders: [Folder] = [collection.root]
        for s in scheduled { folders += s.folders }
        for f in folders { names.formUnion(f.settings.secrets) }
        let template = Template(lookup: lookupFunction(folders: [collection.root]))
        for name in names {
            for value in [configuration.secretVariables[name], configuration.environment?.variables[name], configuration.variables[name]] + folders.map({ $0.settings.variables[name] }) {
                guard let value else { continue }
                let resolved = (try? template.resolve(value, at: "")) ?? value
                redactor.add(resolved.interpolationText)
            }
        }
    }

    /// Variable lookup from the highest scope down: captured → command line → data → environment → folders → collection.
    private func lookupFunction(folders: [Folder]) -> (String) -> JSON? {
        let captured = self.captured
        let cli = configuration.variables
        let cliSecrets = configuration.secretVariables
        let env = configuration.environment?.variables ?? JSONObject()
        let layers = folders.reversed().map(\.settings.variables)
        return { name in
            if let v = captured[name] { return v }
            if let v = cliSecrets[name] { return v }
            if let v = cli[name] { return v }
            if let v = env[name] { return v }
            for l in layers { if let v = l[name] { return v } }
            return nil
        }
    }

    private func execute(_ s: ScheduledRequest, info: RequestInfo) async -> RequestResult {
        let clock = ContinuousClock.now
        func elapsed() -> Double {
            let d = ContinuousClock.now - clock
            return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        }
        if let reason = s.request.skip {
            return RequestResult(info: info, status: .skipped, skipReason: reason.isEmpty ? "skip: true" : reason)
        }
        let template = Template(lookup: lookupFunction(folders: s.folders))
        let builder = RequestBuilder(template: template, configuration: configuration)
        var attempt = 0
        while true {
            // Built again on each attempt, so dynamic values are fresh on a retry.
            let built: BuiltRequest
            do {
                built = try builder.build(s)
            } catch {
                return RequestResult(info: info, status: .error, errorMessage: redactor.redact(error.message), durationMs: elapsed())
            }
            for c in built.credentials { redactor.add(c) }
            if attempt == 0, built.options.delayMs > 0 {
                try? await Task.sleep(nanoseconds: UInt64(built.options.delayMs) * 1_000_000)
            }
            let outcome = await exchange(s, built: built, template: template)
            let done = attempt >= built.options.retryCount || outcome.status == .passed || configuration.cancellation.isCancelled
            if done {
                return finish(info: info, built: built, outcome: outcome, elapsed: elapsed())
            }
            attempt += 1
            if built.options.retryIntervalMs > 0 {
                try? await Task.sleep(nanoseconds: UInt64(built.options.retryIntervalMs) * 1_000_000)
            }
        }
    }

    struct ExchangeOutcome {
        var status: RequestStatus
        var response: HTTPResponse?
        var assertions: [AssertionResult] = []
        var errorMessage: String?
        var captures = JSONObject()
        var secretCaptures: [String] = []
    }

    /// Sends once, then captures and asserts.
    private func exchange(_ s: ScheduledRequest, built: BuiltRequest, template: Template) async -> ExchangeOutcome {
        let response: HTTPResponse
        do {
            response = try await transport.send(built.http)
        } catch {
            return ExchangeOutcome(status: .error, errorMessage: "\(s.request.file): \(error.description)")
        }
        let view = ResponseView(response, xpath: xpath)
        var outcome = ExchangeOutcome(status: .passed, response: response)
        let spec = s.request

        // Captures first, so assertions may use values captured from this response.
        for c in spec.captures {
            let name = "capture \(c.name)"
            let selection: ResponseView.Selection
            do {
                switch c.selector {
                case .path(let p): selection = view.select(path: try template.resolveString(p, at: c.pointer))
                case .header(let h): selection = .value(view.header(try template.resolveString(h, at: c.pointer)))
                case .cookie(let k): selection = .value(view.cookie(try template.resolveString(k, at: c.pointer)))
                case .regex(let r): selection = view.select(regex: try template.resolveString(r, at: c.pointer))
                case .xpath(let x): selection = view.select(xpath: try template.resolveString(x, at: c.pointer))
                }
            } catch {
                outcome.assertions.append(AssertionResult(name: name, passed: false, isImplicit: true, message: "\(spec.location(error.pointer)): \(error)"))
                continue
            }
            switch selection {
            case .value(let v?):
                outcome.captures[c.name] = v
                if c.secret { outcome.secretCaptures.append(v.interpolationText) }
            case .value(nil):
                if let d = c.defaultValue {
                    outcome.captures[c.name] = d
                } else {
                    outcome.assertions.append(AssertionResult(name: name, passed: false, isImplicit: true, message: "\(spec.location(c.pointer)): capture '\(c.name)' found nothing and has no \"default\""))
                }
            case .problem(let m):
                outcome.assertions.append(AssertionResult(name: name, passed: false, isImplicit: true, message: "\(spec.location(c.pointer)): \(m)"))
            }
        }
        // Captured values are visible to this request's assertions.
        let captured = outcome.captures
        let assertTemplate = captured.isEmpty ? template : Template(lookup: { name in captured[name] ?? template.lookup(name) })

        for a in spec.assertions {
            outcome.assertions.append(evaluate(a, view: view, template: assertTemplate, spec: spec))
        }
        if built.isGraphQL, !built.options.allowGraphQLErrors, let errors = view.graphQLErrors {
            let first = errors.first?["message"]?.stringValue ?? errors.first?.serialized() ?? ""
            outcome.assertions.append(AssertionResult(
                name: "GraphQL errors absent", passed: false, isImplicit: true,
                expected: "no \"errors\" in the response", actual: JSON.array(errors).serialized(),
                message: "the GraphQL response has \(errors.count) error(s): \(first) (set \"options\": {\"graphql_errors\": \"allow\"} if they are expected)"))
        }
        if outcome.assertions.contains(where: { !$0.passed }) { outcome.status = .failed }
        return outcome
    }

    private func evaluate(_ a: AssertionSpec, view: ResponseView, template: Template, spec: RequestSpec) -> AssertionResult {
        let name = a.displayName
        // Resolve the selector and every operand.
        let subject: AssertionSpec.Subject
        var predicates: [PredicateSpec] = []
        do {
            switch a.subject {
            case .path(let p): subject = .path(try template.resolveString(p, at: a.pointer + "/path"))
            case .header(let h): subject = .header(try template.resolveString(h, at: a.pointer + "/header"))
            case .cookie(let c): subject = .cookie(try template.resolveString(c, at: a.pointer + "/cookie"))
            case .xpath(let x): subject = .xpath(try template.resolveString(x, at: a.pointer + "/xpath"))
            default: subject = a.subject
            }
            for p in a.predicates {
                predicates.append(try resolvePredicate(p, template: template, pointer: a.pointer + "/" + p.kind.rawValue))
            }
        } catch {
            return AssertionResult(name: name, passed: false, message: "\(spec.location(error.pointer)): \(error)")
        }
        switch view.select(subject) {
        case .problem(let m):
            return AssertionResult(name: name, passed: false, expected: expectedText(predicates), actual: nil, message: m)
        case .value(let actual):
            for p in predicates {
                let o = PredicateEvaluator.evaluate(p, actual: actual, textual: subject.isTextual)
                if !o.passed {
                    return AssertionResult(
                        name: name, passed: false, expected: expectedText([p]),
                        actual: actual.map { Runner.clip($0.serialized()) } ?? "(missing)", message: o.message)
                }
            }
            return AssertionResult(name: name, passed: true)
        }
    }

    private func resolvePredicate(_ p: PredicateSpec, template: Template, pointer: String) throws(TemplateError) -> PredicateSpec {
        var r = p
        r.operand = try template.resolve(p.operand, at: pointer)
        if let nested = p.nested {
            var out: [PredicateSpec] = []
            for n in nested { out.append(try resolvePredicate(n, template: template, pointer: pointer + "/" + n.kind.rawValue)) }
            r.nested = out
        } else if p.kind == .length, case .object = r.operand {
            // A template resolved to a predicate object: read it now.
            var nested: [PredicateSpec] = []
            for (k, v) in r.operand.objectValue!.members { if let kind = PredicateKind(rawValue: k) { nested.append(PredicateSpec(kind: kind, operand: v)) } }
            r.nested = nested
        }
        return r
    }

    /// `equals` shows just the expected value; other predicates show themselves (`gt 5`).
    private func expectedText(_ predicates: [PredicateSpec]) -> String {
        predicates.map { p in
            Runner.clip(p.kind == .equals && p.nested == nil ? p.operand.serialized() : p.displayText)
        }.joined(separator: ", ")
    }

    static func clip(_ s: String, limit: Int = 2000) -> String {
        if s.count <= limit { return s }
        return String(s.prefix(limit)) + "… (\(s.count - limit) more characters)"
    }

    private func finish(info: RequestInfo, built: BuiltRequest, outcome: ExchangeOutcome, elapsed: Double) -> RequestResult {
        for (k, v) in outcome.captures.members { captured[k] = v }
        for s in outcome.secretCaptures { redactor.add(s) }
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
        let assertions = r.isEmpty ? outcome.assertions : outcome.assertions.map { a in
            var a = a
            a.name = r.redact(a.name)
            a.expected = r.redact(optional: a.expected)
            a.actual = r.redact(optional: a.actual)
            a.message = r.redact(optional: a.message)
            return a
        }
        return RequestResult(
            info: info, status: outcome.status, request: sent, response: received, assertions: assertions,
            errorMessage: r.redact(optional: outcome.errorMessage), durationMs: elapsed)
    }
}
