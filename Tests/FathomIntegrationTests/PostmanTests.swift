import FathomCore
import FathomMock
import Foundation
import Testing

/// The Postman corpus (`../shared/corpus/postman/`) through the real binary, libcurl
/// and the embedded instance on loopback.
let postmanCorpus = repoRoot + "/../shared/corpus/postman"

func corpusFiles() -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: postmanCorpus)) ?? []).filter { $0.hasSuffix(".json") || $0.hasSuffix(".csv") }.sorted()
}

/// Newman's 17 integration fixtures, by base name (`postmanlabs__newman__X.postman_collection.json`).
let newmanFixtures: [String] = corpusFiles().compactMap { f in
    guard f.hasPrefix("postmanlabs__newman__"), f.hasSuffix(".postman_collection.json") else { return nil }
    return String(f.dropFirst("postmanlabs__newman__".count).dropLast(".postman_collection.json".count))
}

/// Every Postman collection of the corpus (environments, globals, data and options left out).
let corpusCollections: [String] = corpusFiles().filter { f in
    guard f.hasSuffix(".json"), !f.contains("postman_environment"), !f.contains("postman_globals"), !f.contains("postman_data"), !f.contains("postman_config") else { return false }
    return true
}

/// Starts the embedded instance in the test process on a free port.
func withMock<T>(_ body: (String) async throws -> T) async throws -> T {
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

/// Every public host the corpus talks to, pointed at the embedded instance.
func rewrites(to base: String) -> [String] {
    ["https://postman-echo.com", "http://postman-echo.com", "https://httpbin.org", "http://httpbin.org", "https://expired.badssl.com",
     "http://echo.postman.com", "https://echo.postman.com"]
        .flatMap { ["--rewrite", "\($0)=\(base)"] }
}

/// The JSON report a run wrote.
func readReport(_ dir: String) throws -> JSON {
    let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".json") }
    let file = try #require(files.first, "no JSON report in \(dir)")
    return try JSONParser.parse(try #require(FileManager.default.contents(atPath: dir + "/" + file)))
}

/// The curl lines of a dry run (comments dropped).
func curlLines(_ output: String) -> [String] {
    output.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
}

@Suite(.serialized) struct PostmanCorpusTests {
    /// Collections load; environments, globals, data and Newman's option files are
    /// refused as collections with what they look like and where they go.
    @Test(arguments: corpusFiles())
    func everyFileLoadsOrIsRejectedClearly(_ file: String) async throws {
        let r = try await runFathom(["validate", "\(postmanCorpus)/\(file)"])
        if corpusCollections.contains(file) {
            #expect(r.status == 0, "\(r.output)")
            #expect(r.stdout.contains("valid:"), "\(r.output)")
        } else {
            #expect(r.status == 2, "\(r.output)")
            #expect(r.stderr.contains("1:1: error: this looks like "), "\(r.output)")
            #expect(r.stderr.contains("-e/--env") || r.stderr.contains("-g/--globals") || r.stderr.contains("-d/--data") || r.stderr.contains("as flags"), "\(r.output)")
        }
    }

    @Test(arguments: ["helpers", "nestedEntities"])
    func v20AndV21OfTheSameCollectionSendTheSameRequests(_ name: String) async throws {
        let base = "\(postmanCorpus)/postmanlabs__postman-collection-transformer__v"
        // These fixtures send bearer and basic credentials to http://echo.postman.com:
        // without --allow-insecure-auth those requests are refused (in both versions alike).
        let flags = ["--dry-run", "--seed", "3", "--fixed-time", "1700000000", "--allow-insecure-auth"]
        let a = try await runFathom(["run", "\(base)2.0.0-\(name).json"] + flags)
        let b = try await runFathom(["run", "\(base)2.1.0-\(name).json"] + flags)
        #expect(a.status == 0 && b.status == 0, "\(a.output)\(b.output)")
        #expect(!curlLines(a.stdout).isEmpty)
        #expect(curlLines(a.stdout) == curlLines(b.stdout))
    }

