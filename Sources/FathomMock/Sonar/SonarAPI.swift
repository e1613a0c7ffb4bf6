import FathomCore
import FathomGraphQL
import Foundation
import GraphQL
import HTTPTypes
import Hummingbird

/// `POST /api/graphql`: the Sonar slice behind bearer auth, Sonar's rate limit and the
/// configured error rate.
///
/// Status codes: 401 without a valid bearer token, 429 over `rateLimitPerMinute`, 500 for
/// the simulated share of failures (`errorRate`), 400 when the body is not a JSON object
/// with a string `query`, 413 over `maxBodySize`. Everything the GraphQL engine reports
/// (syntax errors, validation errors, field errors) is answered **200** with the standard
/// `{"errors": [...], "data": ...}` body, as Sonar's Laravel/Lighthouse stack and most
/// GraphQL servers do for `application/json` responses.
final class SonarService: Sendable {
    let schema: SonarSchema
    let store: SonarStore
    let configuration: MockConfiguration

    private struct Counters {
        var requests: UInt64 = 0
        var windowStart: ContinuousClock.Instant?
        var windowCount = 0
    }

    private let counters = Locked(Counters())

    init(configuration: MockConfiguration) throws {
        self.configuration = configuration
        schema = try SonarSchema.shared.get()
        store = SonarStore(seed: configuration.seed)
    }

    /// The user a token acts as (`nil`: not a valid token). The configured token is user 1.
    func user(forToken token: Substring) -> Int64? {
        token == configuration.token[...] ? 1 : nil
    }

    func handle(_ request: Request, readBody: () async throws -> [UInt8]?) async throws -> Response {
        guard let presented = request.headers[.authorization].flatMap({ AuthRoutes.schemeValue($0, scheme: "bearer") }),
            let userID = user(forToken: presented)
        else {
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = "Bearer"
            return Reply.json(["error": "Unauthenticated."], status: .unauthorized, headers: headers)
        }
        let admission = admit()
        var response: Response
        switch admission.outcome {
        case .limited(let retryAfter, let resetAt):
            var headers = HTTPFields()
            headers[.retryAfter] = String(retryAfter)
            headers[Self.rateLimitReset] = String(resetAt)
            response = Reply.json(
                ["error": .string("Request limit of \(configuration.rateLimitPerMinute ?? 0)/\(limitUnit) reached.")],
                status: .tooManyRequests, headers: headers
            )
        case .failed:
            response = Reply.json(["error": "Internal server error (simulated by the mock's error rate)."], status: .internalServerError)
        case .admitted:
            response = try await answer(request, userID: userID, readBody: readBody)
        }
        // Laravel's throttle middleware: the limit and what is left of it on every answer.
        if let limit = configuration.rateLimitPerMinute {
            response.headers[Self.rateLimitLimit] = String(limit)
            response.headers[Self.rateLimitRemaining] = String(admission.remaining)
        }
        return response
    }

    static let rateLimitLimit = HTTPField.Name("X-RateLimit-Limit")!
    static let rateLimitRemaining = HTTPField.Name("X-RateLimit-Remaining")!
    static let rateLimitReset = HTTPField.Name("X-RateLimit-Reset")!

    /// "min" for Sonar's window of a minute, else the window in seconds ("2s").
    private var limitUnit: String {
        configuration.rateLimitWindowSeconds == 60 ? "min" : "\(configuration.rateLimitWindowSeconds)s"
    }

    private func answer(_ request: Request, userID: Int64, readBody: () async throws -> [UInt8]?) async throws -> Response {
        guard let body = try await readBody() else { return Reply.tooLarge(limit: configuration.maxBodySize) }
        let parsed: (query: String, variables: [String: Map], operationName: String?)
        switch Self.parseBody(body) {
        case .success(let value): parsed = value
        case .failure(let problem): return Self.errors([problem.message], status: .badRequest)
        }
        let context = SonarContext(store: store, model: schema.model, userID: userID)
        let result: GraphQLResult
        do {
            // The engine's own steps: parse, validate, a cost check of ours, execute.
            let (document, problems) = try checked(parsed.query)
            if !problems.isEmpty {
                result = GraphQLResult(errors: problems)
            } else if case let cost = SonarCost.estimate(document, variables: parsed.variables), cost > SonarCost.limit {
                result = GraphQLResult(errors: [GraphQLError(message:
                    "The query could return about \(Int(min(cost, 1e15))) records (nested lists multiply); the mock allows \(Int(SonarCost.limit)). Use smaller pages or nest less.")])
            } else {
                result = try await execute(
                    schema: schema.schema, documentAST: document, rootValue: (), context: context,
                    variableValues: parsed.variables, operationName: parsed.operationName
                )
            }
        } catch let error as GraphQLError {
            result = GraphQLResult(errors: [error])
        } catch {
            result = GraphQLResult(errors: [GraphQLError(message: String(describing: error))])
        }
        return Reply.json(Self.json(result))
    }

