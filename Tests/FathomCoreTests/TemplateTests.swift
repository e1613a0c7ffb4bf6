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

    /// The one-pass brace matcher agrees with the scan from each start, on every
    /// string of up to 9 characters over `{`, `}` and `a` and on longer random ones.
    @Test func braceMatchesAgreeWithTheScanFromEachStart() {
        func check(_ text: [UInt8]) {
            let matches = Template.BraceMatches(text)
            for start in 0..<text.count where start + 1 < text.count && text[start] == 0x7B && text[start + 1] == 0x7B {
                let expected = Template.matchingClose(text, from: start)
                #expect(matches.close(from: start) == expected, "\(String(decoding: text, as: UTF8.self)) from \(start)")
            }
        }
        let alphabet: [UInt8] = Array("{}a".utf8)
        var text: [UInt8] = []
        func all(_ length: Int) {
            if length == 0 { check(text); return }
            for c in alphabet { text.append(c); all(length - 1); text.removeLast() }
        }
        for length in 0...9 { all(length) }
        var g = SplitMix64(seed: 11)
        for _ in 0..<2000 {
            check((0..<Int(g.next() % 200)).map { _ in alphabet[Int(g.next() % 3)] })
        }
    }

    /// Found by fuzzing: 20,000 unbalanced `{{` took minutes (each scanned to the end),
    /// and names nested 10,000 deep overflowed the stack.
    @Test func unbalancedAndDeeplyNestedBracesAreBounded() throws {
        let opens = String(repeating: "{{", count: 100_000)
        #expect(try t.resolveString(opens, at: "/x") == opens)
        let spaced = String(repeating: "{{ ", count: 50_000) + "{{name}}"
        #expect(try t.resolveString(spaced, at: "/x") == String(repeating: "{{ ", count: 50_000) + "x")
        let deep = String(repeating: "{{", count: 10_000) + "name" + String(repeating: "}}", count: 10_000)
        do {
            _ = try t.resolveString(deep, at: "/url")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .nestedTooDeep)
            #expect(error.description.contains("nested more than 16 levels"), "\(error.description)")
        }
        // Sixteen levels still resolve.
        var v = vars
        v["l0"] = "done"
        for level in 1...15 { v["l\(level)"] = .string("l\(level - 1)") }
        let sixteen = String(repeating: "{{", count: 16) + "l15" + String(repeating: "}}", count: 16)
        #expect(try Template { v[$0] }.resolveString(sixteen, at: "/x") == "done")
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
