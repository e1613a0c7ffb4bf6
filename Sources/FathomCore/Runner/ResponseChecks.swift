/// Captures and assertions on one response: what the format's §6 says a
/// response is checked against.
struct ResponseChecks {
    let spec: RequestSpec
    let template: Template
    let xpath: (any XPathEvaluating)?

    struct Outcome {
        var assertions: [AssertionResult] = []
        var captures = JSONObject()
        var secretCaptures: [String] = []
        var failed: Bool { assertions.contains { !$0.passed } }
    }

    /// Captures first (so assertions may use them), then assertions, then the
    /// implicit GraphQL check.
    func run(on response: HTTPResponse, isGraphQL: Bool, allowGraphQLErrors: Bool) -> Outcome {
        let view = ResponseView(response, xpath: xpath)
        var outcome = Outcome()
        capture(view, into: &outcome)
        let captured = outcome.captures
        let assertTemplate = captured.isEmpty ? template : Template(
            lookup: { name in captured[name] ?? template.lookup(name) }, dynamic: template.dynamic, keepUnresolved: template.keepUnresolved)
        for a in spec.assertions {
            outcome.assertions.append(evaluate(a, view: view, template: assertTemplate))
        }
        if isGraphQL, !allowGraphQLErrors, let errors = view.graphQLErrors {
            let first = errors.first?["message"]?.stringValue ?? errors.first?.serialized() ?? ""
            outcome.assertions.append(AssertionResult(
                name: "GraphQL errors absent", passed: false, isImplicit: true,
                expected: "no \"errors\" in the response", actual: JSON.array(errors).serialized(),
                message: "the GraphQL response has \(errors.count) error(s): \(first) (set \"options\": {\"graphql_errors\": \"allow\"} if they are expected)"))
        }
        return outcome
    }

    private func capture(_ view: ResponseView, into outcome: inout Outcome) {
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
                outcome.assertions.append(AssertionResult(name: name, passed: false, isImplicit: true, message: "\(spec.location(error.pointer)): \(error)", position: spec.source.sourcePosition(c.pointer)))
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
                    outcome.assertions.append(AssertionResult(name: name, passed: false, isImplicit: true, message: "\(spec.location(c.pointer)): capture '\(c.name)' found nothing and has no \"default\"", position: spec.source.sourcePosition(c.pointer)))
                }
            case .problem(let m):
                outcome.assertions.append(AssertionResult(name: name, passed: false, isImplicit: true, message: "\(spec.location(c.pointer)): \(m)", position: spec.source.sourcePosition(c.pointer)))
            }
        }
    }

    private func evaluate(_ a: AssertionSpec, view: ResponseView, template: Template) -> AssertionResult {
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
            return AssertionResult(name: name, passed: false, message: "\(spec.location(error.pointer)): \(error)", position: spec.source.sourcePosition(a.pointer))
        }
        switch view.select(subject) {
        case .problem(let m):
            return AssertionResult(name: name, passed: false, expected: Self.expectedText(predicates), actual: nil, message: m, position: spec.source.sourcePosition(a.pointer))
        case .value(let actual):
            for p in predicates {
                let o = PredicateEvaluator.evaluate(p, actual: actual, textual: subject.isTextual)
                if !o.passed {
                    return AssertionResult(
                        name: name, passed: false, expected: Self.expectedText([p]),
                        actual: actual.map { Self.clip($0.serialized()) } ?? "(missing)", message: o.message,
                        position: spec.source.sourcePosition(a.pointer))
                }
            }
            return AssertionResult(name: name, passed: true)
        }
    }

    /// `pointer` is made only for an operand that may hold a template (it is for
    /// the error message): literals, the usual operands, pass through untouched.
    private func resolvePredicate(_ p: PredicateSpec, template: Template, pointer: @autoclosure () -> String) throws(TemplateError) -> PredicateSpec {
        var r = p
        if p.operand.mayHoldTemplate { r.operand = try template.resolve(p.operand, at: pointer()) }
        if let nested = p.nested {
            var out: [PredicateSpec] = []
            for n in nested { out.append(try resolvePredicate(n, template: template, pointer: pointer() + "/" + n.kind.rawValue)) }
            r.nested = out
        } else if p.kind == .length, case .object(let o) = r.operand {
            // A template resolved to a predicate object: read it now.
            r.nested = o.members.compactMap { k, v in PredicateKind(rawValue: k).map { PredicateSpec(kind: $0, operand: v) } }
        }
        return r
    }

    /// `equals` shows just the expected value; other predicates show themselves (`gt 5`).
    static func expectedText(_ predicates: [PredicateSpec]) -> String {
        predicates.map { p in
            clip(p.kind == .equals && p.nested == nil ? p.operand.serialized() : p.displayText)
        }.joined(separator: ", ")
    }

    static func clip(_ s: String, limit: Int = 2000) -> String {
        if s.count <= limit { return s }
        return String(s.prefix(limit)) + "… (\(s.count - limit) more characters)"
    }
}