    /// Each of Newman's integration fixtures, with its environment, globals, data and
    /// options, passes against the embedded instance as it passes under Newman: every
    /// script runs, zero failed assertions, zero errors. Newman's raw echo server on
    /// port 4041 is a second embedded instance in raw-echo mode, reached with
    /// `--connect-to` so that the `Host` header stays as written.
    @Test(arguments: newmanFixtures)
    func newmanFixturePassesOffline(_ name: String) async throws {
        let prefix = "\(postmanCorpus)/postmanlabs__newman__\(name)"
        var args = ["run", "\(prefix).postman_collection.json", "-r", "json", "--reports-dir"]
        let work = TempDir()
        args.append(work.path + "/reports")
        let fm = FileManager.default
        if fm.fileExists(atPath: "\(prefix).postman_environment.json") { args += ["-e", "\(prefix).postman_environment.json"] }
        if fm.fileExists(atPath: "\(prefix).postman_globals.json") { args += ["-g", "\(prefix).postman_globals.json"] }
        if fm.fileExists(atPath: "\(prefix).postman_data.json") { args += ["-d", "\(prefix).postman_data.json"] }
        if fm.fileExists(atPath: "\(prefix).postman_data.csv") { args += ["-d", "\(prefix).postman_data.csv"] }
        // The fixtures' postman_config.json files, as the flags they stand for.
        if let data = fm.contents(atPath: "\(prefix).postman_config.json"), let run = try JSONParser.parse(data)["run"]?.objectValue {
            if run["insecure"] == true { args.append("--insecure") }
            if let t = run["timeoutRequest"]?.intValue { args += ["--timeout-request", String(t)] }
            if let t = run["timeoutScript"]?.intValue { args += ["--timeout-script", String(t)] }
        }
        // Stand-ins for the files the upload bodies name (not part of the corpus).
        work.write("test.json", #"{"stand-in": true}"#)
        work.write("sample.txt", "stand-in\n")
        var rawConfig = MockConfiguration(host: "127.0.0.1", port: 0)
        rawConfig.rawEcho = true
        let raw = MockServer(configuration: rawConfig)
        let rawPort = try await raw.start()
        defer { Task { await raw.stop() } }
        try await withMock { base in
            let connect = ["--connect-to", "localhost:4041:127.0.0.1:\(rawPort)", "--connect-to", "127.0.0.1:4041:127.0.0.1:\(rawPort)"]
            let r = try await runFathom(args + rewrites(to: base) + connect, in: work.path)
            #expect(r.status == 0, "\(r.output)")
            let report = try readReport(work.path + "/reports")
            let requests = report["requests"]?.arrayValue ?? []
            #expect(!requests.isEmpty, "\(r.output)")
            for req in requests {
                let name = req["qualifiedName"]?.stringValue ?? "?"
                #expect(req["status"] != "error", "request \(name) is an error: \(req["error"]?.stringValue ?? "")")
                for a in req["assertions"]?.arrayValue ?? [] where a["passed"] == false {
                    #expect(Bool(false), "request \(name): \(a["name"]?.stringValue ?? "") failed: \(a["message"]?.stringValue ?? "")")
                }
            }
            #expect((report["skippedScripts"]?.arrayValue ?? []).isEmpty)
        }
    }

    /// For every collection of the corpus, `--dry-run` on the file and on its import
    /// print the same requests.
    @Test(arguments: corpusCollections)
    func importSendsExactlyWhatTheFileSends(_ file: String) async throws {
        let out = TempDir()
        let path = "\(postmanCorpus)/\(file)"
        let imp = try await runFathom(["import", path, "--out", out.path + "/c"], in: out.path)
        #expect(imp.status == 0, "\(imp.output)")
        let fixed = ["--dry-run", "--seed", "11", "--fixed-time", "1700000000"]
        let a = try await runFathom(["run", path] + fixed, in: out.path)
        let b = try await runFathom(["run", out.path + "/c"] + fixed, in: out.path)
        #expect(a.status == b.status, "\(a.output)\n---\n\(b.output)")
        // Every line but the locations of requests that cannot be built (file paths differ).
        func comparable(_ s: String) -> [Substring] { s.split(separator: "\n").filter { !$0.hasPrefix("#   at ") } }
        #expect(comparable(a.stdout) == comparable(b.stdout))
        #expect(a.stdout.hasPrefix("# 1. "))
    }
}

@Suite(.serialized) struct PostmanRunTests {
    func write(_ d: TempDir, _ json: String, name: String = "c.postman_collection.json") -> String {
        d.write(name, json)
    }

    static let v21 = #""info": {"name": "T", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}"#

