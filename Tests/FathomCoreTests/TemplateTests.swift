import Testing
@testable import FathomCore

@Suite struct TemplateTests {
    let vars: JSONObject = [
        "page_size": 25, "host": "example.test", "name": "x", "a_x": "nested!", "obj": ["k": true],
        "ref": "{{host}}/api", "loop1": "{{loop2}}", "loop2": "{{loop1}}", "typed_ref": "{{page_size}}",
    ]
    var t: Template { let v = vars; return Template { v[$0] } }

    @Test func wholeReferenceKeepsType() throws {
        #expect(try t.resolve("{{page_size}}", at: "/x") == .integer(25))
        #expect(try t.resolve("{{obj}}", at: "/x") == ["k": true])
        #expect(try t.resolve("{{typed_ref}}", at: "/x") == .integer(25))
    }

    @Test func interpolationSplicesText() throws {
        #expect(try t.resolveString("https://{{host}}/n={{page_size}}", at: "/url") == "https://example.test/n=25")
        #expect(try t.resolve("size {{page_size}}", at: "/x") == "size 25")
    }

    @Test func nestedReferences() throws {
        #expect(try t.resolveString("{{a_{{name}}}}", at: "/x") == "nested!")
        #expect(try t.resolveString("{{ref}}", at: "/x") == "example.test/api")
    }

    @Test func resolvesInsideJSON() throws {
        let v: JSON = ["vars": ["n": "{{page_size}}", "list": ["{{host}}", 1]]]
        #expect(try t.resolve(v, at: "/json") == ["vars": ["n": 25, "list": ["example.test", 1]]])
    }

    @Test func unresolvedNamesTheFieldAndVariable() {
        do {
            _ = try t.resolveString("{{nope}}", at: "/headers/X-Key")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .unresolved("nope"))
            #expect(error.description.contains("'nope'"))
            #expect(error.description.contains("headers.X-Key"))
        }
    }

    @Test func cycleIsReported() {
        do {
            _ = try t.resolveString("{{loop1}}", at: "/url")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .cycle(["loop1", "loop2", "loop1"]))
            #expect(error.description.contains("loop1 → loop2 → loop1"))
        }
    }

    @Test func dynamicValuesAreFresh() throws {
        let a = try t.resolveString("{{$guid}}", at: "")
        let b = try t.resolveString("{{$guid}}", at: "")
        #expect(a != b)
        #expect(Formats.check("uuid", a))
        let ts = try t.resolve("{{$timestamp}}", at: "")
        #expect(ts.intValue ?? 0 > 1_700_000_000)
        let r = try t.resolve("{{$randomInt}}", at: "").intValue ?? -1
        #expect((0...1000).contains(r))
        #expect(Formats.check("iso8601", try t.resolveString("{{$isoTimestamp}}", at: "")))
        #expect(throws: TemplateError.self) { try t.resolveString("{{$nope}}", at: "") }
    }

    @Test func unbalancedBracesStayLiteral() throws {
        #expect(try t.resolveString("a {{ b", at: "") == "a {{ b")
        #expect(try t.resolveString("no templates", at: "") == "no templates")
    }
}
