import Testing
@testable import FathomCore

@Suite struct JSONPathTests {
    func compileError(_ query: String) -> JSONPathError? {
        do {
            _ = try JSONPath.compile(query)
            return nil
        } catch {
            return error
        }
    }

    func select(_ query: String, _ document: String) throws -> [JSON] {
        try JSONPath.compile(query).select(try JSONParser.parse(document))
    }

    // MARK: Errors

    @Test(arguments: [
        ("$.a[1", 5, "expected ']'"),
        ("$['a' 'b']", 6, "expected ',' or ']'"),
        ("$[?@.b == ]", 10, "expected a query"),
        ("$[01]", 2, "leading zeros"),
        ("$[-0]", 2, "-0"),
        ("$[9007199254740992]", 2, "out of range"),
        ("$[?length(@.*) > 1]", 10, "singular query"),
        ("$[?count(1) == 1]", 9, "not a literal"),
        ("$[?match(@.a, 'x') == true]", 3, "cannot be compared"),
        ("$[?length(@.a)]", 3, "cannot be used as a test"),
        ("$[?foo(@)]", 3, "unknown function 'foo'"),
        ("$[?@.a == @.*]", 10, "not a singular query"),
        ("$[?true]", 3, "literal cannot be used as a test"),
        (" $.a", 0, "before '$'"),
        ("$.a ", 3, "end of the query"),
        ("$. a", 2, "whitespace is not allowed after '.'"),
        ("$[a]", 2, "['a']"),
        ("$['\\q']", 3, "invalid escape"),
        ("$['\\uD800']", 3, "surrogate"),
        ("$[\"a\u{01}\"]", 4, "control character U+0001"),
        ("@.a", 0, "only allowed inside a filter"),
        ("$.é.ü[", 6, "expected a selector"),
        ("$[?count(@.a, @.b) == 1]", 3, "takes 1 argument"),
        ("$[?(@.a == 1]", 12, "')'"),
        ("$..", 3, "after '..'"),
    ])
    func reportsMessageAndOffset(query: String, offset: Int, fragment: String) {
        guard let e = compileError(query) else {
            Issue.record("\(query) compiled, expected an error")
            return
        }
        #expect(e.offset == offset, "\(query): \(e)")
        #expect(e.message.contains(fragment), "\(query): \(e)")
    }

    @Test func descriptionHasOneBasedColumn() {
        let e = compileError("$.a[1")
        #expect(e?.description == "invalid JSONPath at column 6: expected ']' to close the '[' at column 4")
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let parens = "$[?" + String(repeating: "(", count: 300) + "@" + String(repeating: ")", count: 300) + "]"
        #expect(compileError(parens)?.message.contains("nested too deeply") == true)
        let filters = "$" + String(repeating: "[?@", count: 300) + String(repeating: "]", count: 300)
        #expect(compileError(filters)?.message.contains("nested too deeply") == true)
        let functions = "$[?" + String(repeating: "length(value(", count: 200) + "@" + String(repeating: "))", count: 200) + "]"
        #expect(compileError(functions)?.message.contains("nested too deeply") == true)
        // Within the limit it works.
        let ok = "$[?" + String(repeating: "(", count: 100) + "@" + String(repeating: ")", count: 100) + "]"
        #expect(compileError(ok) == nil)
    }

    @Test func descriptionIsTheOriginalText() throws {
        #expect(try JSONPath.compile("$.a[ 0 ]").description == "$.a[ 0 ]")
    }

    // MARK: Normalized paths