    @Test func scopesFollowNewmansOrderAndFlags() async throws {
        let d = TempDir()
        let c = write(d, #"""
        {\#(Self.v21), "variable": [{"key": "v", "value": "collection"}, {"key": "c", "value": "collection"}, {"key": "g", "value": "collection"}],
         "item": [{"name": "r", "request": {"url": "http://h.test/{{v}}/{{c}}/{{g}}/{{e}}/{{d}}?ev={{ev}}&gv={{gv}}"}}]}
        """#)
        let env = d.write("e.json", #"{"name": "E", "values": [{"key": "v", "value": "environment"}, {"key": "e", "value": "environment"}]}"#)
        let globals = d.write("g.json", #"[{"key": "v", "value": "globals"}, {"key": "g", "value": "globals"}, {"key": "gg", "value": "x"}]"#)
        let data = d.write("d.json", #"[{"v": "data", "d": "data1"}, {"d": "data2"}]"#)
        let r = try await runFathom(["run", c, "-e", env, "-g", globals, "-d", data, "--env-var", "ev=1", "--global-var", "gv=2", "--dry-run"])
        #expect(r.status == 0, "\(r.output)")
        let lines = curlLines(r.stdout)
        #expect(lines.count == 2)
        // data > environment > collection > globals.
        #expect(lines[0].contains("http://h.test/data/collection/collection/environment/data1?ev=1&gv=2"), "\(lines)")
        #expect(lines[1].contains("http://h.test/environment/collection/collection/environment/data2?ev=1&gv=2"), "\(lines)")
        #expect(r.stdout.contains("# 2. r [iteration 2]"))
    }

    @Test func iterationsRepeatTheLastRowAndNameEveryIteration() async throws {
        let d = TempDir()
        let c = write(d, #"{\#(Self.v21), "item": [{"name": "row", "request": {"url": "{{instance}}/get?id={{id}}"}}]}"#)
        let data = d.write("rows.csv", "id\n1\n\"2\"\n")
        try await withMock { base in
            let r = try await runFathom(["run", c, "-d", data, "-n", "3", "--var", "instance=\(base)", "-r", "console,junit,json", "--reports-dir", d.path + "/r"])
            #expect(r.status == 0, "\(r.output)")
            #expect(r.stdout.contains("3 iterations"))
            #expect(r.stdout.contains("Iteration 3/3"))
            let report = try readReport(d.path + "/r")
            let urls = (report["requests"]?.arrayValue ?? []).compactMap { $0["request"]?["url"]?.stringValue }
            let queries = urls.map { (u: String) -> String in String(u.split(separator: "?").last ?? "") }
            #expect(queries == ["id=1", "id=2", "id=2"])
            let junit = try #require(d.read("r/t.junit.xml"))
            #expect(junit.contains("name=\"row [iteration 1]\"") && junit.contains("name=\"row [iteration 3]\""))
            #expect(junit.contains("classname=\"T.row.iteration-2\""))
        }
    }

    @Test func authKindsAsPostmanSendsThem() async throws {
        let d = TempDir()
        let c = write(d, #"""
        {\#(Self.v21),
         "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{tok}}"}]},
         "variable": [{"key": "tok", "value": "t0k3n-s3cr3t", "type": "secret"}],
         "item": [
          {"name": "bearer replaces a hand-written Authorization", "request": {"url": "{{base}}/headers", "header": [{"key": "Authorization", "value": "Basic old"}]}},
          {"name": "folder", "auth": {"type": "noauth"}, "item": [
            {"name": "noauth inherited", "request": {"url": "{{base}}/headers"}},
            {"name": "apikey in query", "request": {"url": "{{base}}/get", "auth": {"type": "apikey", "apikey": {"key": "api_key", "value": "k-777", "in": "query"}}}},
            {"name": "oauth2 in query", "request": {"url": "{{base}}/get", "auth": {"type": "oauth2", "oauth2": [{"key": "accessToken", "value": "at-1"}, {"key": "addTokenTo", "value": "queryParams"}]}}},
            {"name": "oauth1 verified", "request": {"method": "POST", "url": "{{base}}/oauth1", "body": {"mode": "urlencoded", "urlencoded": [{"key": "a", "value": "b c"}]},
              "auth": {"type": "oauth1", "oauth1": [{"key": "consumerKey", "value": "RKCGzna7bv9YD57c"}, {"key": "consumerSecret", "value": "D+EdQ-gs$-%@2Nu7"}, {"key": "signatureMethod", "value": "HMAC-SHA256"}]}}},
            {"name": "oauth1 in header", "request": {"url": "{{base}}/oauth1?x=1",
              "auth": {"type": "oauth1", "oauth1": {"consumerKey": "RKCGzna7bv9YD57c", "consumerSecret": "D+EdQ-gs$-%@2Nu7", "addParamsToHeader": true, "signatureMethod": "HMAC-SHA1"}}}},
            {"name": "hawk verified", "request": {"url": "{{base}}/auth/hawk", "auth": {"type": "hawk", "hawk": [{"key": "authId", "value": "dh37fgj492je"}, {"key": "authKey", "value": "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn"}, {"key": "algorithm", "value": "sha256"}]}}},
            {"name": "digest", "request": {"url": "{{base}}/digest-auth", "auth": {"type": "digest", "digest": [{"key": "username", "value": "postman"}, {"key": "password", "value": "password"}]}}},
            {"name": "edgegrid is refused", "request": {"url": "{{base}}/get", "auth": {"type": "edgegrid", "edgegrid": []}}}
          ]}
         ]}
        """#)
        try await withMock { base in
            let r = try await runFathom(["run", c, "--var", "base=\(base)", "-r", "json,console", "--reports-dir", d.path + "/r"])
            #expect(r.status == 3, "\(r.output)")  // edgegrid is an error, never sent
            let requests = try readReport(d.path + "/r")["requests"]?.arrayValue ?? []
            func named(_ n: String) -> JSON? { requests.first { $0["name"]?.stringValue == n } }
            let bearer = try #require(named("bearer replaces a hand-written Authorization")?["response"]?["body"]?.stringValue)
            #expect(bearer.contains("\"authorization\":\"Bearer ***\""), "\(bearer)")
            let noauth = named("noauth inherited")?["response"]?["body"]?.stringValue ?? "(none)"
            #expect(noauth.contains("\"host\"") && !noauth.contains("authorization"), "\(noauth)")
            #expect(named("apikey in query")?["request"]?["url"]?.stringValue?.hasSuffix("/get?api_key=***") == true)
            #expect(named("oauth2 in query")?["request"]?["url"]?.stringValue?.hasSuffix("/get?access_token=***") == true)
            #expect(named("oauth1 verified")?["response"]?["status"] == 200, "\(named("oauth1 verified")?["response"]?["body"] ?? nil)")
            #expect(named("oauth1 in header")?["response"]?["status"] == 200, "\(named("oauth1 in header")?["response"]?["body"] ?? nil)")
            #expect(named("hawk verified")?["response"]?["status"] == 200, "\(named("hawk verified")?["response"]?["body"] ?? nil)")
            #expect(named("digest")?["response"]?["status"] == 200)
            let edge = try #require(named("edgegrid is refused"))
            #expect(edge["status"] == "error")
            #expect(edge["request"] == nil)
            #expect(edge["error"]?.stringValue?.contains("auth type 'edgegrid' is not supported") == true)
            #expect(edge["error"]?.stringValue?.contains("c.postman_collection.json:") == true)
            #expect(edge["error"]?.stringValue?.contains("item \"folder/edgegrid is refused\"") == true)
            #expect(!r.output.contains("t0k3n-s3cr3t"))
        }
    }

    @Test func bodiesAndProtocolProfileBehavior() async throws {
        let d = TempDir()
        d.write("up.txt", "file contents")
        let c = write(d, #"""
        {\#(Self.v21), "item": [
          {"name": "raw json", "request": {"method": "POST", "url": "{{base}}/post", "body": {"mode": "raw", "raw": "{\"a\": {{n}}}", "options": {"raw": {"language": "json"}}}}},
          {"name": "urlencoded", "request": {"method": "POST", "url": "{{base}}/post", "body": {"mode": "urlencoded", "urlencoded": [{"key": "k", "value": "v 1"}, {"key": "k", "value": "v2"}, {"key": "off", "value": "x", "disabled": true}]}}},
          {"name": "formdata", "request": {"method": "POST", "url": "{{base}}/post", "body": {"mode": "formdata", "formdata": [{"key": "t", "value": "text", "type": "text"}, {"key": "f", "type": "file", "src": "up.txt"}, {"key": "old", "value": "x", "enabled": false}]}}},
          {"name": "graphql", "request": {"method": "POST", "url": "{{base}}/post", "body": {"mode": "graphql", "graphql": {"query": "query Q($id: ID!) { a(id: $id) }", "variables": "{\"id\": \"{{n}}\"}"}}}},
          {"name": "binary", "request": {"method": "PUT", "url": "{{base}}/put", "body": {"mode": "file", "file": {"src": "up.txt"}}}},
          {"name": "get body pruned", "request": {"method": "GET", "url": "{{base}}/get", "body": {"mode": "raw", "raw": "dropped"}}},
          {"name": "no redirects", "protocolProfileBehavior": {"followRedirects": false}, "request": {"url": "{{base}}/redirect/1"}},
          {"name": "header name key", "request": {"url": "{{base}}/headers", "header": [{"name": "X-Old", "value": "1"}, {"key": "X-Off", "value": "0", "enabled": false}]}}
        ]}
        """#)
        try await withMock { base in
            let r = try await runFathom(["run", c, "--var", "base=\(base)", "--var", "n=5", "-r", "json", "--reports-dir", d.path + "/r", "--working-dir", d.path])
            #expect(r.status == 0, "\(r.output)")
            let requests = try readReport(d.path + "/r")["requests"]?.arrayValue ?? []
            func body(_ n: String) throws -> JSON {
                try JSONParser.parse(try #require(requests.first { $0["name"]?.stringValue == n }?["response"]?["body"]?.stringValue))
            }
            #expect(try body("raw json")["json"] == ["a": 5])
            #expect(try body("raw json")["headers"]?["content-type"] == "application/json")
            #expect(try body("urlencoded")["form"] == ["k": ["v 1", "v2"]])
            #expect(try body("formdata")["form"] == ["t": "text"])
            #expect(try body("formdata")["files"]?["up.txt"] != nil)
            #expect(try body("graphql")["json"] == ["query": "query Q($id: ID!) { a(id: $id) }", "variables": ["id": "5"]])
            #expect(try body("binary")["data"] == "file contents")
            #expect(try body("get body pruned")["headers"]?["content-length"] == nil)
            let redirect = try #require(requests.first { $0["name"] == "no redirects" })
            #expect(redirect["response"]?["status"] == 302)
            #expect(try body("header name key")["headers"]?["x-old"] == "1")
            #expect(try body("header name key")["headers"]?["x-off"] == nil)
        }
    }

    @Test func cookiesKeptPerRunUnlessDisabled() async throws {
        let d = TempDir()
        let c = write(d, #"""
        {\#(Self.v21), "item": [
          {"name": "set", "request": {"url": "{{base}}/cookies/set?flavour=oat"}},
          {"name": "sent back", "request": {"url": "{{base}}/cookies"}},
          {"name": "not sent", "protocolProfileBehavior": {"disableCookies": true}, "request": {"url": "{{base}}/cookies"}}
        ]}
        """#)
        try await withMock { base in
            let r = try await runFathom(["run", c, "--var", "base=\(base)", "-r", "json", "--reports-dir", d.path + "/r"])
            #expect(r.status == 0, "\(r.output)")
            let requests = try readReport(d.path + "/r")["requests"]?.arrayValue ?? []
            let sent = try JSONParser.parse(try #require(requests[1]["response"]?["body"]?.stringValue))
            #expect(sent["cookies"]?["flavour"] == "oat")
            let notSent = try JSONParser.parse(try #require(requests[2]["response"]?["body"]?.stringValue))
            #expect(notSent["cookies"]?["flavour"] == nil, "\(notSent)")
        }
    }

    @Test func exportEnvironmentAndGlobalsWithSecretsMasked() async throws {
        let d = TempDir()
        let c = write(d, #"{\#(Self.v21), "item": [{"name": "r", "request": {"url": "http://h.test/"}}]}"#)
        let env = d.write("e.json", #"{"name": "Staging", "values": [{"key": "a", "value": "1"}, {"key": "pw", "value": "hunter2-secret", "type": "secret"}]}"#)
        let r = try await runFathom(["run", c, "-e", env, "--env-var", "b=2", "--global-var", "g=3", "--dry-run",
                                     "--export-environment", d.path + "/out/env.json", "--export-globals", d.path + "/out/globals.json"])
        #expect(r.status == 0, "\(r.output)")
        // A dry run sends nothing and exports nothing.
        #expect(d.read("out/env.json") == nil)
        try await withMock { base in
            let c2 = d.write("c2.json", #"{\#(Self.v21), "item": [{"name": "r", "request": {"url": "\#(base)/get"}}]}"#)
            let r2 = try await runFathom(["run", c2, "-e", env, "--env-var", "b=2", "--global-var", "g=3", "-r", "console",
                                          "--export-environment", d.path + "/out/env.json", "--export-globals", d.path + "/out/globals.json"])
            #expect(r2.status == 0, "\(r2.output)")
        }
        let exported = try JSONParser.parse(try #require(d.read("out/env.json")))
        #expect(exported["name"] == "Staging")
        let values = exported["values"]?.arrayValue ?? []
        #expect(values.contains { $0["key"] == "b" && $0["value"] == "2" })
        #expect(values.contains { $0["key"] == "pw" && $0["value"] == "***" && $0["type"] == "secret" })
        #expect(!(d.read("out/env.json") ?? "").contains("hunter2-secret"))
        let globals = try JSONParser.parse(try #require(d.read("out/globals.json")))
        #expect(globals["_postman_variable_scope"] == "globals")
        #expect(globals["values"]?.arrayValue?.contains { $0["key"] == "g" && $0["value"] == "3" } == true)
    }

    @Test func unresolvedVariablesAreSentAsWrittenWithAWarning() async throws {
        let d = TempDir()
        let c = write(d, #"{\#(Self.v21), "item": [{"name": "r", "request": {"url": "{{base}}/get?x={{nope}}"}}]}"#)
        try await withMock { base in
            let r = try await runFathom(["run", c, "--var", "base=\(base)", "-r", "console"])
            #expect(r.status == 0, "\(r.output)")
            #expect(r.stdout.contains("/get?x={{nope}}"), "\(r.stdout)")
            #expect(r.stdout.contains("warning: ") && r.stdout.contains("variable {{nope}} is not defined; sent as written"), "\(r.stdout)")
        }
    }

    @Test func rewriteAndConnectToPointAbsoluteURLsAtTheMock() async throws {
        let d = TempDir()
        let c = write(d, #"""
        {\#(Self.v21), "item": [
          {"name": "rewritten", "request": {"url": "https://api.example.test/v1/get?a=1"}},
          {"name": "connect-to", "request": {"url": "http://named.example.test:9999/get"}},
          {"name": "redirect rewritten", "request": {"url": "https://api.example.test/v1/redirect-to?url=https://api.example.test/v1/get%3Fhop%3D1"}}
        ]}
        """#)
        try await withMock { base in
            let port = base.components(separatedBy: ":").last!
            let r = try await runFathom(["run", c, "--rewrite", "https://api.example.test/v1=\(base)", "--connect-to", "named.example.test:9999:127.0.0.1:\(port)", "-r", "json", "--reports-dir", d.path + "/r"])
            #expect(r.status == 0, "\(r.output)")
            let requests = try readReport(d.path + "/r")["requests"]?.arrayValue ?? []
            #expect(requests[0]["request"]?["url"]?.stringValue == "\(base)/get?a=1")
            let echoed = try JSONParser.parse(try #require(requests[1]["response"]?["body"]?.stringValue))
            #expect(echoed["headers"]?["host"] == "named.example.test:9999")
            let hop = try JSONParser.parse(try #require(requests[2]["response"]?["body"]?.stringValue))
            #expect(hop["args"]?["hop"] == "1", "\(hop)")
        }
    }

    @Test func dryRunPrintsCurlLinesWithSecretsMasked() async throws {
        let d = TempDir()
        let c = write(d, #"""
        {\#(Self.v21), "auth": {"type": "basic", "basic": [{"key": "username", "value": "ada"}, {"key": "password", "value": "pa55-w0rd-xyz"}]},
         "item": [{"name": "post", "request": {"method": "POST", "url": "https://api.example.test/x?key={{k}}", "body": {"mode": "raw", "raw": "line1\nline2 {{k}}"}}}]}
        """#)
        let r = try await runFathom(["run", c, "--dry-run", "--secret", "k=s3cr3t-k3y", "--timeout-request", "1500", "-k"])
        #expect(r.status == 0, "\(r.output)")
        let lines = curlLines(r.stdout)
        #expect(lines.count == 1)
        #expect(lines[0].hasPrefix("curl -X POST 'https://api.example.test/x?key=***' -H 'Authorization: ***'"), "\(lines)")
        #expect(lines[0].contains("--data-raw $'line1\\nline2 ***'"), "\(lines)")
        #expect(lines[0].contains("--max-time 1.500") && lines[0].contains(" -k"))
        for secret in ["s3cr3t-k3y", "pa55-w0rd-xyz", Data("ada:pa55-w0rd-xyz".utf8).base64EncodedString()] {
            #expect(!r.output.contains(secret))
        }
    }

    @Test func badInputExitsTwoAndSendsNothing() async throws {
        let d = TempDir()
        let neither = d.write("neither.json", #"{"hello": "world"}"#)
        let truncated = d.write("trunc.json", #"{"info": {"name": "x"}, "item": [{"name": "a", "request": {"url": "http://127.0.0.1:9/"#)
        let collection = d.write("c.json", #"{\#(Self.v21), "item": [{"name": "a", "request": "http://127.0.0.1:9/"}]}"#)
        let notEnv = d.write("notenv.json", #"[{"a": 1}]"#)
        let ragged = d.write("ragged.csv", "a,b\n1\n")
        let cases: [([String], String)] = [
            (["run", neither], "this looks like a JSON object of name → value; expected a Postman collection"),
            (["run", truncated], "the file ends before the JSON does"),
            (["run", collection, "-e", notEnv], "this looks like iteration data"),
            (["run", collection, "-e", collection], "this looks like a Postman collection (v2.1)"),
            (["run", collection, "-d", ragged], "ragged.csv:2:1: error: this row has 1 field but the header has 2"),
            (["run", collection, "-n", "0"], "--iterations (-n) must be at least 1"),
            (["run", collection, "--rewrite", "nothing"], "must be FROM=TO"),
        ]
        for (args, message) in cases {
            let r = try await runFathom(args + ["-r", "console"])
            #expect(r.status == 2, "\(args): \(r.output)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
            // Port 9 refuses connections: had anything been sent, the run would have been an error (3).
            #expect(!r.stdout.contains("connection failed"))
        }
    }

    @Test func importRefusesANonEmptyDirectoryUnlessForced() async throws {
        let d = TempDir()
        let c = d.write("c.json", #"{\#(Self.v21), "event": [{"listen": "test", "script": {"exec": ["pm.test('x', () => {})"]}}], "item": [{"name": "Get It", "request": {"url": "http://h.test/get", "method": "POST", "body": {"mode": "graphql", "graphql": {"query": "{ me { id } }"}}}}]}"#)
        d.write("out/keep.txt", "mine")
        let r = try await runFathom(["import", c, "--out", d.path + "/out"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("exists and is not empty"))
        #expect(d.read("out/keep.txt") == "mine")
        let forced = try await runFathom(["import", c, "--out", d.path + "/out", "--force"])
        #expect(forced.status == 0, "\(forced.output)")
        #expect(d.read("out/keep.txt") == nil)
        #expect(d.read("out/collection.json")?.contains("\"unresolved_variables\": \"keep\"") == true)
        #expect(d.read("out/collection.test.js") == "pm.test('x', () => {})\n")
        #expect(d.read("out/collection.json")?.contains("\"test\": \"collection.test.js\"") == true)
        #expect(d.read("out/01-get-it.graphql") == "{ me { id } }")
        #expect(d.read("out/01-get-it.json")?.contains("\"file\": \"01-get-it.graphql\"") == true)
        let v = try await runFathom(["validate", d.path + "/out"])
        #expect(v.status == 0, "\(v.output)")
        #expect(v.stdout.contains("1 script(s)"))
    }
}

@Suite(.serialized) struct PostmanEdgeCaseTests {
    static let v21 = PostmanRunTests.v21

    /// BOM, UTF-16 and disabled/duplicate keys, seen in what is actually sent.
    @Test func environmentEdgeCasesBehaveAsDescribed() async throws {
        let bom = try await runFathom(["run", "\(postmanCorpus)/postmanlabs__newman__bom-in-environment-file.postman_collection.json",
                                       "-e", "\(postmanCorpus)/postmanlabs__newman__bom-in-environment-file.postman_environment.json", "--dry-run"])
        #expect(bom.status == 0, "\(bom.output)")
        #expect(!bom.stdout.contains("{{"), "\(bom.stdout)")
        let utf16 = try await runFathom(["run", "\(postmanCorpus)/postmanlabs__newman__utf16-le-encoding-in-env.postman_collection.json",
                                         "-e", "\(postmanCorpus)/postmanlabs__newman__utf16-le-encoding-in-env.postman_environment.json", "--dry-run"])
        #expect(utf16.status == 0, "\(utf16.output)")
        #expect(utf16.stdout.contains("serviceHostName=localhost"), "\(utf16.stdout)")
        let d = TempDir()
        let c = d.write("c.json", #"{\#(Self.v21), "item": [{"name": "r", "request": {"url": "http://h.test/?a={{justDisabled}}&b={{oneDisabled}}&c={{duplicate}}"}}]}"#)
        let dup = try await runFathom(["run", c, "-e", "\(postmanCorpus)/postmanlabs__newman__disabled-and-duplicates.postman_environment.json", "--dry-run"])
        #expect(dup.status == 0)
        #expect(dup.stdout.contains("'http://h.test/?a={{justDisabled}}&b=1&c=2'"), "\(dup.stdout)")
        #expect(dup.stderr.contains("variable {{justDisabled}} is not defined"))
    }

    /// Iteration data, folders and dynamic values for Fathom's own collections too.
    @Test func nativeCollectionsTakeDataFoldersAndScripts() async throws {
        let d = TempDir()
        d.write("collection.json", #"{"fathom": 1, "name": "Native data"}"#)
        d.write("01-a/01-echo.json", #"{"url": "{{instance}}/get", "query": {"user": "{{user}}", "n": "{{n}}"}, "assert": [{"path": "$.args.user", "equals": "{{user}}"}], "scripts": {"test": "01-echo.test.js"}}"#)
        d.write("01-a/01-echo.test.js", "pm.test('kept', () => {});\n")
        d.write("02-b/01-other.json", #"{"url": "{{instance}}/get"}"#)
        d.write("data/users.csv", "user,n\nada,1\n\"grace, h\",2\n")
        let r = try await runFathom(["run", d.path, "--mock", "-d", d.path + "/data/users.csv", "--folder", "a", "-r", "console,junit", "--reports-dir", d.path + "/r"])
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stdout.contains("2 iterations"))
        #expect(!r.stdout.contains("script skipped"), "\(r.output)")
        #expect(!r.stdout.contains("other"))
        let junit = try #require(d.read("r/native-data.junit.xml"))
        // The script's pm.test is a testcase in each iteration, next to the native assertion.
        #expect(junit.components(separatedBy: "<testcase name=\"kept\"").count - 1 == 2, "\(junit)")
        let xsd = "\(repoRoot)/../shared/corpus/junit/jenkinsci__xunit-plugin__junit-10.xsd"
        let (status, out) = try shell("/usr/bin/xmllint", ["--noout", "--schema", xsd, d.path + "/r/native-data.junit.xml"])
        #expect(status == 0, "xmllint: \(out)")
    }

    @Test func dynamicVariablesInPostmanRequests() async throws {
        let d = TempDir()
        let c = d.write("c.json", #"{\#(Self.v21), "item": [{"name": "r", "request": {"method": "POST", "url": "http://h.test/{{$randomInt}}", "body": {"mode": "raw", "raw": "{{$randomEmail}} {{$isoTimestamp}} {{$randomFullName}}"}}}]}"#)
        let a = try await runFathom(["run", c, "--dry-run", "--seed", "5", "--fixed-time", "2026-01-01T00:00:00Z"])
        let b = try await runFathom(["run", c, "--dry-run", "--seed", "5", "--fixed-time", "2026-01-01T00:00:00Z"])
        #expect(a.status == 0, "\(a.output)")
        #expect(a.stdout == b.stdout)
        #expect(a.stdout.contains("2026-01-01T00:00:00.000Z"))
        #expect(!a.stdout.contains("{{$"), "\(a.stdout)")
    }
}

@Suite(.serialized) struct PostmanFlagTests {
    static let v21 = PostmanRunTests.v21

    /// AWS SigV4 and NTLM are signed and negotiated by libcurl: what reaches the server.
    @Test func awsSigV4AndNTLMReachTheServer() async throws {
        let d = TempDir()
        let c = d.write("c.json", #"""
        {\#(Self.v21), "item": [
          {"name": "aws", "request": {"url": "{{base}}/headers", "auth": {"type": "awsv4", "awsv4": [{"key": "accessKey", "value": "AKIDEXAMPLE"}, {"key": "secretKey", "value": "wJalrXUtnFEMI-secret"}, {"key": "region", "value": "eu-west-1"}, {"key": "service", "value": "execute-api"}, {"key": "sessionToken", "value": "sess-tok-123"}]}}},
          {"name": "ntlm", "request": {"url": "{{base}}/headers", "auth": {"type": "ntlm", "ntlm": [{"key": "username", "value": "ada"}, {"key": "password", "value": "ntlm-pw-456"}, {"key": "domain", "value": "CORP"}]}}}
        ]}
        """#)
        try await withMock { base in
            let r = try await runFathom(["run", c, "--var", "base=\(base)", "-r", "json", "--reports-dir", d.path + "/r"])
            #expect(r.status == 0, "\(r.output)")
            let requests = try readReport(d.path + "/r")["requests"]?.arrayValue ?? []
            let aws = try JSONParser.parse(try #require(requests[0]["response"]?["body"]?.stringValue))
            let authz = aws["headers"]?["authorization"]?.stringValue ?? ""
            #expect(authz.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), "\(authz)")
            #expect(authz.contains("/eu-west-1/execute-api/aws4_request"), "\(authz)")
            #expect(aws["headers"]?["x-amz-date"] != nil)
            let ntlm = try JSONParser.parse(try #require(requests[1]["response"]?["body"]?.stringValue))
            #expect(ntlm["headers"]?["authorization"]?.stringValue?.hasPrefix("NTLM ") == true, "\(ntlm)")
            for secret in ["wJalrXUtnFEMI-secret", "sess-tok-123", "ntlm-pw-456"] { #expect(!r.output.contains(secret)) }
            #expect(!(try String(contentsOfFile: try #require(FileManager.default.contentsOfDirectory(atPath: d.path + "/r").first.map { d.path + "/r/" + $0 }), encoding: .utf8)).contains("sess-tok-123"))
        }
    }

    @Test func mockBindsInstanceAndTokenForPostmanCollections() async throws {
        let d = TempDir()
        let c = d.write("c.json", #"{\#(Self.v21), "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{token}}"}]}, "item": [{"name": "me", "request": {"url": "{{instance}}/bearer"}}]}"#)
        let r = try await runFathom(["run", c, "--mock", "-r", "json", "--reports-dir", d.path + "/r"])
        #expect(r.status == 0, "\(r.output)")
        let requests = try readReport(d.path + "/r")["requests"]?.arrayValue ?? []
        #expect(requests.first?["response"]?["status"] == 200)
    }

    @Test func delayAndRequestTimeout() async throws {
        let d = TempDir()
        let c = d.write("c.json", #"{\#(Self.v21), "item": [{"name": "a", "request": "{{base}}/get"}, {"name": "b", "request": "{{base}}/get"}, {"name": "slow", "request": "{{base}}/delay/3"}]}"#)
        try await withMock { base in
            let r = try await runFathom(["run", c, "--var", "base=\(base)", "--delay-request", "300", "--timeout-request", "500", "-r", "json", "--reports-dir", d.path + "/r"])
            #expect(r.status == 3, "\(r.output)")
            let report = try readReport(d.path + "/r")
            // Two delays of 300 ms happened before the third request (a lower bound only).
            #expect((report["durationMs"]?.doubleValue ?? 0) >= 600)
            let slow = report["requests"]?.arrayValue?.last
            #expect(slow?["status"] == "error")
            #expect(slow?["error"]?.stringValue?.contains("timed out") == true, "\(slow ?? nil)")
        }
    }
}
