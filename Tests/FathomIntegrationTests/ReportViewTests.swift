import FathomMock
import Foundation
import Testing

/// The reports people look at, through the binary against the embedded instance:
/// the HTML report in headless Chromium, the GitHub annotations and job summary,
/// Markdown and TAP files, and the progress bar on a real pseudo-terminal.
@Suite(.serialized) struct ReportViewTests {
    /// A collection with one passing, one failing, one erroring and one skipped request.
    static func mixedCollection(_ dir: TempDir) -> String {
        dir.write("mixed/collection.json", """
            {"fathom": 1, "name": "Mixed results", "secrets": ["token"], "auth": {"bearer": "{{token}}"},
             "graphql_endpoint": "{{instance}}/api/graphql"}
            """)
        dir.write("mixed/01-accounts/01-me.json", """
            {"name": "who am I", "graphql": {"query": "{ me { id name } }"},
             "assert": [{"status": 200}, {"path": "$.data.me.id", "equals": "1"}]}
            """)
        dir.write("mixed/01-accounts/02-first.json", """
            {"name": "first account",
             "graphql": {"query": "{ accounts(paginator: {page: 1, records_per_page: 2}) { entities { id name } } }"},
             "assert": [
               {"status": 200},
               {"path": "$.data.accounts.entities[0].id", "equals": "999"}
             ]}
            """)
        dir.write("mixed/02-unreachable.json", """
            {"name": "unreachable", "url": "http://127.0.0.1:1/", "assert": [{"status": 200}]}
            """)
        dir.write("mixed/03-later.json", """
            {"name": "later", "skip": "not written yet", "url": "{{instance}}/get"}
            """)
        return dir.path + "/mixed"
    }

