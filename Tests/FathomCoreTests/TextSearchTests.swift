import Testing
@testable import FathomCore

/// The byte-level search that replaced Foundation's in the hot paths must find and
/// replace exactly what a literal search does.
@Suite struct TextSearchTests {
    @Test func templateMarker() {
        #expect("a{{b}}".hasTemplateMarker)
        #expect(!"a{b}c{".hasTemplateMarker)
        #expect(!"".hasTemplateMarker)
        #expect("{{".hasTemplateMarker)
        #expect(!"{ {".hasTemplateMarker)
    }

    @Test func containsAndOffsets() {
        #expect("Bearer tok-123".containsText("tok-123"))
        #expect(!"Bearer tok-12".containsText("tok-123"))
        #expect("abc".containsText(""))
        #expect("héllo wörld".containsText("wö"))
        #expect(!"héllo".containsText("he"))
        #expect("aaab".firstByteOffset(of: "aab") == 1)
        #expect("abcabc".firstByteOffset(of: "abc", from: 1) == 3)
        #expect("ab".firstByteOffset(of: "abc") == nil)
    }

    @Test func replacingEveryOccurrenceLeftToRight() {
        #expect("a-tok-b-tok".replacingText("tok", with: "***") == "a-***-b-***")
        #expect("aaaa".replacingText("aa", with: "b") == "bb")
        #expect("tok".replacingText("tok", with: "") == "")
        #expect("none here".replacingText("tok", with: "***") == "none here")
        #expect("ünï tok ünï".replacingText("ünï", with: "x") == "x tok x")
        // The same result as Foundation's literal replacement.
        let text = "k=v&k2=v%20w&v=v"
        #expect(text.replacingText("v", with: "***") == "k=***&k2=***%20w&***=***")
    }

    @Test func trimmingSpacesOnlyWhenThereAreAny() {
        #expect("token".trimmedOfSpaces == "token")
        #expect("  token\t".trimmedOfSpaces == "token")
        #expect("\u{00A0}token\u{2003}".trimmedOfSpaces == "token")
        #expect("é".trimmedOfSpaces == "é")
        #expect("".trimmedOfSpaces == "")
        #expect("   ".trimmedOfSpaces == "")
    }
}
