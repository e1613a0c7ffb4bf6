import Foundation
import Testing

@testable import FathomCore

/// The URL normaliser, iteration data, text decoding, scopes, dynamic values and
/// the signers: the pieces the Postman front end relies on.
@Suite struct URLNormalizerTests {
    // Expected values are the URLs postman-echo reports for Newman's whatwg-url fixture.
    @Test(arguments: [
        ("https://postman-echo.com/get?foo=\nbar\n", "https://postman-echo.com/get?foo=%0Abar%0A"),
        ("https:\\\\postman-echo.com/get", "https://postman-echo.com/get"),
        ("https://postman-echo.com/get???&hl=en&src=api&x=2&y=2&z=3&s=", "https://postman-echo.com/get???&hl=en&src=api&x=2&y=2&z=3&s="),
        ("https://postman-echo.com/get?foo=bar&&&bar=baz", "https://postman-echo.com/get?foo=bar&&&bar=baz"),
        ("https://postman-echo.com/get?", "https://postman-echo.com/get?"),
        ("https://postman-echo.com/get?&&", "https://postman-echo.com/get?&&"),
        ("https://postman-echo.com/get?get&=bar&=&baz=&&", "https://postman-echo.com/get?get&=bar&=&baz=&&"),
        ("https://postman-echo.com/get?q=%231%23&x%26y=2&b%23a%26r", "https://postman-echo.com/get?q=%231%23&x%26y=2&b%23a%26r"),
        ("127.1:4041", "http://127.0.0.1:4041/"),
        ("http://localhost:4041/foo/%2a/%F0%9F%8D%AA", "http://localhost:4041/foo/%2a/%F0%9F%8D%AA"),
        ("http://localhost:4041/𝌆/й", "http://localhost:4041/%F0%9D%8C%86/%D0%B9"),
        ("http://localhost:4041?q=𝌆й", "http://localhost:4041/?q=%F0%9D%8C%86%D0%B9"),
        ("http://LOCALHOST:4041/ /\"/</>/`/{/}/|", "http://localhost:4041/%20/%22/%3C/%3E/%60/%7B/%7D/|"),
        ("http://h/p?q=\"'<=>!$%()*+,", "http://h/p?q=%22%27%3C=%3E!$%()*+,"),
        ("https://us@r:p@ssword@postman-echo.com/get", "https://us%40r:p%40ssword@postman-echo.com/get"),
        ("HTTPS:///example.com//a", "https://example.com//a"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("http://h/a#frag ment", "http://h/a#frag%20ment"),
    ])
    func normalizesLikeBrowsersAndPostman(_ input: String, _ expected: String) {
        #expect(URLNormalizer.normalize(input) == expected)
    }

    @Test func unresolvedTemplatesAreNotSplit() {
        let c = URLNormalizer.parse("{{p://}}://{{@}}:{{###}}@{{host.name}}:{{:p}}/{{f/o/o}}?{{?}}={{&}}")
        #expect(c.scheme == "{{p://}}")
        #expect(c.user == "{{@}}")
        #expect(c.password == "{{###}}")
        #expect(c.host == "{{host.name}}")
        #expect(c.port == "{{:p}}")
        #expect(c.path == ["{{f/o/o}}"])
        #expect(c.query == ["{{?}}={{&}}"])
    }

    @Test func ipv4Shorthands() {
        #expect(URLNormalizer.ipv4Shorthand("127.1") == "127.0.0.1")
        #expect(URLNormalizer.ipv4Shorthand("0x7f.1") == "127.0.0.1")
        #expect(URLNormalizer.ipv4Shorthand("3232235777") == "192.168.1.1")
        #expect(URLNormalizer.ipv4Shorthand("1.example") == nil)
        #expect(URLNormalizer.ipv4Shorthand("256.1.1.1") == nil)
    }
}

@Suite struct IterationDataTests {
    @Test func newmansCSVFixtureReadsAsNewmanDoes() throws {
        let path = "\(repoRoot)/../shared/corpus/postman/postmanlabs__newman__comma-test-csv.postman_data.csv"
        let rows = try IterationData.load(path)
        try #require(rows.count == 1)
        let r = rows[0]
        #expect(r["nameWithComma"] == "Abhijit, Kane")
        #expect(r["nameWithDoubleQuotes"] == "Abhijit \"KDOS\" Kane")
        #expect(r["numberWithQuotes"] == "00123")  // quoted: stays a string
        #expect(r["numberWithoutQuotes"] == .integer(7890))
        #expect(r["negativeNumberWithoutQuotes"] == .integer(-7890))
        #expect(r["nullValue"] == "")
        #expect(r["longNumber"] == "89111702272002019559")
        #expect(r["spaceAfterComma"] == "foo")  // header and value trimmed around the quotes
        #expect(r["spaceBeforeComma"] == "bar")
        #expect(r["nameWithUnescapedQuotes"] == "Abhijit \"KDOS\" Kane")
    }

