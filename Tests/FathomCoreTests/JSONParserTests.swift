import Testing
@testable import FathomCore

@Suite struct JSONParserTests {
    @Test func parsesScalarsAndKeepsIntegers() throws {
        let v = try JSONParser.parse(#"{"a": 25, "b": 1.5, "c": [true, null, "x\u00e9\n"], "big": 9007199254740993}"#)
        #expect(v["a"] == .integer(25))
        #expect(v["b"] == .double(1.5))
        #expect(v["c"]?[2] == .string("xé\n"))
        #expect(v["big"] == .integer(9_007_199_254_740_993))
        #expect(v.serialized() == #"{"a":25,"b":1.5,"c":[true,null,"xé\n"],"big":9007199254740993}"#)
    }

    @Test func numericEquality() {
        #expect(JSON.integer(1) == JSON.double(1.0))
        #expect(JSON.integer(1) != JSON.string("1"))
    }

    @Test func reportsPositionOfErrors() {
        do {
            _ = try JSONParser.parse("{\n  \"a\": 1,\n  \"b\": tru\n}")
            Issue.record("expected an error")
        } catch {
            #expect(error.position == SourcePosition(line: 3, column: 8))
            #expect(error.message.contains("true"))
        }
    }

    @Test func rejectsTrailingCommaWithPosition() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse("[1,2,]") }
        do { _ = try JSONParser.parse("{\"a\":1,}") } catch {
            #expect(error.message.contains("trailing comma"))
            #expect(error.position.column == 8)
        }
    }

    @Test func sourceMapRecordsKeysAndValues() throws {
        let text = "{\n  \"assert\": [\n    {\"status\": 200, \"equal\": 3}\n  ]\n}"
        let (_, map) = try JSONParser.parseWithSourceMap(Array(text.utf8))
        #expect(map.keys["/assert/0/equal"] == SourcePosition(line: 3, column: 21))
        #expect(map.values["/assert/0"] == SourcePosition(line: 3, column: 5))
    }

    @Test func duplicateKeysRejectedWhenAsked() {
        #expect(throws: JSONParseError.self) {
            try JSONParser.parse(#"{"a":1,"a":2}"#, options: .init(rejectDuplicateKeys: true))
        }
        #expect((try? JSONParser.parse(#"{"a":1,"a":2}"#))?["a"] == .integer(2))
    }

    /// Objects and arrays are built on the parser's stacks: nesting, repeated keys
    /// (first place, last value) and objects past the size where keys are indexed.
    @Test func nestedObjectsArraysAndRepeatedKeysOnTheStacks() throws {
        let v = try JSONParser.parse(#"{"a": [1, {"b": [], "c": {}}, [2, [3]]], "d": 1, "a2": {"x": 1, "x": 2, "y": 3}, "d": 4}"#)
        #expect(v["a"] == [1, ["b": [], "c": [:]], [2, [3]]])
        #expect(v.objectValue?.keys == ["a", "d", "a2"] && v["d"] == 4)
        #expect(v["a2"]?.objectValue?.keys == ["x", "y"] && v["a2"]?["x"] == 2)
        let members = (0..<40).map { "\"k\($0)\": \($0)" }.joined(separator: ", ")
        let big = try JSONParser.parse("{\(members), \"k7\": 70, \"inner\": {\(members)}}")
        #expect(big.objectValue?.count == 41 && big["k7"] == 70 && big["k39"] == 39 && big["inner"]?["k20"] == 20)
        #expect(throws: JSONParseError.self) { try JSONParser.parse("{\(members), \"k30\": 1}", options: .init(rejectDuplicateKeys: true)) }
    }

    @Test func skipsByteOrderMark() throws {
        let v = try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("[1]".utf8))
        #expect(v == [1])
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }

    @Test func numbersOutOfRangeAreErrors() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse("[1e400]") }
        #expect((try? JSONParser.parse("[1e300]"))?[0] == .double(1e300))
        #expect((try? JSONParser.parse("[-9223372036854775808]"))?[0] == .integer(Int64.min))
        #expect((try? JSONParser.parse("[9223372036854775808]"))?[0] == .double(9223372036854775808.0))
    }

    /// The position index agrees with the full source map, on a minified line with
    /// multi-byte characters and on a pretty-printed file.
    @Test func positionIndexAgreesWithTheSourceMap() throws {
        let minified = #"{"item":[{"name":"é€","event":[{"a":1},{"b":"ü"}]},{"name":"x","item":[{"n":"😀"},7]}],"values":["a","b"]}"#
        let pretty = "{\n  \"item\": [\n    {\"name\": \"é\",\n     \"event\": [ {\"a\": 1},\n {\"b\": 2} ]},\n    3\n  ]\n}"
        for text in [minified, pretty] {
            let bytes = Array(text.utf8)
            let (_, map) = try JSONParser.parseWithSourceMap(bytes)
            let index = JSONPositionIndex.positions(in: bytes, elementsOf: ["item", "event", "values"])
            #expect(!index.isEmpty)
            for (pointer, position) in index {
                #expect(map.valuePosition(for: pointer) == position, "\(pointer) in \(text)")
            }
        }
    }
}
