import FathomCore
import FathomReports
import FathomXML
import Foundation
import Testing

/// The Markdown, GitHub, TAP and HTML reporters and the progress bar, on the fixture events.
@Suite struct SummaryReporterTests {
    /// The fixture events with the failing and erroring requests located, as the runner does.
    static var locatedEvents: [RunEvent] {
        Fixtures.events.map { event in
            guard case .requestFinished(var r) = event else { return event }
            if r.status == .failed {
                r.location = FilePosition(file: "c/02-users/01-create.json")
                r.assertions[1].position = SourcePosition(line: 9, column: 7)
            }
            if r.status == .error { r.location = FilePosition(file: "c/03-broken.json") }
            return .requestFinished(r)
        }
    }

    @Test func markdownSummary() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("sample.md").path
        let reporter = MarkdownReporter(outputPath: path)
        for e in Self.locatedEvents { reporter.handle(e) }
        try reporter.finish()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == #"""
            ## ❌ Sample \<API\> \& "Co" 'x': 1 of 3 requests failed, 1 error

            | Requests | Passed | Failed | Errors | Skipped | Assertions | Failed assertions | Time |
            |---:|---:|---:|---:|---:|---:|---:|---:|
            | 3 | 1 | 1 | 1 | 1 | 5 | 2 | 12.3 ms |

            ### Failures

