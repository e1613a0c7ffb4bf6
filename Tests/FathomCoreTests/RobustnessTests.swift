import Testing
@testable import FathomCore

/// Bad input never traps: seeded random inputs through the parsers and the
/// template engine. Each must return a value or a typed error.
@Suite struct RobustnessTests {
    /// A small deterministic generator (SplitMix64), so failures reproduce.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Strings built from fragments that matter to each grammar, plus random bytes.
    static func mutations(_ alphabet: [String], count: Int, seed: UInt64) -> [String] {
        var rng = SplitMix(state: seed)
        return (0..<count).map { _ in
            let n = Int.random(in: 0...24, using: &rng)
            return (0..<n).map { _ -> String in
                if Int.random(in: 0..<8, using: &rng) == 0 {
                    return String(UnicodeScalar(UInt8.random(in: 0...127, using: &rng)))
                }
                return alphabet.randomElement(using: &rng)!
            }.joined()
        }
    }

    @Test func jsonParserNeverTraps() {
        let alphabet = ["{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "d83d", "dc00", "0", "-", "1e", "9999999999999999999999", ".", "true", "nul", " ", "\n", "é", "\u{0}"]
        var parsed = 0
        for text in Self.mutations(alphabet, count: 20_000, seed: 1) {
            if (try? JSONParser.parse(text)) != nil { parsed += 1 }
            _ = try? JSONParser.parseWithSourceMap(Array(text.utf8), options: .init(rejectDuplicateKeys: true))
        }
        #expect(parsed > 0)
        var rng = SplitMix(state: 2)
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = try? JSONParser.parse(bytes)
        }
    }

    @Test func jsonPathCompilerNeverTraps() {
        let alphabet = ["$", "@", ".", "..", "*", "[", "]", "?", "(", ")", "'", "\"", ",", ":", "-1", "0", "2", "==", "<", "!", "&&", "||", "length(", "count(", "match(", "search(", "value(", "a", " "]
        let doc: JSON = ["a": [1, "x", ["b": true], [2, 3]], "c": .null]
        var compiled = 0
        for text in Self.mutations(alphabet, count: 20_000, seed: 3) {
            if let path = try? JSONPath.compile(text) {
                compiled += 1
                _ = path.select(doc)
            }
        }
        #expect(compiled > 0)
    }

    @Test func templatesNeverTrap() {
        let vars: JSONObject = ["a": "{{b}}", "b": "{{a}}", "c": 1, "d": "{{c}}{{", "e": ["k": "{{c}}"]]
        let t = Template { vars[$0] }
        let alphabet = ["{{", "}}", "{", "}", "a", "b", "c", "d", "e", "$guid", "$nope", " ", "x"]
        for text in Self.mutations(alphabet, count: 20_000, seed: 4) {
            _ = try? t.resolve(.string(text), at: "/x")
        }
    }
}
