import FathomCore
import Foundation
import Testing

@testable import FathomMock

/// One GraphQL exchange with the mock's Sonar API.
struct GraphQLReply {
    var http: HTTPResult
    var body: JSON

    var status: Int { http.status }
    var data: JSON? { body["data"] }
    var errors: [JSON] { body["errors"]?.arrayValue ?? [] }
    var firstError: String { errors.first?["message"]?.stringValue ?? "" }
}

enum Sonar {
    static let token = MockConfiguration.demoToken

    static func post(
        _ server: MockServer, body: [UInt8], token: String? = Sonar.token, contentType: String = "application/json"
    ) async throws -> HTTPResult {
        var headers = ["Content-Type": contentType]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        return try await HTTPTestClient.request(port: server.port!, "/api/graphql", method: "POST", headers: headers, body: body)
    }

    static func query(
        _ server: MockServer, _ query: String, variables: JSON? = nil, operationName: String? = nil,
        token: String? = Sonar.token
    ) async throws -> GraphQLReply {
        var object: JSONObject = ["query": .string(query)]
        if let variables { object["variables"] = variables }
        if let operationName { object["operationName"] = .string(operationName) }
        let http = try await post(server, body: Array(JSON.object(object).serialized().utf8), token: token)
        let body = (try? http.json()) ?? .null
        return GraphQLReply(http: http, body: body)
    }

    /// `data` of a query that must succeed.
    static func data(_ server: MockServer, _ q: String, variables: JSON? = nil) async throws -> JSON {
        let reply = try await query(server, q, variables: variables)
        #expect(reply.status == 200)
        #expect(reply.errors.isEmpty, "unexpected errors: \(reply.body.serialized())")
        return try #require(reply.data)
    }

    static func entities(_ json: JSON?) -> [JSON] { json?["entities"]?.arrayValue ?? [] }
    static func ids(_ json: JSON?) -> [Int64] { entities(json).compactMap { $0["id"]?.stringValue.flatMap { Int64($0) } } }
}

func withSonar(_ configuration: MockConfiguration = MockConfiguration(port: 0), _ body: (MockServer) async throws -> Void) async throws {
    try await withServer(configuration, body)
}

@Suite("Sonar API: HTTP")
struct SonarHTTPTests {
    @Test func missingOrWrongTokenIs401() async throws {
        try await withSonar { server in
            let missing = try await Sonar.query(server, "{ me { id } }", token: nil)
            #expect(missing.status == 401)
            #expect(missing.body == ["error": "Unauthenticated."])
            let wrong = try await Sonar.query(server, "{ me { id } }", token: "not-the-token")
            #expect(wrong.status == 401)
            #expect(wrong.body == ["error": "Unauthenticated."])
            let basic = try await HTTPTestClient.request(
                port: server.port!, "/api/graphql", method: "POST",
                headers: ["Authorization": "Basic \(Data("postman:password".utf8).base64EncodedString())"], body: Array("{}".utf8))
            #expect(basic.status == 401)
        }
    }

    @Test func meReturnsTheTokensUser() async throws {
        try await withSonar { server in
            let data = try await Sonar.data(server, "{ me { id name username email_address super_admin language } }")
            #expect(data["me"]?["id"] == "1")
            #expect(data["me"]?["username"] == "admin")
            #expect(data["me"]?["super_admin"] == true)
        }
    }