    static func withInstance<T>(_ body: (String) async throws -> T) async throws -> T {
        let server = MockServer(configuration: MockConfiguration(host: "127.0.0.1", port: 0))
        let port = try await server.start()
        do {
            let result = try await body("http://127.0.0.1:\(port)")
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    static func runMixed(_ reporters: String, reports: TempDir, environment: [String: String] = [:]) async throws -> ProcessResult {
        let d = TempDir()
        let path = mixedCollection(d)
        return try await withInstance { base in
            try await runFathom(["run", path, "--var", "instance=\(base)", "--secret", "token=\(MockConfiguration.demoToken)",
                                 "-r", reporters, "--reports-dir", reports.path], environment: environment)
        }
    }

    /// Chromium's DOM of a page after its scripts ran, or nil (with an issue) when it cannot run.
    static func chromiumDOM(_ url: String) throws -> String? {
        let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        guard let chromium = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            Issue.record("headless Chromium is not installed (scripts/bootstrap installs Debian's chromium); the HTML report cannot be checked in a browser")
            return nil
        }
        let profile = TempDir()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: chromium)
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)",
                       "--virtual-time-budget=2000", "--dump-dom", url]
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = profile.path
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Never wait for ever on a browser.
        let watchdog = DispatchWorkItem { if p.isRunning { p.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 90, execute: watchdog)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        watchdog.cancel()
        #expect(p.terminationStatus == 0, "chromium exited \(p.terminationStatus)")
        return String(decoding: data, as: UTF8.self)
    }

    static func firstMatch(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]),
              let m = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), m.numberOfRanges > 1,
              let r = Range(m.range(at: 1), in: text)
        else { return nil }
        return String(text[r])
    }

    @Test func htmlReportOpensInChromiumWithTheRightCountsAndItsFilterWorks() async throws {
        let reports = TempDir()
        let run = try await Self.runMixed("html,junit", reports: reports)
        #expect(run.status == 3, "\(run.output)")
        let page = reports.path + "/mixed-results.html"
        #expect(FileManager.default.fileExists(atPath: page))

        guard let dom = try Self.chromiumDOM("file://" + page) else { return }
        // The counts, as the browser shows them.
        for (id, n) in [("count-requests", "3"), ("count-passed", "1"), ("count-failed", "1"), ("count-errors", "1"), ("count-skipped", "1")] {
            #expect(Self.firstMatch("id=\"\(id)\">([^<]*)<", in: dom) == n, "\(id)")
        }
        #expect(Self.firstMatch(#"id="verdict"[^>]*>([^<]*)<"#, in: dom) == "1 failed, 1 error")
        // The script ran: every request shown, none hidden.
        #expect(Self.firstMatch(#"<body data-shown="(\d+)""#, in: dom) == "4", "\(dom.prefix(400))")
        #expect(Self.firstMatch(#"id="shown">([^<]*)<"#, in: dom) == "4 of 4 shown")
        // Failures first, with the failed assertion's expected and actual values.
        let failures = try #require(Self.firstMatch(#"<section id="failures">(.*?)</section>"#, in: dom))
        #expect(failures.contains("first account") && failures.contains("unreachable") && !failures.contains("who am I"))
        #expect(failures.contains("expected <code>\"999\"</code>, actual <code>\"1\"</code>"), "\(failures)")

        // The status filter, from the fragment as a shared link has it.
        guard let failed = try Self.chromiumDOM("file://" + page + "#status=failed") else { return }
        #expect(Self.firstMatch(#"<body data-shown="(\d+)""#, in: failed) == "1")
        #expect(Self.firstMatch(#"id="shown">([^<]*)<"#, in: failed) == "1 of 4 shown")
        #expect(failed.contains(#"data-status="failed" data-name="accounts / first account" open="""#), "\(failed)")
        #expect(failed.contains(#"data-status="passed" data-name="accounts / who am i" hidden="""#))
        #expect(failed.contains(#"data-filter="failed" aria-pressed="true""#))
        // And the search box.
        guard let searched = try Self.chromiumDOM("file://" + page + "#q=UNREACH") else { return }
        #expect(Self.firstMatch(#"<body data-shown="(\d+)""#, in: searched) == "1")
        #expect(searched.contains(#"data-status="error" data-name="unreachable" open="""#), "\(searched)")
        // The token is nowhere in the page.
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(!html.contains(MockConfiguration.demoToken))
        #expect(html.contains("<td>Authorization</td><td><code>***</code></td>"))
    }

    @Test func githubReporterAnnotatesTheRequestFileAndWritesTheJobSummary() async throws {
        let reports = TempDir()
        let summary = TempDir()
        let summaryFile = summary.path + "/step-summary.md"
        let run = try await Self.runMixed("console,github", reports: reports, environment: ["GITHUB_STEP_SUMMARY": summaryFile, "GITHUB_WORKSPACE": "/"])
        #expect(run.status == 3)
        // Paths relative to the workspace (here /), the failed assertion's own line.
        let lines = run.stdout.split(separator: "\n").filter { $0.hasPrefix("::error ") }
        #expect(lines.count == 2, "\(run.stdout)")
        #expect(lines[0].contains("/mixed/01-accounts/02-first.json,line=5,col=4,title=accounts / first account::$.data.accounts.entities[0].id equals \"999\"%0Aexpected: \"999\"%0Aactual: \"1\""), "\(lines[0])")
        #expect(!lines[0].contains("file=/"))
        #expect(lines[1].contains("/mixed/02-unreachable.json,title=unreachable::"), "\(lines[1])")
        let text = try String(contentsOfFile: summaryFile, encoding: .utf8)
        #expect(text.hasPrefix("## ❌ Mixed results: 1 of 3 requests failed, 1 error\n"), "\(text)")
        #expect(text.contains("### Slowest requests"))
        #expect(!text.contains(MockConfiguration.demoToken))
    }

    @Test func markdownAndTapFiles() async throws {
        let reports = TempDir()
        let run = try await Self.runMixed("markdown,tap", reports: reports)
        #expect(run.status == 3)
        let md = try #require(reports.read("mixed-results.md"))
        #expect(md.contains("| 3 | 1 | 1 | 1 | 1 | 4 | 1 |"), "\(md)")
        #expect(md.contains("`$.data.accounts.entities[0].id equals \"999\"`: expected `\"999\"`, actual `\"1\"`"), "\(md)")
        let tap = try #require(reports.read("mixed-results.tap"))
        #expect(tap.hasPrefix("TAP version 14\n# Mixed results\nok 1 - accounts / who am I\nnot ok 2 - accounts / first account\n"), "\(tap)")
        #expect(tap.contains("ok 4 - later # SKIP not written yet\n"))
        #expect(tap.hasSuffix("1..4\n"))
    }

    @Test func anUnknownReporterIsAUsageError() async throws {
        let r = try await runFathom(["run", "collections/sonar-smoke", "--mock", "-r", "console,htm"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("unknown reporter 'htm' (did you mean 'html'?); known reporters: console, junit, json, html, markdown, github, tap"), "\(r.stderr)")
    }

    /// `fathom run` on a pseudo-terminal (through util-linux's `script`), with the
    /// environment given (and no `CI` unless given).
    static func runOnTerminal(_ arguments: [String], environment extra: [String: String]) throws -> String {
        let command = ([fathomBinary] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        p.arguments = ["-qfec", command, "/dev/null"]
        var env = ProcessInfo.processInfo.environment
        for key in ["CI", "GITHUB_ACTIONS", "NO_COLOR"] { env.removeValue(forKey: key) }
        env["TERM"] = "xterm"
        env["COLUMNS"] = "100"
        for (k, v) in extra { env[k] = v }
        p.environment = env
        p.currentDirectoryURL = URL(fileURLWithPath: repoRoot)
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func progressBarOnATerminalOnlyForLongRunsAndNeverInCI() async throws {
        let d = TempDir()
        let path = Self.mixedCollection(d)
        let reports = TempDir()
        let common = ["run", path, "-r", "console", "--reports-dir", reports.path, "--secret", "token=\(MockConfiguration.demoToken)"]
        try await Self.withInstance { base in
            // Four requests 500 ms apart: about 1.5 s, so the bar appears.
            let slow = try Self.runOnTerminal(common + ["--var", "instance=\(base)", "--delay-request", "500"], environment: [:])
            #expect(slow.contains("\r\u{1B}[2K["), "\(slow.debugDescription)")
            #expect(slow.contains("/4 · "), "\(slow.debugDescription)")
            #expect(slow.contains(" req/s · 0:0"))
            // Erased before the summary, which starts on a clean line.
            let summary = try #require(slow.range(of: "Requests    3 run"))
            let before = slow[..<summary.lowerBound]
            #expect(before.hasSuffix("\u{1B}[0m\r\n") || before.hasSuffix("\r\n"))
            #expect(slow[summary.lowerBound...].contains("[█") == false)

            // In CI, or quiet, or quick: no bar.
            let ci = try Self.runOnTerminal(common + ["--var", "instance=\(base)", "--delay-request", "500"], environment: ["CI": "true"])
            #expect(!ci.contains("\u{1B}[2K"), "\(ci.debugDescription)")
            #expect(ci.contains("Requests    3 run"))
            let quiet = try Self.runOnTerminal(common + ["--var", "instance=\(base)", "--delay-request", "500", "-q"], environment: [:])
            #expect(!quiet.contains("\u{1B}[2K"))
            let quick = try Self.runOnTerminal(common + ["--var", "instance=\(base)"], environment: [:])
            #expect(!quick.contains("\u{1B}[2K"), "\(quick.debugDescription)")
        }
        // Not a terminal (a pipe): no bar.
        let piped = try await Self.withInstance { base in
            try await runFathom(common + ["--var", "instance=\(base)", "--delay-request", "500"], environment: ["NO_COLOR": "1"])
        }
        #expect(!piped.stdout.contains("\u{1B}"))
    }
}