    /// Brackets deeper than this are refused before parsing (the parser recurses).
    static let maxNesting = 48

    // MARK: Parsed documents

    /// Valid documents by query text: a collection or a load test sends the same few
    /// queries again and again, and parsing and validating them is most of a small query's cost.
    private let documents = Locked<[String: Document]>([:])
    private static let maxCachedDocuments = 256
    private static let maxCachedQueryLength = 16_384

    /// The engine's parse and validation of `query`, remembered when it is valid.
    private func checked(_ query: String) throws -> (Document, [GraphQLError]) {
        if let cached = documents.withLock({ $0[query] }) { return (cached, []) }
        let document = try DocumentLimits.parse(query, name: "GraphQL request", maxNesting: Self.maxNesting)
        let duplicates = DocumentLimits.duplicateDefinitions(in: document)
        if !duplicates.isEmpty { return (document, duplicates) }
        let problems = validate(schema: schema.schema, ast: document)
        if problems.isEmpty, query.utf8.count <= Self.maxCachedQueryLength {
            documents.withLock { cache in
                if cache.count >= Self.maxCachedDocuments { cache.removeAll(keepingCapacity: true) }
                cache[query] = document
            }
        }
        return (document, problems)
    }

    // MARK: Rate limit and error rate

    private enum Outcome { case admitted, limited(retryAfter: Int, resetAt: Int), failed }

    /// What happens to a request, and how many more the window allows after it.
    private func admit() -> (outcome: Outcome, remaining: Int) {
        let now = ContinuousClock.now
        let window = Duration.seconds(max(1, configuration.rateLimitWindowSeconds))
        return counters.withLock { c in
            var remaining = 0
            if let limit = configuration.rateLimitPerMinute {
                if let start = c.windowStart, now - start < window {
                    if c.windowCount >= limit {
                        // Whole seconds, rounded up, as Retry-After has them: waiting that
                        // long always reaches the next window.
                        let left = window - (now - start)
                        let seconds = max(1, Int(left.components.seconds) + (left.components.attoseconds > 0 ? 1 : 0))
                        return (.limited(retryAfter: seconds, resetAt: Int(Date().timeIntervalSince1970) + seconds), 0)
                    }
                    c.windowCount += 1
                } else {
                    c.windowStart = now
                    c.windowCount = 1
                }
                remaining = max(0, limit - c.windowCount)
            }
            c.requests += 1
            let rate = configuration.errorRate
            if rate > 0 {
                let draw = Double(SplitMix64.mix(configuration.seed ^ 0x5EED_0E44, c.requests) >> 11) / Double(1 << 53)
                if draw < rate { return (.failed, remaining) }
            }
            return (.admitted, remaining)
        }
    }

    // MARK: Request and response bodies

    struct BodyProblem: Error { let message: String }

    static func parseBody(_ body: [UInt8]) -> Result<(query: String, variables: [String: Map], operationName: String?), BodyProblem> {
        let json: JSON
        do {
            json = try JSONParser.parse(body)
        } catch {
            return .failure(BodyProblem(message: "The request body is not valid JSON (\(error.description))."))
        }
        guard case .object(let object) = json else {
            return .failure(BodyProblem(message: "The request body must be a JSON object with a \"query\"."))
        }
        guard case .string(let query)? = object["query"] else {
            return .failure(BodyProblem(message: "The request body must have a string \"query\"."))
        }
        var variables: [String: Map] = [:]
        switch object["variables"] {
        case nil, .null?: break
        case .object(let v)?:
            for (key, value) in v.members { variables[key] = map(value) }
        case .string(let text)?:
            // Some clients send the variables as a JSON string.
            guard case .object(let v)? = try? JSONParser.parse(text) else {
                return .failure(BodyProblem(message: "\"variables\" must be a JSON object."))
            }
            for (key, value) in v.members { variables[key] = map(value) }
        default:
            return .failure(BodyProblem(message: "\"variables\" must be a JSON object."))
        }
        var operationName: String?
        switch object["operationName"] {
        case nil, .null?: break
        case .string(let name)?: operationName = name
        default: return .failure(BodyProblem(message: "\"operationName\" must be a string."))
        }
        return .success((query, variables, operationName))
    }

    static func map(_ json: JSON) -> Map {
        switch json {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .integer(let i): return .number(Number(i))
        case .double(let d): return .number(Number(d))
        case .string(let s): return .string(s)
        case .array(let a): return .array(a.map(map))
        case .object(let o):
            var dictionary = Map.dictionary([:]).dictionary!
            for (key, value) in o.members { dictionary[key] = map(value) }
            return .dictionary(dictionary)
        }
    }

