import FathomMock
import Foundation
import Testing

/// The secret audit: runs with distinctive secret values, in verbose mode, with
/// every reporter on, failing assertions that mention the values, scripts that
/// print them and `pm.sendRequest` calls that send them, `--dry-run` too; then
/// reads every byte of standard output, standard error and every file written,
/// for each value in every form it could leak in: as is, percent-encoded (upper-
/// and lowercase hex), form-encoded, JSON-escaped, and base64 (alone, and as basic
/// credentials). Zero occurrences, over every collection of the repository and
/// every Postman collection of the corpus, and a collection written to try hard.
@Suite(.serialized) struct SecretAuditTests {
    static let token = "tok/AUDIT+7f3a=&x1"
    static let password = "pw AUDIT:9b2e/x"
    static let apiKey = "key+AUDIT/5d8e1=="
    static let secretValue = "sec&AUDIT?4c7d0"
    static let values = [token, password, apiKey, secretValue]

    /// The secrets, as --secret flags under the names collections use for them.
    static let secretFlags: [String] = [
        "token=\(token)", "password=\(password)", "api_key=\(apiKey)", "apiKey=\(apiKey)", "sv=\(secretValue)",
        "secret=\(secretValue)", "accessToken=\(token)", "bearerToken=\(token)",
    ].flatMap { ["--secret", $0] }