            1. **users / Create \<user\> \& "friends" 'x'** (`c/02-users/01-create.json:9`)
               - `$.id == 5`: expected `5`, actual `6`; value \<differs\>\\u0001\\u001B\[31m
               - `graphql errors`: errors: \["boom"\]
            2. **Broken\\u0007bell** (`c/03-broken.json`)
               - error: connection failed: Connection refused

            ### Slowest requests

            | Request | Status | Time |
            |---|---|---:|
            | auth / Get me | 200 | 4.1 ms |
            | users / Create \<user\> \& "friends" 'x' | 201 | 3.0 ms |
            | Broken\\u0007bell | error | 1.0 ms |

            """#)
    }

    @Test func codeSpansHoldBackticksAndPipes() {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("unused-\(UUID().uuidString).md").path
        let reporter = MarkdownReporter(outputPath: path)
        let r = RequestResult(
            info: RequestInfo(index: 1, id: "a.json", name: "a | b", folders: []), status: .failed,
            assertions: [AssertionResult(name: "``x`` | y", passed: false, expected: "`", actual: String(repeating: "z", count: 400))])
        reporter.handle(.requestFinished(r))
        reporter.handle(.runFinished(RunSummary(collectionName: "C", results: [], counts: RunCounts([r]), durationMs: 1)))
        let text = reporter.render()
        #expect(text.contains("- ``` ``x`` \\| y ```: expected `` ` ``, actual `" + String(repeating: "z", count: 300) + "…`"), "\(text)")
        #expect(text.contains("| a \\| b | failed |"), "\(text)")
    }

    @Test func githubAnnotationsAndStepSummary() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let summaryPath = dir.appendingPathComponent("step-summary.md").path
        try "# Earlier step\n".write(toFile: summaryPath, atomically: true, encoding: .utf8)
        var printed = ""
        let reporter = GitHubReporter(
            environment: ["GITHUB_STEP_SUMMARY": summaryPath, "GITHUB_WORKSPACE": "/work/repo"], workingDirectory: "/work/repo/ci") { printed += $0 }
        for e in Self.locatedEvents { reporter.handle(e) }
        try reporter.finish()
        #expect(printed == """
            ::error file=ci/c/02-users/01-create.json,line=9,col=7,title=users / Create <user> & "friends" 'x'::$.id == 5%0Aexpected: 5%0Aactual: 6%0Avalue <differs>\\u0001\\u001B[31m
            ::error file=ci/c/02-users/01-create.json,title=users / Create <user> & "friends" 'x'::graphql errors%0Aerrors: ["boom"]
            ::error file=ci/c/03-broken.json,title=Broken\\u0007bell::connection failed: Connection refused

            """)
        // Appended after what earlier steps wrote.
        let summary = try String(contentsOfFile: summaryPath, encoding: .utf8)
        #expect(summary.hasPrefix("# Earlier step\n## ❌ Sample"), "\(summary)")
        #expect(summary.contains("(`ci/c/02-users/01-create.json:9`)"), "\(summary)")
    }

    @Test func githubEscapesPropertiesAndMessages() {
        #expect(GitHubReporter.command("error", file: "a,b:c.json", position: SourcePosition(line: 2, column: 3), title: "x: 100%, y", message: "50%\r\nnext") ==
            "::error file=a%2Cb%3Ac.json,line=2,col=3,title=x%3A 100%25%2C y::50%25%0D%0Anext")
    }

    @Test func githubWithoutAStepSummaryOnlyAnnotates() throws {
        var printed = ""
        let reporter = GitHubReporter(environment: [:], workingDirectory: "/tmp") { printed += $0 }
        for e in Self.locatedEvents { reporter.handle(e) }
        try reporter.finish()
        #expect(printed.hasPrefix("::error file=c/02-users/01-create.json,line=9,col=7,"), "\(printed)")
    }

    @Test func tapStream() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("sample.tap").path
        let reporter = TAPReporter(outputPath: path)
        for e in Self.locatedEvents { reporter.handle(e) }
        try reporter.finish()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == #"""
            TAP version 14
            # Sample <API> & "Co" 'x'
            ok 1 - auth / Get me
            not ok 2 - users / Create <user> & "friends" 'x'
              ---
              file: "c/02-users/01-create.json"
              line: 9
              failures:
                - assertion: "$.id == 5"
                  expected: "5"
                  actual: "6"
                  message: "value <differs>\u0001\u001b[31m"
                - assertion: "graphql errors"
                  message: "errors: [\"boom\"]"
              status: 201
              duration_ms: 3.4
              ...
            not ok 3 - Broken\#u{7}bell
              ---
              file: "c/03-broken.json"
              error: "connection failed: Connection refused"
              duration_ms: 1.0
              ...
            ok 4 - Later # SKIP depends on a failed request
            1..4

            """#.replacingOccurrences(of: "\\#u{7}", with: "\u{7}"))
    }

    @Test func tapEscapesTheDirectiveSign() {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("t-\(UUID().uuidString).tap").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reporter = TAPReporter(outputPath: path)
        let r = RequestResult(info: RequestInfo(index: 1, id: "a.json", name: "issue #4\nsecond line", folders: []), status: .passed)
        reporter.handle(.requestFinished(r))
        reporter.handle(.runFinished(RunSummary(collectionName: "C", results: [], counts: RunCounts([r]), durationMs: 1, interrupted: true)))
        try? reporter.finish()
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        #expect(text.contains("ok 1 - issue \\#4 second line\n"), "\(text)")
        #expect(text.hasSuffix("# interrupted: the requests not run are not listed\n1..1\n"), "\(text)")
    }

    @Test func htmlPageIsSelfContainedEscapedAndCounted() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("sample.html").path
        let reporter = HTMLReporter(outputPath: path, version: "9.9")
        for e in Self.locatedEvents { reporter.handle(e) }
        try reporter.finish()
        let html = try String(contentsOfFile: path, encoding: .utf8)
        let bytes = Array(html.utf8)
        func value(_ xpath: String) throws -> String {
            if case .string(let s) = try XPathEvaluator.evaluate("normalize-space(\(xpath))", onXML: bytes, isHTML: true) { return s }
            return ""
        }
        #expect(try value("//*[@id='count-requests']") == "3")
        #expect(try value("//*[@id='count-passed']") == "1")
        #expect(try value("//*[@id='count-failed']") == "1")
        #expect(try value("//*[@id='count-errors']") == "1")
        #expect(try value("//*[@id='count-skipped']") == "1")
        #expect(try value("//*[@id='count-assertions']") == "3/5")
        #expect(try value("//*[@id='verdict']") == "1 failed, 1 error")
        // Failures first: the list comes before the requests, and names the failed assertion.
        #expect(try value("count(//section[@id='failures']/ol/li)") == "2")
        #expect(try value("//section[@id='failures']/ol/li[1]//strong") == "users / Create <user> & \"friends\" 'x'")
        #expect(html.range(of: "id=\"failures\"")!.lowerBound < html.range(of: "id=\"requests\"")!.lowerBound)
        #expect(try value("count(//details[@data-status='failed'][@open])") == "1")
        #expect(try value("//details[@id='r2']//tr[@class='fail']/td[3]") == "5")
        #expect(try value("//details[@id='r2']//tr[@class='fail']/td[4]") == "6")
        #expect(try value("//details[@id='r2']//tr[@class='fail']//div[@class='msg'][2]") == "c/02-users/01-create.json:9:7")
        // The timing bar of the passing request: DNS 0.1, connect 0.2, first byte 3.6, download 0.2 of 4.1 ms.
        #expect(try value("count(//details[@id='r1']//div[@class='timing']/span)") == "4")
        #expect(try value("//details[@id='r1']//div[@class='timing']/span[@class='wait']/@style") == "width: 87.80%")
        // Escaped, never markup: the names hold <user> and control characters.
        #expect(!html.contains("<user>"))
        #expect(html.contains("Create &lt;user&gt; &amp; &quot;friends&quot; &#39;x&#39;"))
        // Self-contained: nothing is fetched.
        for external in ["<link", "src=", "@import", "url(", "http-equiv"] { #expect(!html.contains(external), "\(external)") }
        #expect(html.contains("Written by Fathom 9.9."))
    }

    @Test func progressLineFormatsToTheWidth() {
        #expect(ProgressLine.line(done: 42, total: 1000, failures: 3, elapsed: .milliseconds(4200), width: 80)
            == "[█" + String(repeating: "░", count: 35) + "]   42/1000 · 3 failed · 10.0 req/s · 0:04")
        #expect(ProgressLine.line(done: 5, total: 5, failures: 0, elapsed: .seconds(3725), width: 60).hasSuffix("] 5/5 · 0.0 req/s · 1:02:05"))
        // Too narrow for a bar: the figures alone, cut to the width.
        #expect(ProgressLine.line(done: 1, total: 2, failures: 0, elapsed: .seconds(1), width: 20) == "1/2 · 1.0 req/s · 0")
    }

    @Test func progressLineIsWantedOnlyOnATerminalOutsideCI() {
        #expect(ProgressLine.wanted(isTerminal: true, environment: [:], quiet: false))
        #expect(!ProgressLine.wanted(isTerminal: false, environment: [:], quiet: false))
        #expect(!ProgressLine.wanted(isTerminal: true, environment: ["CI": "true"], quiet: false))
        #expect(ProgressLine.wanted(isTerminal: true, environment: ["CI": "false"], quiet: false))
        #expect(!ProgressLine.wanted(isTerminal: true, environment: [:], quiet: true))
        #expect(!ProgressLine.wanted(isTerminal: true, environment: ["TERM": "dumb"], quiet: false))
    }

    @Test func progressLineStaysBelowTheConsoleAndIsErasedAtTheEnd() {
        let written = Locked("")
        let progress = ProgressLine(delay: .zero, width: { 60 }) { text in written.withLock { $0 += text } }
        progress.handle(.runStarted(RunInfo(collectionName: "C", source: "", requestCount: 2, startedAt: 0)))
        progress.print("first block\n")
        progress.handle(.requestFinished(RequestResult(info: RequestInfo(index: 1, id: "a", name: "a", folders: []), status: .failed)))
        progress.print("second block\n")
        progress.handle(.runFinished(RunSummary(collectionName: "C", results: [], durationMs: 1)))
        progress.print("summary\n")
        let text = written.withLock { $0 }
        // Each print erases the bar, writes, and draws it again; the summary comes after the last erase.
        #expect(text.hasPrefix("first block\n\r\u{1B}[2K["), "\(text.debugDescription)")
        #expect(text.contains("] 1/2 · 1 failed · "))
        #expect(text.contains("\r\u{1B}[2Ksecond block\n\r\u{1B}[2K["))
        #expect(text.hasSuffix("\r\u{1B}[2Ksummary\n") || text.hasSuffix("\r\u{1B}[2K" + "summary\n"), "\(text.debugDescription)")
        #expect(!text.hasSuffix("]summary\n"))
    }
}