    @Test func nonJSONBodyIs400AndMissingQueryIs400() async throws {
        try await withSonar { server in
            let notJSON = try await Sonar.post(server, body: Array("query { me { id } }".utf8))
            #expect(notJSON.status == 400)
            #expect(try notJSON.json()["errors"]?[0]?["message"]?.stringValue?.contains("not valid JSON") == true)
            for body in [#"{"variables": {}}"#, #"{"query": 5}"#, #"[1, 2]"#, #""text""#, #"{"query": "{ me { id } }", "variables": [1]}"#,
                         #"{"query": "{ me { id } }", "operationName": 3}"#] {
                let reply = try await Sonar.post(server, body: Array(body.utf8))
                #expect(reply.status == 400, "\(body)")
            }
            // Variables as a JSON string are accepted.
            let stringVariables = try await Sonar.post(
                server, body: Array(#"{"query": "query($id: Int64Bit!) { accounts(id: $id) { entities { id } } }", "variables": "{\"id\": 3}"}"#.utf8))
            #expect(stringVariables.status == 200)
            #expect(try stringVariables.json()["data"]?["accounts"]?["entities"]?[0]?["id"] == "3")
        }
    }

    @Test func malformedGraphQLIsAStandardErrorsResponseWith200() async throws {
        try await withSonar { server in
            let syntax = try await Sonar.query(server, "{ accounts( { id } }")
            #expect(syntax.status == 200)
            #expect(syntax.firstError.contains("Syntax Error"))
            #expect(syntax.errors.first?["locations"]?[0]?["line"] == 1)
            #expect(syntax.body["data"] == nil)
            let unknownField = try await Sonar.query(server, "{ accounts { entities { nope } } }")
            #expect(unknownField.status == 200)
            #expect(unknownField.firstError.contains("nope"))
            let unknownArgument = try await Sonar.query(server, "{ accounts(colour: 1) { entities { id } } }")
            #expect(unknownArgument.firstError.contains("colour"))
            let empty = try await Sonar.query(server, "")
            #expect(empty.status == 200)
            #expect(!empty.errors.isEmpty)
        }
    }

    @Test func unknownRouteIs404AndGetIs405AndHugeBodyIs413() async throws {
        try await withSonar(MockConfiguration(port: 0, maxBodySize: 2_000)) { server in
            let unknown = try await HTTPTestClient.request(port: server.port!, "/api/graphql/nope", headers: ["Authorization": "Bearer \(Sonar.token)"])
            #expect(unknown.status == 404)
            let get = try await HTTPTestClient.request(port: server.port!, "/api/graphql", headers: ["Authorization": "Bearer \(Sonar.token)"])
            #expect(get.status == 405)
            let padding = String(repeating: " ", count: 5_000)
            let huge = try await Sonar.post(server, body: Array("{\"query\": \"{ me { id } }\(padding)\"}".utf8))
            #expect(huge.status == 413)
        }
    }

    @Test func latencyIsAddedToEveryResponse() async throws {
        try await withSonar(MockConfiguration(port: 0, latencyMs: 300)) { server in
            let clock = ContinuousClock()
            let start = clock.now
            let reply = try await Sonar.query(server, "{ me { id } }")
            #expect(reply.status == 200)
            #expect(clock.now - start >= .milliseconds(300))
            let echoStart = clock.now
            _ = try await HTTPTestClient.request(port: server.port!, "/get")
            #expect(clock.now - echoStart >= .milliseconds(300))
        }
    }

    @Test func errorRateAnswersAShareWith500DeterministicallyFromTheSeed() async throws {
        func statuses(seed: UInt64, rate: Double) async throws -> [Int] {
            var result: [Int] = []
            try await withSonar(MockConfiguration(port: 0, seed: seed, errorRate: rate)) { server in
                for _ in 0..<40 {
                    let reply = try await Sonar.query(server, "{ me { id } }")
                    if reply.status == 500 {
                        #expect(reply.body["error"]?.stringValue?.isEmpty == false)
                    } else {
                        #expect(reply.data?["me"]?["id"] == "1")
                    }
                    result.append(reply.status)
                }
            }
            return result
        }
        let half = try await statuses(seed: 7, rate: 0.5)
        let failures = half.filter { $0 == 500 }.count
        #expect(failures > 5 && failures < 35, "\(failures) of 40 failed")
        #expect(Set(half) == [200, 500])
        #expect(try await statuses(seed: 7, rate: 0.5) == half)
        #expect(try await statuses(seed: 7, rate: 1).allSatisfy { $0 == 500 })
        #expect(try await statuses(seed: 7, rate: 0).allSatisfy { $0 == 200 })
    }

    @Test func rateLimitOf400PerMinuteAnswers429() async throws {
        // Sonar's minute; longer when a sanitizer slows the suite, so 400 requests fit in it.
        var configuration = MockConfiguration(port: 0, rateLimitPerMinute: 400)
        configuration.rateLimitWindowSeconds = Int(60 * testSlowdown)
        let unit = configuration.rateLimitWindowSeconds == 60 ? "min" : "\(configuration.rateLimitWindowSeconds)s"
        try await withSonar(configuration) { server in
            for i in 0..<400 {
                let reply = try await Sonar.post(server, body: Array(#"{"query": "{ me { id } }"}"#.utf8))
                #expect(reply.status == 200, "request \(i + 1)")
                if reply.status != 200 { return }
            }
            let over = try await Sonar.post(server, body: Array(#"{"query": "{ me { id } }"}"#.utf8))
            #expect(over.status == 429)
            #expect(try over.json() == ["error": .string("Request limit of 400/\(unit) reached.")])
            #expect(over.header("retry-after") != nil)
        }
    }

    @Test func rateLimitHeadersAreLaravels() async throws {
        // A window long enough that a loaded machine stays inside it.
        var configuration = MockConfiguration(port: 0, rateLimitPerMinute: 3)
        configuration.rateLimitWindowSeconds = 600
        let body = Array(#"{"query": "{ me { id } }"}"#.utf8)
        try await withSonar(configuration) { server in
            for left in [2, 1, 0] {
                let reply = try await Sonar.post(server, body: body)
                #expect(reply.status == 200)
                #expect(reply.header("x-ratelimit-limit") == "3")
                #expect(reply.header("x-ratelimit-remaining") == String(left))
            }
            let before = Int(Date().timeIntervalSince1970)
            let over = try await Sonar.post(server, body: body)
            let after = Int(Date().timeIntervalSince1970)
            #expect(over.status == 429)
            #expect(try over.json() == ["error": "Request limit of 3/600s reached."])
            let retryAfter = try #require(over.header("retry-after").flatMap { Int($0) })
            #expect((500...600).contains(retryAfter))
            #expect(over.header("x-ratelimit-remaining") == "0")
            let reset = try #require(over.header("x-ratelimit-reset").flatMap { Int($0) })
            #expect(reset >= before + retryAfter - 1 && reset <= after + retryAfter + 1)
        }
        // Waiting as told reaches the next window: one a second.
        var short = MockConfiguration(port: 0, rateLimitPerMinute: 1)
        short.rateLimitWindowSeconds = 1
        try await withSonar(short) { server in
            _ = try await Sonar.post(server, body: body)
            let over = try await Sonar.post(server, body: body)
            // The second is refused, unless the machine was so slow that the window passed.
            if over.status == 429 {
                let retryAfter = try #require(over.header("retry-after").flatMap { Int($0) })
                #expect(retryAfter == 1)
                try await Task.sleep(nanoseconds: UInt64(retryAfter) * 1_000_000_000)
            }
            let again = try await Sonar.post(server, body: body)
            #expect(again.status == 200)
            #expect(again.header("x-ratelimit-remaining") == "0")
        }
    }

    @Test func badInputNeverCrashes() async throws {
        try await withSonar { server in
            let queries: [(String, JSON?)] = [
                ("{ accounts(paginator: {page: 0, records_per_page: 10}) { entities { id } } }", nil),
                ("{ accounts(paginator: {page: 2147483647, records_per_page: 10000}) { entities { id } page_info { page total_pages } } }", nil),
                ("{ accounts(paginator: {page: 1, records_per_page: -5}) { entities { id } } }", nil),
                ("{ accounts(id: \"99999999999999999999\") { entities { id } } }", nil),
                ("{ accounts(id: \"abc\") { entities { id } } }", nil),
                ("{ accounts(id: 1.5) { entities { id } } }", nil),
                ("{ accounts(sorter: [{attribute: \"nope\", direction: ASC}]) { entities { id } } }", nil),
                ("{ accounts(search: [{integer_fields: [{attribute: \"name\", search_value: 1, operator: EQ}]}]) { entities { id } } }", nil),
                ("{ accounts(search: [{string_fields: [{attribute: \"nope\", search_value: \"x\", match: true}]}]) { entities { id } } }", nil),
                ("{ accounts(search: [{datetime_fields: [{attribute: \"created_at\", search_value: \"yesterday\", operator: GT}]}]) { entities { id } } }", nil),
                ("{ accounts(search: [{date_fields: [{attribute: \"activation_date\", search_value: \"2024-02-30\", operator: GT}]}]) { entities { id } } }", nil),
                ("{ accounts(reverse_relation_filters: [{relation: \"nope\"}]) { entities { id } } }", nil),
                ("{ accounts(reverse_relation_filters: [{relation: \"contacts.nope\"}]) { entities { id } } }", nil),
                ("query($id: Int64Bit!) { accounts(id: $id) { entities { id } } }", ["id": nil]),
                ("query($id: Int64Bit!) { accounts(id: $id) { entities { id } } }", ["id": ["x": 1]]),
                ("query($id: Int64Bit!) { accounts(id: $id) { entities { id } } }", [:]),
                ("query A { me { id } } query B { me { name } }", nil),
                ("subscription { me { id } }", nil),
                ("{ __type(name: \"Nope\") { name } }", nil),
                ("mutation { updateAccount(id: 1, input: {account_status_id: \"x\"}) { id } }", nil),
                ("mutation { createAccountStatus(input: {name: \"X\", activates_account: true, color: \"#12345\", icon: CIRCLE}) { id } }", nil),
                ("mutation { createInternalTicket(input: {subject: \"s\", description: \"d\", status: OPEN, priority: LOW, ticketable_type: Account}) { id } }", nil),
                (String(repeating: "{ a ", count: 2_000), nil),
                (String(repeating: "[", count: 5_000), nil),
                (Array(repeating: "{ me { id } }", count: 64).joined(separator: " "), nil),
                // A chain of fragments deeper than GraphQLSwift's cycle rule can recurse.
                ("{ ...F0 }\n" + (0..<5_000).map { "fragment F\($0) on Query { ...F\($0 + 1) }" }.joined(separator: "\n") + "\nfragment F5000 on Query { me { id } }", nil),
                ("{ accounts { entities { " + String(repeating: "account_status { accounts { entities { ", count: 12) + "id" + String(repeating: " } } }", count: 12) + " } } }", nil),
            ]
            for (q, variables) in queries {
                let reply = try await Sonar.query(server, q, variables: variables)
                #expect(reply.status == 200 || reply.status == 400, "\(q.prefix(80)): \(reply.status)")
                if case .object = reply.body {} else { Issue.record("no JSON body for \(q.prefix(80))") }
            }
            for raw in ["\u{0}\u{1}\u{2}", "{\"query\": \"\\ud800\"}", "{\"query\": \"{ me { id } }\", \"variables\": {\"a\": 1e999}}", "{"] {
                let reply = try await Sonar.post(server, body: Array(raw.utf8))
                #expect(reply.status == 400 || reply.status == 200, "\(raw): \(reply.status)")
            }
            // Still serving.
            let data = try await Sonar.data(server, "{ me { id } }")
            #expect(data["me"]?["id"] == "1")
        }
    }
}

/// How much slower than usual the suite runs (`FATHOM_TEST_SLOWDOWN`, set by
/// scripts/test-sanitized): time windows that must hold a burst of requests grow by it.
let testSlowdown: Double = ProcessInfo.processInfo.environment["FATHOM_TEST_SLOWDOWN"].flatMap(Double.init).map { max(1, $0) } ?? 1