    @Test func quotedNewlinesCommasAndTypes() throws {
        let d = TempDir()
        let f = d.write("d.csv", "a,b,c,d\r\n\"x,\ny\",2.5,007,true\n\n\"q\"\"q\",-1,1e3,\"3\"\n")
        let rows = try IterationData.load(f)
        #expect(rows.count == 2)
        #expect(rows[0]["a"] == "x,\ny")
        #expect(rows[0]["b"] == .double(2.5))
        #expect(rows[0]["c"] == "007")  // not written the way JSON writes numbers back
        #expect(rows[0]["d"] == "true")  // only numbers are typed, as Newman does
        #expect(rows[1]["a"] == "q\"q")
        #expect(rows[1]["b"] == .integer(-1))
        #expect(rows[1]["c"] == "1e3")
        #expect(rows[1]["d"] == "3")
    }

    @Test func raggedRowsAreErrorsWithTheirLine() {
        let d = TempDir()
        let f = d.write("d.csv", "a,b\n1,2\n1,2,3\n4\n")
        do {
            _ = try IterationData.load(f)
            Issue.record("a ragged CSV must not load")
        } catch {
            let text = error.description
            #expect(text.contains("d.csv:3:1: error: this row has 3 fields but the header has 2 (a, b)"))
            #expect(text.contains("d.csv:4:1: error: this row has 1 field but the header has 2"))
        }
    }