    /// Every form a value could take in an output.
    static func forms(_ v: String) -> [String] {
        var out = [v]
        let upper = v.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        out.append(upper)
        out.append(upper.replacingOccurrences(of: #"%[0-9A-F]{2}"#, with: "$0", options: .regularExpression).lowercasedPercentEscapes())
        out.append(upper.replacingOccurrences(of: "%20", with: "+"))
        out.append(v.replacingOccurrences(of: "/", with: "\\/"))
        out.append(v.replacingOccurrences(of: "&", with: "\\u0026"))
        out.append(Data(v.utf8).base64EncodedString())
        out.append(Data("audit-user:\(v)".utf8).base64EncodedString())
        return Array(Set(out))
    }

    /// Where any form of any value appears: `where: form`.
    static func findings(in texts: [(String, String)]) -> [String] {
        var found: [String] = []
        for value in values {
            for form in forms(value) {
                for (place, text) in texts where text.contains(form) {
                    found.append("\(place): \(form.debugDescription) (a form of \(value.debugDescription))")
                }
            }
        }
        return found
    }

    /// Every file under a directory, as text.
    static func files(under dir: String) -> [(String, String)] {
        guard let e = FileManager.default.enumerator(atPath: dir) else { return [] }
        var out: [(String, String)] = []
        for case let name as String in e {
            let path = dir + "/" + name
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue, let data = FileManager.default.contents(atPath: path) {
                out.append((path, String(decoding: data, as: UTF8.self)))
            }
        }
        return out
    }

    static let allReporters = ["-r", "console,junit,json,html,markdown,tap,github"]

    /// Runs fathom with every reporter (and a GitHub step summary) into a fresh
    /// directory, verbose; returns what it printed and wrote.
    static func auditedRun(_ arguments: [String], in directory: String = repoRoot) async throws -> (ProcessResult, [(String, String)]) {
        let reports = TempDir()
        let summary = reports.path + "/step-summary.md"
        let r = try await runFathom(arguments + allReporters + ["--reports-dir", reports.path, "-v"],
                                    in: directory, environment: ["GITHUB_STEP_SUMMARY": summary])
        var texts = [("stdout", r.stdout), ("stderr", r.stderr)]
        texts += files(under: reports.path)
        return (r, texts)
    }

    /// The collection written to try hard: every auth kind, echoes of every secret,
    /// failing assertions on them, a secret capture, an error, scripts that print and send them.
    static func hardCollection(_ d: TempDir) -> String {
        d.write("audit/collection.json", #"""
            {"fathom": 1, "name": "Secret audit", "secrets": ["token", "password", "api_key", "sv"],
             "auth": {"bearer": "{{token}}"}}
            """#)
        d.write("audit/01-bearer.json", #"""
            {"url": "{{instance}}/headers", "assert": [{"path": "$.headers.authorization", "equals": "Bearer nope"}, {"header": "Content-Type", "contains": "{{token}}"}]}
            """#)
        d.write("audit/02-basic.json", #"""
            {"url": "{{instance}}/headers", "auth": {"basic": {"username": "audit-user", "password": "{{password}}"}},
             "assert": [{"path": "$.headers.authorization", "equals": "Basic nope"}]}
            """#)
        d.write("audit/03-apikey-query.json", #"""
            {"url": "{{instance}}/get", "auth": {"apikey": {"query": "api_key", "value": "{{api_key}}"}},
             "assert": [{"path": "$.args.api_key", "equals": "nope"}, {"path": "$.url", "contains": "nope"}]}
            """#)
        d.write("audit/04-apikey-header.json", #"""
            {"url": "{{instance}}/headers", "auth": {"apikey": {"header": "X-Api-Key", "value": "{{api_key}}"}},
             "assert": [{"path": "$.headers['x-api-key']", "equals": "nope"}]}
            """#)
        d.write("audit/05-body.json", #"""
            {"url": "{{instance}}/post", "json": {"secret": "{{sv}}", "token": "{{token}}", "both": "{{sv}}:{{password}}"},
             "headers": {"X-Secret": "{{sv}}"},
             "assert": [{"path": "$.json.secret", "equals": "nope"}, {"path": "$.data", "contains": "nope"}],
             "capture": {"echoed": {"path": "$.json.token", "secret": true}}}
            """#)
        d.write("audit/06-uses-capture.json", #"""
            {"url": "{{instance}}/get", "query": {"e": "{{echoed}}", "f": "{{sv}}"}, "assert": [{"path": "$.args.e", "equals": "{{sv}}"}]}
            """#)
        d.write("audit/07-error.json", #"""
            {"url": "http://127.0.0.1:9/{{sv}}?t={{token}}", "assert": [{"status": 200}]}
            """#)
        d.write("audit/08-scripts.json", #"""
            {"url": "{{instance}}/get", "scripts": {"pre_request": "08.prerequest.js", "test": "08.test.js"}}
            """#)
        d.write("audit/08.prerequest.js", """
            console.log('token is', pm.variables.get('token'), 'and the password', pm.variables.get('password'));
            pm.request.headers.add({key: 'X-From-Script', value: pm.variables.get('sv')});
            """)
        d.write("audit/08.test.js", """
            console.log('api key', pm.variables.get('api_key'));
            console.warn(JSON.stringify({all: [pm.variables.get('token'), pm.variables.get('sv')]}));
            pm.test('mentions the secret', function () { pm.expect(pm.variables.get('sv')).to.equal('nope'); });
            pm.test('mentions the token', function () { pm.expect(pm.response.text()).to.include(pm.variables.get('token')); });
            pm.sendRequest({url: pm.variables.get('instance') + '/headers', header: [
                {key: 'Authorization', value: 'Bearer ' + pm.variables.get('token')}, {key: 'X-Key', value: pm.variables.get('api_key')}]},
              function (err, res) {
                console.log('sent back', res.text());
                pm.test('sendRequest echo', function () { pm.expect(res.json().headers['x-key']).to.equal('nope'); });
              });
            throw new Error('boom ' + pm.variables.get('password'));
            """)
        return d.path + "/audit"
    }

    @Test func theHardCollectionLeaksNothingInAnyOutputOrForm() async throws {
        let d = TempDir()
        let c = Self.hardCollection(d)
        let (r, texts) = try await Self.auditedRun(["run", c, "--mock"] + Self.secretFlags)
        // The run really failed on them (so the values were in play), and wrote every report.
        #expect(r.status == 3, "\(r.output)")
        #expect(r.stdout.contains("***"))
        #expect(r.stdout.contains("token is *** and the password ***"), "\(r.stdout)")
        for ext in ["junit.xml", "json", "html", "md", "tap", "step-summary.md"] {
            #expect(texts.contains { $0.0.hasSuffix(ext) }, "no \(ext)")
        }
        let found = Self.findings(in: texts)
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")

        let (dry, dryTexts) = try await Self.auditedRun(["run", c, "--mock", "--dry-run"] + Self.secretFlags)
        #expect(dry.status == 0 || dry.status == 3, "\(dry.output)")
        #expect(dry.stdout.contains("curl "))
        let dryFound = Self.findings(in: dryTexts)
        #expect(dryFound.isEmpty, "\(dryFound.joined(separator: "\n"))")
    }

    @Test func everyCollectionOfTheRepositoryLeaksNothing() async throws {
        let root = repoRoot + "/collections"
        var paths = ExampleCollectionTests.examples.map { "\(root)/examples/\($0)" }
        paths += ExampleCollectionTests.sonarCollections.map { "\(root)/\($0)" }
        paths.append("\(root)/postman/sonar.postman_collection.json")
        #expect(paths.count >= 14)
        var leaks: [String] = []
        for path in paths {
            let (_, texts) = try await Self.auditedRun(["run", path, "--mock"] + Self.secretFlags)
            leaks += Self.findings(in: texts).map { "\(path): \($0)" }
        }
        #expect(leaks.isEmpty, "\(leaks.joined(separator: "\n"))")
    }

    @Test func everyPostmanCollectionOfTheCorpusLeaksNothing() async throws {
        var leaks: [String] = []
        try await withMock { base in
            for file in corpusCollections {
                let work = TempDir()
                work.write("test.json", #"{"stand-in": true}"#)
                work.write("sample.txt", "stand-in\n")
                let (r, texts) = try await Self.auditedRun(["run", "\(postmanCorpus)/\(file)", "--timeout-request", "5000"] + rewrites(to: base) + Self.secretFlags,
                                                           in: work.path)
                // Refused files (not collections) are fine; a crash is not.
                #expect([0, 1, 2, 3].contains(r.status), "\(file): \(r.status)")
                leaks += Self.findings(in: texts).map { "\(file): \($0)" }
            }
        }
        #expect(leaks.isEmpty, "\(leaks.joined(separator: "\n"))")
    }
}

private extension String {
    /// `%2F` → `%2f`, for the lowercase-hex form of percent-encoding.
    func lowercasedPercentEscapes() -> String {
        var out = ""
        var rest = self[...]
        while let r = rest.range(of: "%") {
            out += rest[..<r.lowerBound]
            let after = rest[r.upperBound...]
            out += "%" + after.prefix(2).lowercased()
            rest = after.dropFirst(2)
        }
        return out + rest
    }
}
