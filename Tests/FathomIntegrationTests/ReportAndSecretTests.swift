import Foundation
import Testing

/// Reports written by a real run, and secrets kept out of every output.
@Suite struct ReportAndSecretTests {
    static let secrets = ["K3y-collection-secret", "Sup3rSecretPw", "sess-abcdef123", "CliS3cretValue", "fathom-demo-token", "EnvS3cretValue"]

    func makeCollection() -> TempDir {
        let d = TempDir()
        d.write("collection.json", """
            {"fathom": 1, "name": "Secrets & reports <test>",
             "variables": {"instance": "http://127.0.0.1:8484", "api_key": "K3y-collection-secret"},
             "secrets": ["api_key"], "auth": {"bearer": "{{token}}"}}
            """)
        d.write("environments/ci.json", #"{"env_secret": {"value": "EnvS3cretValue", "secret": true}}"#)
        d.write("01-headers.json", """
            {"url": "{{instance}}/headers", "headers": {"X-Api-Key": "{{api_key}}", "X-Env": "{{env_secret}}"},
             "assert": [{"path": "$.headers['x-api-key']", "equals": "wrong"}, {"status": 200}]}
            """)
        d.write("02-basic.json", """
            {"url": "{{instance}}/headers", "auth": {"basic": {"username": "someone", "password": "Sup3rSecretPw"}},
             "assert": [{"path": "$.headers.authorization", "starts_with": "Basic "}]}
            """)
        d.write("03-capture.json", """
            {"url": "{{instance}}/post", "json": {"session": "sess-abcdef123"},
             "capture": {"session": {"path": "$.json.session", "secret": true}}}
            """)
        d.write("04-use.json", """
            {"url": "{{instance}}/get", "query": {"s": "{{session}}", "c": "{{cli}}"},
             "assert": [{"path": "$.args.s", "equals": "{{session}}"}, {"path": "$.args.c", "equals": "not it"}]}
            """)
        d.write("05-refused.json", #"{"url": "http://127.0.0.1:9/?key={{api_key}}"}"#)
        d.write("06-skipped.json", #"{"url": "{{instance}}/get", "skip": "not today"}"#)
        return d
    }

    @Test func junitValidatesAndNoSecretLeaks() async throws {
        let d = makeCollection()
        let reports = TempDir()
        let r = try await runFathom([
            "run", d.path, "--mock", "--env", "ci", "--secret", "cli=CliS3cretValue", "--verbose",
            "--reporter", "console,junit,json", "--reports-dir", reports.path,
        ])
        #expect(r.status == 3, "\(r.output)")
        let junitPath = "\(reports.path)/secrets-reports-test.junit.xml"
        let junit = try #require(reports.read("secrets-reports-test.junit.xml"), "no JUnit report in \(reports.path)")
        let json = try #require(reports.read("secrets-reports-test.json"))

        // Validates against the Jenkins xUnit schema.
        let xsd = "\(repoRoot)/../shared/corpus/junit/jenkinsci__xunit-plugin__junit-10.xsd"
        let (status, out) = try shell("/usr/bin/xmllint", ["--noout", "--schema", xsd, junitPath])
        #expect(status == 0, "xmllint: \(out)")

        // Failures, errors and skips are told apart.
        #expect(junit.contains("<failure"))
        #expect(junit.contains("<error"))
        #expect(junit.contains("<skipped"))
        #expect(junit.contains("AssertionFailure"))

        // The redacted values are really in play (the outputs mention them as ***).
        #expect(r.stdout.contains("***"))
        for secret in Self.secrets {
            #expect(!r.stdout.contains(secret), "stdout leaks \(secret)")
            #expect(!r.stderr.contains(secret), "stderr leaks \(secret)")
            #expect(!junit.contains(secret), "JUnit leaks \(secret)")
            #expect(!json.contains(secret), "JSON report leaks \(secret)")
        }
        // Base64 of basic credentials is masked too.
        let basic = Data("someone:Sup3rSecretPw".utf8).base64EncodedString()
        #expect(!r.stdout.contains(basic))
    }

    @Test func junitNamesAreStableAcrossRuns() async throws {
        let d = makeCollection()
        let a = TempDir()
        let b = TempDir()
        _ = try await runFathom(["run", d.path, "--mock", "--env", "ci", "--secret", "cli=x", "--reporter", "junit", "--reports-dir", a.path])
        _ = try await runFathom(["run", d.path, "--mock", "--env", "ci", "--secret", "cli=x", "--reporter", "junit", "--reports-dir", b.path])
        func names(_ xml: String) -> [String] {
            xml.components(separatedBy: "\n").filter { $0.contains("<testcase") || $0.contains("<testsuite ") }.map { line in
                line.components(separatedBy: " ").filter { $0.hasPrefix("name=") || $0.hasPrefix("classname=") }.joined(separator: " ")
            }
        }
        let x = try #require(a.read("secrets-reports-test.junit.xml"))
        let y = try #require(b.read("secrets-reports-test.junit.xml"))
        #expect(names(x) == names(y))
        #expect(names(x).count > 6)
    }
}