    @Test func jsonRowsMustBeObjects() {
        let d = TempDir()
        let f = d.write("d.json", #"[{"a": 1}, 2]"#)
        #expect(throws: LoadError.self) { try IterationData.load(f) }
        let g = d.write("e.json", #"{"a": 1}"#)
        do { _ = try IterationData.load(g) } catch { #expect(error.description.contains("must be a JSON array of objects")) }
        let h = d.write("unterminated.csv", "a\n\"open\n")
        do { _ = try IterationData.load(h) } catch { #expect(error.description.contains("never closed")) }
    }
}

@Suite struct TextDecodingTests {
    @Test func bomAndUTF16() {
        #expect(TextDecoding.utf8(Data([0xEF, 0xBB, 0xBF, 0x7B, 0x7D]))?.bytes == [0x7B, 0x7D])
        let le = Data([0xFF, 0xFE] + Array("{\"é\":1}".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        #expect(TextDecoding.utf8(le).map { String(decoding: $0.bytes, as: UTF8.self) } == "{\"é\":1}")
        #expect(TextDecoding.utf8(le)?.encoding == .utf16LE)
        let beNoBOM = Data(Array("{}".utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
        #expect(TextDecoding.utf8(beNoBOM)?.bytes == Array("{}".utf8))
        // An unpaired surrogate does not decode.
        #expect(TextDecoding.utf8(Data([0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00])) == nil)
    }
}

@Suite struct ScopeAndDynamicValueTests {
    @Test func scopesResolveInTheDocumentedOrder() {
        var config = RunConfiguration()
        var globals = EnvironmentValues(name: "g")
        globals.variables = ["v": "globals", "g": "globals"]
        var env = EnvironmentValues(name: "e")
        env.variables = ["v": "environment", "e": "environment"]
        config.globals = globals
        config.environment = env
        config.variables = ["v": "cli"]
        let scopes = VariableScopes(collection: ["v": "collection", "c": "collection"], configuration: config)
        var folder = Folder(id: "f", name: "f")
        folder.settings.variables = ["v": "folder", "f": "folder"]
        let root = Folder(id: "", name: "root")
        let lookup = scopes.lookupFunction(folders: [root, folder])
        #expect(lookup("v") == "cli")
        scopes.local["v"] = "local"
        #expect(lookup("v") == "local")
        scopes.local = [:]
        scopes.data = ["v": "data"]
        #expect(lookup("v") == "cli")
        #expect(lookup("g") == "globals")
        #expect(lookup("c") == "collection")
        #expect(lookup("f") == "folder")
        #expect(lookup("e") == "environment")
        // Without --var, data outranks the environment, which outranks folders, the collection and globals.
        let plain = VariableScopes(collection: ["v": "collection"], configuration: { var c = config; c.variables = [:]; return c }())
        plain.data = ["v": "data"]
        #expect(plain.lookupFunction(folders: [root, folder])("v") == "data")
        plain.data = [:]
        #expect(plain.lookupFunction(folders: [root, folder])("v") == "environment")
    }

    @Test func postmansDynamicVariables() throws {
        #expect(DynamicValues.names.count >= 100)
        let d = DynamicValues(seed: 42, fixedTime: 1_700_000_000)
        #expect(d.value("$timestamp") == .integer(1_700_000_000))
        #expect(d.value("$isoTimestamp") == "2023-11-14T22:13:20.000Z")
        let guid = try #require(d.value("$guid")?.stringValue)
        #expect(Formats.check("uuid", guid))
        let n = try #require(d.value("$randomInt")?.intValue)
        #expect((0...1000).contains(n))
        #expect(Formats.check("email", try #require(d.value("$randomEmail")?.stringValue)))
        #expect(Formats.check("ipv4", try #require(d.value("$randomIP")?.stringValue)))
        #expect(try #require(d.value("$randomHexColor")?.stringValue).count == 7)
        #expect(d.value("$randomNoSuchThing") == nil)
        // Seeded: the same sequence again.
        let a = DynamicValues(seed: 9), b = DynamicValues(seed: 9)
        for name in ["$guid", "$randomFullName", "$randomCity", "$randomPrice", "$randomLoremSentence"] {
            #expect(a.value(name) == b.value(name))
        }
    }

    @Test func unknownDynamicVariableSuggestsTheNearOne() {
        let t = Template(lookup: { _ in nil })
        do {
            _ = try t.resolveString("{{$randomEmial}}", at: "/url")
            Issue.record("must not resolve")
        } catch {
            #expect(error.description.contains("did you mean '{{$randomEmail}}'?"))
        }
    }

    @Test func keepUnresolvedLeavesTheTextAndRecordsTheName() throws {
        let t = Template(lookup: { $0 == "a" ? "A" : nil }, keepUnresolved: true)
        #expect(try t.resolveString("{{a}}/{{b}}/{{ c }}", at: "") == "A/{{b}}/{{c}}")
        #expect(try t.resolve("{{b}}", at: "") == "{{b}}")
        #expect(t.unresolved?.names == ["b", "c"])
    }
}

@Suite struct SignerTests {
    /// The example of RFC 5849 §1.2 (printer.example.com), signed with HMAC-SHA1.
    @Test func oauth1MatchesRFC5849() throws {
        let auth = OAuth1Auth(
            consumerKey: "dpf43f3p2l4k3l03", consumerSecret: "kd94hf93k423kf44", token: "nnch734d00sl2jdk",
            tokenSecret: "pfkkdhi9sl3r4s00", signatureMethod: "HMAC-SHA1", timestamp: "1191242096", nonce: "kllo9940pd9333jh",
            version: "1.0", placement: .header)
        let signer = OAuth1Signer(auth: auth, hashing: TestHashing(), dynamic: .system)
        guard case .header(let h) = try signer.sign(method: "GET", url: "http://photos.example.net/photos?file=vacation.jpg&size=original", form: nil, isFormBody: false) else {
            Issue.record("expected a header")
            return
        }
        #expect(h.contains("oauth_signature=\"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D\""))
        #expect(h.hasPrefix("OAuth oauth_consumer_key=\"dpf43f3p2l4k3l03\""))
    }

    /// The example of the Hawk specification's README (GET /resource/1?b=1&a=2 on example.com:8000).
    @Test func hawkMatchesTheSpecificationExample() throws {
        let auth = HawkAuth(id: "dh37fgj492je", key: "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn", algorithm: "sha256", ext: "some-app-ext-data", nonce: "j4h3g2", timestamp: "1353832234")
        let header = try HawkSigner(auth: auth, hashing: TestHashing(), dynamic: .system)
            .header(method: "GET", url: "http://example.com:8000/resource/1?b=1&a=2", payload: nil, contentType: nil)
        #expect(header == "Hawk id=\"dh37fgj492je\", ts=\"1353832234\", nonce=\"j4h3g2\", ext=\"some-app-ext-data\", mac=\"6R4rV5iE+NPoym+WwjeHzjAGXUtLNIxmo1vpMofpLAE=\"")
    }
}

/// SHA-1 and SHA-256 HMAC through `/usr/bin/openssl`, so the core's tests need no C module.
struct TestHashing: Hashing {
    func hash(_ algorithm: HashAlgorithm, _ data: [UInt8]) -> [UInt8] { openssl(["dgst", "-\(algorithm.rawValue)", "-binary"], data) }
    func hmac(_ algorithm: HashAlgorithm, key: [UInt8], data: [UInt8]) -> [UInt8] {
        openssl(["dgst", "-\(algorithm.rawValue)", "-binary", "-mac", "HMAC", "-macopt", "hexkey:" + hexEncode(key)], data)
    }
    private func openssl(_ args: [String], _ input: [UInt8]) -> [UInt8] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = args
        let inPipe = Pipe(), outPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        try? p.run()
        inPipe.fileHandleForWriting.write(Data(input))
        try? inPipe.fileHandleForWriting.close()
        let out = outPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return [UInt8](out)
    }
}

@Suite struct RetryAfterTests {
    @Test func secondsAndHTTPDates() {
        #expect(RetryAfter.delayMs("2", now: 0) == 2000)
        #expect(RetryAfter.delayMs(" 0 ", now: 0) == 0)
        #expect(RetryAfter.delayMs("99999999999999999999999", now: 0).map { $0 > 1e20 } == true)
        // 1994-11-06T08:49:37Z is 784111777; asked 30 s before it.
        #expect(RetryAfter.delayMs("Sun, 06 Nov 1994 08:49:37 GMT", now: 784_111_747) == 30_000)
        #expect(RetryAfter.delayMs("Sunday, 06-Nov-94 08:49:37 GMT", now: 784_111_777) == 0)
        #expect(RetryAfter.delayMs("Sun Nov  6 08:49:37 1994", now: 784_111_787) == 0)
        #expect(RetryAfter.delayMs("-1", now: 0) == nil)
        #expect(RetryAfter.delayMs("1.5", now: 0) == nil)
        #expect(RetryAfter.delayMs("soon", now: 0) == nil)
        #expect(RetryAfter.delayMs("", now: 0) == nil)
    }

    @Test func describedForMessages() {
        #expect(RetryAfter.describe(ms: 250) == "250 ms")
        #expect(RetryAfter.describe(ms: 2000) == "2 s")
        #expect(RetryAfter.describe(ms: 1500) == "1.5 s")
        #expect(RetryAfter.describe(ms: 3_600_000) == "60 min")
        #expect(RetryAfter.describe(ms: .infinity) == "forever")
    }
}

@Suite struct ShardPlanTests {
    static func unit(_ weight: Int) -> ShardPlan.Unit {
        ShardPlan.Unit(kind: .requests(Array(0..<weight)), weight: weight, label: "u")
    }

    @Test func heaviestFirstToTheLightestShardSameEveryTime() {
        let units = [[Self.unit(5), Self.unit(1), Self.unit(3)], [Self.unit(3), Self.unit(2)]]
        let owners = ShardPlan.assign(units, count: 2)
        // 5 → 1; 3 (first) → 2; 3 → 2 (3 < 5); 2 → 1 (5 < 6); 1 → 1 (7 vs 6 → 2).
        #expect(owners == [[1, 2, 2], [2, 1]])
        #expect(ShardPlan.assign(units, count: 2) == owners)
        // Loads: shard 1 = 5 + 2 = 7, shard 2 = 1 + 3 + 3 = 7.
        var load = [0, 0]
        for (c, list) in owners.enumerated() { for (u, s) in list.enumerated() { load[s - 1] += units[c][u].weight } }
        #expect(load == [7, 7])
        // More shards than units: every unit in its own shard, the rest empty.
        #expect(ShardPlan.assign([[Self.unit(1), Self.unit(1)]], count: 4) == [[1, 2]])
    }

    @Test func fingerprintsChangeWithThePlan() {
        let a = ShardPlan.fingerprint(names: ["A"], units: [[Self.unit(2)]], count: 2)
        #expect(a.count == 16)
        #expect(a == ShardPlan.fingerprint(names: ["A"], units: [[Self.unit(2)]], count: 2))
        #expect(a != ShardPlan.fingerprint(names: ["B"], units: [[Self.unit(2)]], count: 2))
        #expect(a != ShardPlan.fingerprint(names: ["A"], units: [[Self.unit(3)]], count: 2))
        #expect(a != ShardPlan.fingerprint(names: ["A"], units: [[Self.unit(2)]], count: 3))
    }

    @Test func shardSyntax() {
        #expect((try? Shard.parse("2/5").get()) == Shard(index: 2, count: 5))
        #expect((try? Shard.parse(" 1 / 1 ").get()) == Shard(index: 1, count: 1))
        for bad in ["3/2", "0/4", "x", "1/0", "1/1001", "1/2/3", "/2", "-1/2"] {
            #expect((try? Shard.parse(bad).get()) == nil, "\(bad)")
        }
    }

    @Test func scriptsThatSetOrReadValuesLinkUnits() {
        var sets = Set<String>(), uses = Set<String>()
        ShardPlan.Values.scan(#"pm.environment.set("session", x); pm.collectionVariables.set('other', 1); var t = pm.variables.get(`token`); postman.setEnvironmentVariable("legacy", 2)"#, sets: &sets, uses: &uses)
        #expect(sets == ["session", "other", "legacy"])
        #expect(uses == ["token"])
    }
}

@Suite struct PlainHTTPAuthTests {
    @Test func loopbackHosts() {
        for host in ["localhost", "LOCALHOST", "api.localhost", "127.0.0.1", "127.1.2.3", "[::1]", "::1", "0.0.0.0", "::ffff:127.0.0.1", "localhost."] {
            #expect(PlainHTTPAuth.isLoopback(host), "\(host)")
        }
        for host in ["example.com", "10.0.0.1", "192.168.1.1", "127.0.0.1.example.com", "localhost.example.com", "128.0.0.1", "[::2]", ""] {
            #expect(!PlainHTTPAuth.isLoopback(host), "\(host)")
        }
    }

    @Test func onlyPlainHTTPToAnotherHostIsRefused() {
        #expect(PlainHTTPAuth.refusal(url: "https://sonar.example.com/api/graphql", carrying: "a bearer token") == nil)
        #expect(PlainHTTPAuth.refusal(url: "http://127.0.0.1:8484/api/graphql", carrying: "a bearer token") == nil)
        #expect(PlainHTTPAuth.refusal(url: "HTTP://sonar.example.com/api/graphql", carrying: "a bearer token")
            == "refusing to send a bearer token over plain http:// to sonar.example.com: anyone on the network path could read it. Use https://, or --allow-insecure-auth if this instance really is reached without TLS")
    }
}
