import Testing
@testable import FathomCore

/// Bodies reach reporters cut to a limit and redacted without being decoded whole.
@Suite struct RedactorTests {
    let r = Redactor(secrets: ["s3cr3t-token", "pw"])

    @Test func aShortBodyIsRedactedWhole() {
        let (text, cut) = r.redactPrefix(Array("a s3cr3t-token b pw c".utf8), limit: 100)
        #expect(text == "a *** b *** c" && !cut)
    }

    @Test func aSecretAcrossTheCutIsMaskedWholeAndNothingOfItShows() {
        let body = Array((String(repeating: "x", count: 10) + "s3cr3t-token" + String(repeating: "y", count: 50)).utf8)
        for limit in 10...22 {
            let (text, cut) = r.redactPrefix(body, limit: limit)
            #expect(cut)
            #expect(!text.contains("s3") && !text.contains("cr3t") && !text.hasSuffix("s"), "\(limit): \(text)")
            #expect(text == String(repeating: "x", count: 10) + (limit > 10 ? "***" : ""), "\(limit): \(text)")
        }
        // After the secret, the text goes on up to the cut.
        #expect(r.redactPrefix(body, limit: 25).text == String(repeating: "x", count: 10) + "***" + "yyy")
    }

    @Test func onlyTheWindowIsLookedAtAndTheCutKeepsCharactersWhole() {
        var body = Array("é".utf8)  // two bytes: a cut at 1 backs off to 0
        body += Array(repeating: UInt8(ascii: "z"), count: 1_000_000) + Array("s3cr3t-token".utf8)
        let (text, cut) = r.redactPrefix(body, limit: 1)
        #expect(text == "" && cut)
        let (big, bigCut) = r.redactPrefix(body, limit: 64 * 1024)
        #expect(bigCut && big.utf8.count == 64 * 1024 && big.hasPrefix("é"))
        // Bytes that are not UTF-8 are repaired in the part kept, as before.
        let binary = [UInt8](repeating: 0xFF, count: 100)
        #expect(Redactor().redactPrefix(binary, limit: 10).text == String(repeating: "\u{FFFD}", count: 10))
    }

    @Test func overlappingAndRepeatedSecretsAreAllMasked() {
        let r = Redactor(secrets: ["abcabc", "bc"])
        let (text, _) = r.redactPrefix(Array(("abcabcabc bc" + String(repeating: "-", count: 40)).utf8), limit: 20)
        #expect(text == "***a*** ***" + String(repeating: "-", count: 8), "\(text)")
    }
}
