import Testing
@testable import FathomCore

@Suite struct PredicateTests {
    func check(_ kind: PredicateKind, _ operand: JSON, _ actual: JSON?, textual: Bool = false, nested: [PredicateSpec]? = nil) -> Bool {
        PredicateEvaluator.evaluate(PredicateSpec(kind: kind, operand: operand, nested: nested), actual: actual, textual: textual).passed
    }

    @Test func equality() {
        #expect(check(.equals, 1, .double(1.0)))
        #expect(!check(.equals, 1, "1"))
        #expect(check(.equals, 12, "12", textual: true))
        #expect(check(.equals, ["a": [1, 2]], ["a": [1, 2]]))
        #expect(!check(.equals, 1, nil))
        #expect(check(.not_equals, 1, 2))
        #expect(!check(.not_equals, 1, 1))
        #expect(check(.not_equals, 1, nil))
    }

    @Test func ordering() {
        #expect(check(.gt, 1, 2))
        #expect(!check(.gt, 2, 2))
        #expect(check(.gte, 2, 2))
        #expect(check(.lt, 500, .double(3.5)))
        #expect(!check(.lt, 1, 5))
        #expect(check(.lte, 5, 5))
        #expect(check(.gt, "2024-01-01T00:00:00Z", "2024-01-01T01:00:00+00:30"))
        #expect(!check(.lt, "2024-01-01", "2025-01-01"))
        #expect(!check(.gt, 1, "abc"))
        #expect(check(.gt, 10, "11", textual: true))
    }

    @Test func containment() {
        #expect(check(.contains, "json", "application/json"))
        #expect(!check(.contains, "xml", "application/json"))
        #expect(check(.contains, 2, [1, 2, 3]))
        #expect(check(.contains, "k", ["k": 1]))
        #expect(!check(.contains, 1, 5))
        #expect(check(.not_contains, "xml", "json"))
        #expect(!check(.not_contains, "js", "json"))
        #expect(check(.not_contains, "x", nil))
        #expect(check(.starts_with, "app", "application"))
        #expect(!check(.starts_with, "x", "application"))
        #expect(check(.ends_with, "tion", "application"))
        #expect(!check(.ends_with, "x", "application"))
    }

    @Test func regex() {
        #expect(check(.matches, "^application/json", "application/json; charset=utf-8"))
        #expect(!check(.matches, "^text", "application/json"))
        #expect(check(.not_matches, "^text", "application/json"))
        #expect(!check(.not_matches, "json", "application/json"))
        #expect(check(.matches, "^\\d+$", 42))
    }

    @Test func existence() {
        #expect(check(.exists, true, 1))
        #expect(!check(.exists, true, nil))
        #expect(check(.exists, false, nil))
        #expect(!check(.exists, false, .null))
    }

    @Test func types() {
        #expect(check(.type, "string", "x"))
        #expect(!check(.type, "string", 1))
        #expect(check(.type, "number", .double(1.5)))
        #expect(check(.type, "integer", 3))
        #expect(!check(.type, "integer", .double(1.5)))
        #expect(check(.type, "boolean", true))
        #expect(check(.type, "array", [1]))
        #expect(check(.type, "object", ["a": 1]))
        #expect(check(.type, "null", .null))
        #expect(!check(.type, "null", 0))
    }

    @Test func formats() {
        #expect(check(.format, "uuid", "123e4567-e89b-12d3-a456-426614174000"))
        #expect(!check(.format, "uuid", "123e4567-e89b-12d3-a456-42661417400"))
        #expect(check(.format, "iso8601", "2025-03-04T05:06:07.123-05:00"))
        #expect(!check(.format, "iso8601", "2025-13-04T05:06:07Z"))
        #expect(check(.format, "date", "2024-02-29"))
        #expect(!check(.format, "date", "2023-02-29"))
        #expect(check(.format, "email", "ops@isp.example.com"))
        #expect(!check(.format, "email", "ops@localhost"))
        #expect(check(.format, "ipv4", "10.0.0.255"))
        #expect(!check(.format, "ipv4", "10.0.0.256"))
        #expect(!check(.format, "ipv4", "01.0.0.1"))
        #expect(check(.format, "ipv6", "2001:db8::1"))
        #expect(check(.format, "ipv6", "::ffff:192.0.2.1"))
        #expect(!check(.format, "ipv6", "2001:db8:::1"))
        #expect(check(.format, "cidr", "192.168.0.0/24"))
        #expect(check(.format, "cidr", "2001:db8::/32"))
        #expect(!check(.format, "cidr", "192.168.0.0/33"))
    }

    @Test func lengths() {
        #expect(check(.length, 3, "abc"))
        #expect(!check(.length, 2, "abc"))
        #expect(check(.length, 2, [1, 2]))
        #expect(check(.length, ["gte": 1], [1], nested: [PredicateSpec(kind: .gte, operand: 1)]))
        #expect(!check(.length, ["gte": 2], [1], nested: [PredicateSpec(kind: .gte, operand: 2)]))
        #expect(!check(.length, 1, 5))
    }

    @Test func oneOfAndEmpty() {
        #expect(check(.one_of, [200, 201], 201))
        #expect(!check(.one_of, [200, 201], 404))
        #expect(check(.empty, true, ""))
        #expect(check(.empty, true, []))
        #expect(!check(.empty, true, [1]))
        #expect(check(.empty, false, "x"))
        #expect(!check(.empty, false, [:]))
    }

    @Test func missingValuePassesOnlyNegations() {
        for kind in PredicateKind.allCases {
            let passes = check(kind, kind == .exists ? false : "x", nil)
            let expected = kind == .exists || kind == .not_equals || kind == .not_contains || kind == .not_matches
            #expect(passes == expected, "\(kind)")
        }
    }
}
