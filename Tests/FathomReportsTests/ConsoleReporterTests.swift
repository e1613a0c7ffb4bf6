import FathomCore
import FathomReports
import Testing

func renderConsole(
    _ events: [RunEvent], color: Bool = false, verbosity: ConsoleReporter.Verbosity, ascii: Bool = false, bodyLimit: Int = 4096
) -> String {
    var text = ""
    let reporter = ConsoleReporter(color: color, verbosity: verbosity, ascii: ascii, bodyLimit: bodyLimit) { text += $0 }
    for e in events { reporter.handle(e) }
    return text
}

@Suite struct ConsoleReporterTests {
    static let failureList = #"""
        Failures
          1) users / Create <user> & "friends" 'x'
             $.id == 5
             expected: 5
             actual:   6
             value <differs>\u0001\u001B[31m
          2) users / Create <user> & "friends" 'x'
             graphql errors
             errors: ["boom"]
          3) Broken\u0007bell
             error: connection failed: Connection refused

        """#

    static let summary = """
        ────────────────────────────────────────────────────────────
        Requests    3 run · 1 passed · 1 failed · 1 error · 1 skipped
        Assertions  5 · 3 passed · 2 failed
        Time        12.3 ms

        """

    @Test func normalGolden() {
        let expected = #"""
            ▶ Sample <API> & "Co" 'x' · 4 requests · examples/sample

            ✔ auth / Get me
              GET http://127.0.0.1:8484/get → 200 OK · 312 B · 4.1 ms
              ✔ status == 200
              ✔ $.name exists

            ✘ users / Create <user> & "friends" 'x'
              POST http://127.0.0.1:8484/users?a=1&b=2 → 201 Created · 48 B · 3.0 ms
              ✔ status == 201
              ✘ $.id == 5
                  expected: 5
                  actual:   6
                  value <differs>\u0001\u001B[31m
              ✘ graphql errors
                  errors: ["boom"]

            ⚠ Broken\u0007bell
              GET http://127.0.0.1:1/
              error: connection failed: Connection refused

            ↷ Later
              skipped: depends on a failed request


            """# + Self.summary + "\n" + Self.failureList
        let actual = renderConsole(Fixtures.events, verbosity: .normal)
        #expect(actual == expected)
    }

    @Test func quietGolden() {
        let expected = "Sample <API> & \"Co\" 'x'\n" + Self.summary + "\n" + Self.failureList
        #expect(renderConsole(Fixtures.events, verbosity: .quiet) == expected)
    }

    @Test func quietAllGreenIsJustTheSummary() {
        #expect(renderConsole(Fixtures.greenEvents, verbosity: .quiet) == """
            Green
            ────────────────────────────────────────────────────────────
            Requests    1 run · 1 passed · 0 failed · 0 errors · 0 skipped
            Assertions  2 · 2 passed · 0 failed
            Time        4.5 ms

            """)
    }

    @Test func verboseGolden() {
        let expected = #"""
            ▶ Sample <API> & "Co" 'x' · 4 requests · examples/sample

            ✔ auth / Get me
              GET http://127.0.0.1:8484/get → 200 OK · 312 B · 4.1 ms
              > Accept: application/json
              > Authorization: Bearer ***
              < HTTP/1.1 200 OK
              < Content-Type: application/json
              <
              < {"name":"fathom"}
              timing: dns 0.1 ms · connect 0.3 ms · tls 0.0 ms · first byte 3.9 ms · total 4.1 ms
              ✔ status == 200
              ✔ $.name exists

            ✘ users / Create <user> & "friends" 'x'
              POST http://127.0.0.1:8484/users?a=1&b=2 → 201 Created · 48 B · 3.0 ms
              > Content-Type: application/json
              >
              > {"id":5}
              < HTTP/1.1 201 Created
              < Content-Type: application/json
              <
              < {"id":6}
              timing: dns 0.1 ms · connect 0.2 ms · tls 0.0 ms · first byte 2.9 ms · total 3.0 ms
              ✔ status == 201
              ✘ $.id == 5
                  expected: 5
                  actual:   6
                  value <differs>\u0001\u001B[31m
              ✘ graphql errors
                  errors: ["boom"]

            ⚠ Broken\u0007bell
              GET http://127.0.0.1:1/
              error: connection failed: Connection refused

            ↷ Later
              skipped: depends on a failed request


            """# + Self.summary + "\n" + Self.failureList
        #expect(renderConsole(Fixtures.events, verbosity: .verbose) == expected)
    }

    @Test func verboseTruncatesLongBodies() {
        var big = Fixtures.passing
        big.response?.body = String(repeating: "a", count: 5000)
        let text = renderConsole([.requestFinished(big)], verbosity: .verbose)
        #expect(text.contains("  < " + String(repeating: "a", count: 4096) + "\n"))
        #expect(text.contains("  < … truncated: showing 4.0 KB of 4.9 KB\n"))
        #expect(!text.contains(String(repeating: "a", count: 4097)))
    }

    @Test func asciiSymbols() {
        let text = renderConsole(Fixtures.events, verbosity: .normal, ascii: true)
        #expect(text.contains("+ auth / Get me\n  GET http://127.0.0.1:8484/get -> 200 OK | 312 B | 4.1 ms\n"))
        #expect(text.contains("x users / Create"))
        #expect(text.contains("! Broken"))
        #expect(text.contains("- Later"))
        #expect(text.unicodeScalars.allSatisfy { $0.isASCII })
    }

    @Test func colourOnlyWhenEnabled() {
        for verbosity in [ConsoleReporter.Verbosity.quiet, .normal, .verbose] {
            let plain = renderConsole(Fixtures.events, color: false, verbosity: verbosity)
            #expect(!plain.contains("\u{1B}"))
            let coloured = renderConsole(Fixtures.events, color: true, verbosity: verbosity)
            #expect(coloured.contains("\u{1B}[31m"))  // red failures
            #expect(coloured.contains("\u{1B}[0m"))
            // Without the escape codes, the coloured text is the plain text.
            #expect(stripANSI(coloured) == plain)
        }
        let coloured = renderConsole(Fixtures.events, color: true, verbosity: .normal)
        #expect(coloured.contains("\u{1B}[32m✔\u{1B}[0m"))  // green pass
        #expect(coloured.contains("\u{1B}[32m200 OK\u{1B}[0m"))
    }

    @Test func dataCannotInjectEscapeCodes() {
        // The assertion message carries a raw ESC: it is shown as \u001B, never sent raw.
        let plain = renderConsole(Fixtures.events, color: false, verbosity: .verbose)
        #expect(!plain.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
    }

    @Test func shouldUseColorHonoursNoColor() {
        #expect(ConsoleReporter.shouldUseColor(isTerminal: true, environment: [:]))
        #expect(ConsoleReporter.shouldUseColor(isTerminal: true, environment: ["TERM": "xterm-256color"]))
        #expect(!ConsoleReporter.shouldUseColor(isTerminal: false, environment: [:]))
        #expect(!ConsoleReporter.shouldUseColor(isTerminal: true, environment: ["NO_COLOR": "1"]))
        #expect(!ConsoleReporter.shouldUseColor(isTerminal: true, environment: ["NO_COLOR": ""]))
        #expect(!ConsoleReporter.shouldUseColor(isTerminal: true, environment: ["TERM": "dumb"]))
    }

    @Test func streamsAsEventsArrive() {
        var chunks: [String] = []
        let reporter = ConsoleReporter(verbosity: .normal) { chunks.append($0) }
        reporter.handle(.runStarted(Fixtures.runInfo))
        reporter.handle(.requestStarted(Fixtures.passing.info))
        reporter.handle(.requestFinished(Fixtures.passing))
        #expect(chunks.count == 2)
        #expect(chunks[1].hasPrefix("✔ auth / Get me\n"))
    }

    @Test func textOutputStreamBox() {
        let box = TextOutputStreamBox("")
        let reporter = ConsoleReporter(stream: box, verbosity: .quiet)
        for e in Fixtures.greenEvents { reporter.handle(e) }
        #expect((box.value as? String)?.hasPrefix("Green\n") == true)
    }
}

func stripANSI(_ text: String) -> String {
    var out = ""
    var iterator = text.unicodeScalars.makeIterator()
    while let s = iterator.next() {
        if s == "\u{1B}" {
            while let t = iterator.next(), t != "m" {}
        } else {
            out.unicodeScalars.append(s)
        }
    }
    return out
}