    static func json(_ map: Map) -> JSON {
        switch map {
        case .undefined, .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let n):
            switch n.storageType {
            case .bool: return .bool(n.boolValue)
            case .double:
                let d = n.doubleValue
                return d.isFinite ? .double(d) : .null
            default: return .integer(n.int64Value)
            }
        case .string(let s): return .string(s)
        case .array(let a): return .array(a.map(json))
        case .dictionary(let d):
            var object = JSONObject()
            for (key, value) in d { object[key] = json(value) }
            return .object(object)
        }
    }

    /// `{"errors": [...], "data": ...}` in the usual member order.
    static func json(_ result: GraphQLResult) -> JSON {
        var object = JSONObject()
        if !result.errors.isEmpty {
            // A query over the record budget fails in many places at once: report each message once.
            var seen = Set<String>()
            let distinct = result.errors.filter { seen.insert($0.message).inserted || $0.path.elements.isEmpty }
            object["errors"] = .array(distinct.prefix(50).map { error in
                var e = JSONObject()
                e["message"] = .string(error.message)
                if !error.locations.isEmpty {
                    e["locations"] = .array(error.locations.map {
                        ["line": .integer(Int64($0.line)), "column": .integer(Int64($0.column))]
                    })
                }
                if !error.path.elements.isEmpty {
                    e["path"] = .array(error.path.elements.map {
                        switch $0 {
                        case .index(let i): return .integer(Int64(i))
                        case .key(let k): return .string(k)
                        }
                    })
                }
                return .object(e)
            })
        }
        if let data = result.data {
            object["data"] = json(data)
        } else if result.errors.contains(where: { !$0.path.elements.isEmpty }) {
            // Execution started, and a non-null field's error reached the root.
            object["data"] = .null
        }
        return .object(object)
    }

    static func errors(_ messages: [String], status: HTTPResponse.Status) -> Response {
        Reply.json(["errors": .array(messages.map { ["message": .string($0)] })], status: status)
    }
}

/// Creates the Sonar service of a mock instance on first use (most instances only echo).
final class SonarServiceHolder: Sendable {
    private let service = Locked<SonarService?>(nil)
    let configuration: MockConfiguration

    init(configuration: MockConfiguration) { self.configuration = configuration }

    func get() throws -> SonarService {
        try service.withLock { existing in
            if let existing { return existing }
            let created = try SonarService(configuration: configuration)
            existing = created
            return created
        }
    }
}

/// A worst-case estimate of the rows a query can return, before running it: each list
/// (a field selecting `entities`) multiplies its children by its page size.
enum SonarCost {
    static let limit: Double = 200_000

    static func estimate(_ document: Document, variables: [String: Map]) -> Double {
        var fragments: [String: FragmentDefinition] = [:]
        for case let fragment as FragmentDefinition in document.definitions { fragments[fragment.name.value] = fragment }
        var worst: Double = 0
        for case let operation as OperationDefinition in document.definitions {
            worst = max(worst, cost(operation.selectionSet, fragments, variables, multiplier: 1, depth: 0))
        }
        return worst
    }

    private static func cost(
        _ set: SelectionSet, _ fragments: [String: FragmentDefinition], _ variables: [String: Map], multiplier: Double, depth: Int
    ) -> Double {
        guard depth < 64, multiplier < 1e15 else { return multiplier }
        var total: Double = 0
        for selection in set.selections {
            switch selection {
            case let field as Field:
                guard let children = field.selectionSet else { continue }
                let isList = children.selections.contains { ($0 as? Field)?.name.value == "entities" }
                if isList {
                    let size = Double(pageSize(field, variables))
                    total += multiplier * size
                    for child in children.selections {
                        guard let childField = child as? Field, let grand = childField.selectionSet else { continue }
                        let m = childField.name.value == "entities" ? multiplier * size : multiplier
                        total += cost(grand, fragments, variables, multiplier: m, depth: depth + 1)
                    }
                } else {
                    total += cost(children, fragments, variables, multiplier: multiplier, depth: depth + 1)
                }
            case let inline as InlineFragment:
                total += cost(inline.selectionSet, fragments, variables, multiplier: multiplier, depth: depth + 1)
            case let spread as FragmentSpread:
                if let fragment = fragments[spread.name.value] {
                    total += cost(fragment.selectionSet, fragments, variables, multiplier: multiplier, depth: depth + 1)
                }
            default: break
            }
        }
        return total
    }

    private static func pageSize(_ field: Field, _ variables: [String: Map]) -> Int {
        let fallback = SonarQuery.defaultRecordsPerPage
        guard let paginator = field.arguments.first(where: { $0.name.value == "paginator" })?.value else { return fallback }
        var size: Int?
        if let object = paginator as? ObjectValue, let value = object.fields.first(where: { $0.name.value == "records_per_page" })?.value {
            if let int = value as? IntValue { size = Int(int.value) }
            if let variable = value as? Variable { size = variables[variable.name.value]?.int }
        } else if let variable = paginator as? Variable {
            size = variables[variable.name.value]?.dictionary?["records_per_page"]?.int
        }
        return min(SonarQuery.maxRecordsPerPage, max(1, size ?? fallback))
    }
}