    @Test func normalizedPathsEscapeNames() throws {
        let doc = try JSONParser.parse(#"{"a": [10, {"it's": 1, "b\\c": 2, "l\n\u0001": 3, "\"q\"/é": 4}]}"#)
        let nodes = try JSONPath.compile("$..*").selectNodes(doc)
        #expect(nodes.map(\.path) == [
            "$['a']", "$['a'][0]", "$['a'][1]",
            #"$['a'][1]['it\'s']"#, #"$['a'][1]['b\\c']"#, #"$['a'][1]['l\n\u0001']"#, #"$['a'][1]['"q"/é']"#,
        ])
        #expect(nodes.map(\.value) == [doc["a"]!, 10, doc["a"]![1]!, 1, 2, 3, 4])
    }

    @Test func normalizedPathsUseNonNegativeIndices() throws {
        let doc: JSON = ["x": [1, 2, 3, 4, 5]]
        let nodes = try JSONPath.compile("$.x[-1, ::-2]").selectNodes(doc)
        #expect(nodes.map(\.path) == ["$['x'][4]", "$['x'][4]", "$['x'][2]", "$['x'][0]"])
        #expect(JSONPath.normalizedPath(["a", 0, "b'c"]) == #"$['a'][0]['b\'c']"#)
    }

    // MARK: Semantics

    @Test func hugeIndicesAndStepsSelectSafely() throws {
        #expect(try select("$[9007199254740991]", "[1,2]") == [])
        #expect(try select("$[-9007199254740991]", "[1,2]") == [])
        #expect(try select("$[::9007199254740991]", "[1,2]") == [1])
        #expect(try select("$[::-9007199254740991]", "[1,2]") == [2])
        #expect(try select("$[-9007199254740991:9007199254740991:2]", "[1,2,3]") == [1, 3])
    }

    @Test func regexDotExcludesOnlyLineBreaks() throws {
        let doc = #"["a\nb", "a\rb", "a\u2028b", "a😀b", "aéb", "ab"]"#
        #expect(try select("$[?match(@, 'a.b')]", doc) == ["a\u{2028}b", "a😀b", "aéb"])
        #expect(try select("$[?search(@, '^a.b$')]", doc) == ["a\u{2028}b", "a😀b", "aéb"])
        #expect(try select("$[?search(@, '[\\n]')]", doc) == ["a\nb"])
    }

    @Test func regexMatchIsAnchoredSearchIsNot() throws {
        let doc = #"["xaby", "ab"]"#
        #expect(try select("$[?match(@, 'ab')]", doc) == ["ab"])
        #expect(try select("$[?search(@, 'ab')]", doc) == ["xaby", "ab"])
        #expect(try select("$[?match(@, 'a|xaby')]", doc) == ["xaby"])
    }

    @Test func invalidRegexIsFalseNotACrash() throws {
        let doc = #"{"p": "(unclosed", "q": "\\d+", "r": "[b-a]", "s": "a{3,1}", "items": ["a", "1"]}"#
        for pattern in ["(unclosed", "\\\\d+", "[b-a]", "a{3,1}", "\\\\p{Xx}", "*a", "a**"] {
            #expect(try select("$.items[?match(@, '\(pattern)')]", doc) == [], "\(pattern)")
            #expect(try select("$.items[?!search(@, '\(pattern)')]", doc) == ["a", "1"], "\(pattern)")
        }
        for key in ["p", "q", "r", "s"] {
            #expect(try select("$.items[?search(@, $.\(key))]", doc) == [], "\(key)")
        }
    }

    @Test func regexFromTheDocumentIsCached() throws {
        let doc = #"{"pattern": "[0-9]+", "items": ["12", "x", "345"]}"#
        let path = try JSONPath.compile("$.items[?match(@, $.pattern)]")
        let parsed = try JSONParser.parse(doc)
        #expect(path.select(parsed) == ["12", "345"])
        #expect(JPRegexCache.shared.regex(for: "[0-9]+") === JPRegexCache.shared.regex(for: "[0-9]+"))
    }

    @Test func regexCategories() throws {
        let doc = #"["Ab", "ab", "1", "é", "😀"]"#
        #expect(try select("$[?match(@, '\\\\p{Lu}\\\\p{Ll}')]", doc) == ["Ab"])
        #expect(try select("$[?match(@, '\\\\P{L}')]", doc) == ["1", "😀"])
        #expect(try select("$[?match(@, '[^a-z\\\\p{N}]+')]", doc) == ["é", "😀"])
    }

    @Test func stringsCompareByScalarsNotCanonicalEquivalence() throws {
        let doc = #"[{"s": "\u00e9"}, {"s": "e\u0301"}]"#
        #expect(try select("$[?@.s == '\u{e9}']", doc) == [["s": "\u{e9}"]])
        #expect(try select("$[?@.s < 'f']", doc).count == 1)  // "e\u{301}" < "f" < "\u{e9}"
        #expect(try select("$[?length(@.s) == 2]", doc).count == 1)
        // Member names too: a canonically equivalent name is a different name.
        #expect(try select(#"$['e\u0301']"#, #"{"\u00e9": 1}"#) == [])
        #expect(try select(#"$['\u00e9']"#, #"{"\u00e9": 1}"#) == [1])
    }

    @Test func numbersCompareExactly() throws {
        let doc = "[9007199254740993, 1, 1.5, 2]"
        #expect(try select("$[?@ == 9007199254740993]", doc) == [.integer(9_007_199_254_740_993)])
        #expect(try select("$[?@ > 9007199254740992.0]", doc) == [.integer(9_007_199_254_740_993)])
        #expect(try select("$[?@ < 1.5]", doc) == [1])
        #expect(try select("$[?@ >= 1.5 && @ <= 2]", doc) == [1.5, 2])
        #expect(try select("$[?@ == 1.0]", doc) == [1])
        #expect(try select("$[?@ == -0]", "[0, 1]") == [0])
    }

    @Test func concurrentSelectsShareOneCompiledQuery() async throws {
        let path = try JSONPath.compile("$..[?match(@.name, 'n[0-9]+') && @.v > 10]")
        var items: [JSON] = []
        for i in 0..<200 { items.append(["name": .string("n\(i)"), "v": .integer(Int64(i))]) }
        let doc: JSON = ["items": .array(items)]
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { path.select(doc).count } }
            var all: [Int] = []
            for await c in group { all.append(c) }
            return all
        }
        #expect(counts == Array(repeating: 189, count: 8))
    }
}
