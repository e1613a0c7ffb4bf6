@testable import FathomReports
import Testing

@Suite struct FormattingTests {
    @Test func junitSeconds() {
        #expect(Format.seconds(ms: 4.1) == "0.004")
        #expect(Format.seconds(ms: 0) == "0.000")
        #expect(Format.seconds(ms: 1_234_567.8) == "1234.568")
        #expect(Format.seconds(ms: -3) == "0.000")
        #expect(Format.seconds(ms: .nan) == "0")
    }

    @Test func humanSizesAndDurations() {
        #expect(Format.bytes(312) == "312 B")
        #expect(Format.bytes(4096) == "4.0 KB")
        #expect(Format.bytes(3 * 1024 * 1024 / 2) == "1.5 MB")
        #expect(Format.duration(ms: 4.14) == "4.1 ms")
        #expect(Format.duration(ms: 1250) == "1.25 s")
        #expect(Format.status(200) == "200 OK")
        #expect(Format.status(299) == "299")
    }

    @Test func timestamps() {
        #expect(Format.iso8601(secondsSince1970: 1_700_000_000) == "2023-11-14T22:13:20Z")
        #expect(Format.iso8601Millis(secondsSince1970: 1_700_000_000.004) == "2023-11-14T22:13:20.004Z")
        #expect(Format.iso8601Millis(secondsSince1970: 1_700_000_000.9996) == "2023-11-14T22:13:21.000Z")
    }

    @Test func truncationKeepsCharactersWhole() {
        #expect(Format.truncated("héllo", limit: 2) == ("h", true))
        #expect(Format.truncated("héllo", limit: 3) == ("hé", true))
        #expect(Format.truncated("héllo", limit: 6) == ("héllo", false))
    }
}
