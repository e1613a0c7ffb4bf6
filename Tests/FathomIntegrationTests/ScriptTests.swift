import FathomCore
import FathomMock
import Foundation
import Testing

/// Postman scripts through the real binary: JavaScriptCore, chai, libcurl and the
/// embedded instance on loopback. One test per `pm` feature, the legacy globals, the
/// libraries, bad input, isolation and the reports.

/// A Postman request item with optional pre-request and test scripts.
func scriptItem(
    _ name: String, _ url: String, method: String = "GET", body: String? = nil, header: [(String, String)] = [],
    pre: String? = nil, test: String? = nil, id: String? = nil
) -> JSON {
    var request: JSONObject = ["method": .string(method), "url": .string(url)]
    if !header.isEmpty { request["header"] = .array(header.map { ["key": .string($0.0), "value": .string($0.1)] }) }
    if let body { request["body"] = ["mode": "raw", "raw": .string(body), "options": ["raw": ["language": "json"]]] }
    var o: JSONObject = ["name": .string(name), "request": .object(request)]
    if let id { o["id"] = .string(id) }
    let events = scriptEvents(pre: pre, test: test)
    if !events.isEmpty { o["event"] = .array(events) }
    return .object(o)
}

func scriptEvents(pre: String?, test: String?) -> [JSON] {
    var events: [JSON] = []
    func lines(_ s: String) -> JSON { .array(s.split(separator: "\n", omittingEmptySubsequences: false).map { .string(String($0)) }) }
    if let pre { events.append(["listen": "prerequest", "script": ["type": "text/javascript", "exec": lines(pre)]]) }
    if let test { events.append(["listen": "test", "script": ["type": "text/javascript", "exec": lines(test)]]) }
    return events
}

/// A v2.1 collection named "Scripts" around `items`.
func scriptCollection(_ items: [JSON], pre: String? = nil, test: String? = nil, variables: [(String, String)] = [], extra: JSONObject = [:]) -> String {
    var o: JSONObject = ["info": ["name": "Scripts", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"], "item": .array(items)]
    let events = scriptEvents(pre: pre, test: test)
    if !events.isEmpty { o["event"] = .array(events) }
    if !variables.isEmpty { o["variable"] = .array(variables.map { ["key": .string($0.0), "value": .string($0.1)] }) }
    for k in extra.keys { o[k] = extra[k] }
    return JSON.object(o).serialized()
}

struct ScriptRun {
    var result: ProcessResult
    var report: JSON
    var junit: String
    var requests: [JSON] { report["requests"]?.arrayValue ?? [] }

    func request(_ name: String) -> JSON? { requests.first { $0["name"]?.stringValue == name } }
    /// The named request's assertions, as `name → passed` (skipped ones as nil).
    func tests(_ name: String) -> [(String, Bool?)] {
        (request(name)?["assertions"]?.arrayValue ?? []).map { a in
            (a["name"]?.stringValue ?? "", a["skipped"] == true ? nil : a["passed"] == true)
        }
    }
    func failures() -> [String] {
        requests.flatMap { r in
            (r["assertions"]?.arrayValue ?? []).filter { $0["passed"] == false && $0["skipped"] != true }.map {
                "\(r["name"]?.stringValue ?? ""): \($0["name"]?.stringValue ?? ""): \($0["message"]?.stringValue ?? "")"
            } + (r["error"]?.stringValue.map { ["\(r["name"]?.stringValue ?? ""): error: \($0)"] } ?? [])
        }
    }
}

/// Runs a collection text on `--mock` with JSON and JUnit reports.
func runScripts(_ collection: String, _ extra: [String] = [], files: [String: String] = [:], environment: [String: String] = [:]) async throws -> ScriptRun {
    let d = TempDir()
    let path = d.write("c.postman_collection.json", collection)
    for (name, text) in files { d.write(name, text) }
    let r = try await runFathom(["run", path, "--mock", "-r", "console,json,junit", "--reports-dir", d.path + "/r"] + extra, in: d.path, environment: environment)
    let files = (try? FileManager.default.contentsOfDirectory(atPath: d.path + "/r")) ?? []
    let report = files.first { $0.hasSuffix(".json") }.flatMap { FileManager.default.contents(atPath: d.path + "/r/" + $0) }.flatMap { try? JSONParser.parse($0) } ?? .null
    let junit = files.first { $0.hasSuffix(".xml") }.flatMap { d.read("r/" + $0) } ?? ""
    return ScriptRun(result: r, report: report, junit: junit)
}

@Suite struct ScriptFeatureTests {
    @Test func pmTestAndExpectPassFailSkipAndAsync() async throws {
        let test = """
            pm.test('passes', function () { pm.expect(1 + 1).to.equal(2); });
            pm.test('fails', function () { pm.expect({ a: 1 }).to.deep.equal({ a: 2 }); });
            pm.test.skip('skipped', function () { throw new Error('never'); });
            pm.test('done later', function (done) { setTimeout(function () { pm.expect(true).to.be.true; done(); }, 10); });
            pm.test('done with error', function (done) { setTimeout(function () { done(new Error('late failure')); }, 5); });
            pm.test('promise', function () { return new Promise(function (res) { setTimeout(res, 5); }); });
            pm.test('async arrow', async () => { const v = await Promise.resolve(3); pm.expect(v).to.be.above(2); });
            pm.test('expect.fail', function () { pm.expect.fail('told to'); });
            """
        let run = try await runScripts(scriptCollection([scriptItem("r", "{{instance}}/get", test: test)]))
        #expect(run.result.status == 1, "\(run.result.output)")
        let tests = Dictionary(run.tests("r").map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        #expect(tests["passes"] == .some(true))
        #expect(tests["fails"] == .some(false))
        #expect(tests["skipped"] == .some(nil))
        #expect(tests["done later"] == .some(true))
        #expect(tests["done with error"] == .some(false))
        #expect(tests["promise"] == .some(true))
        #expect(tests["async arrow"] == .some(true))
        #expect(tests["expect.fail"] == .some(false))
        let message = run.request("r")?["assertions"]?.arrayValue?.first { $0["name"] == "fails" }?["message"]?.stringValue ?? ""
        #expect(message.contains("expected { a: 1 } to deeply equal { a: 2 }"), "\(message)")
        // JUnit: one testcase per pm.test, the skipped one <skipped/>.
        #expect(run.junit.contains("<testcase name=\"passes\""), "\(run.junit)")
        #expect(run.junit.contains("<skipped"), "\(run.junit)")
        #expect(run.result.stdout.contains("✔ passes") || run.result.stdout.contains("passes"))
    }

    @Test func pmResponseAndItsAssertions() async throws {
        let test = """
            pm.test('fields', function () {
              pm.expect(pm.response.code).to.equal(200);
              pm.expect(pm.response.status).to.equal('OK');
              pm.expect(pm.response.headers.get('Content-Type')).to.include('application/json');
              pm.expect(pm.response.headers.has('content-type')).to.be.true;
              pm.expect(pm.response.headers.toObject()['x-probe']).to.equal('yes');
              pm.expect(pm.response.responseTime).to.be.a('number');
              pm.expect(pm.response.responseSize).to.be.above(10);
              pm.expect(pm.response.json()['X-Probe']).to.equal('yes');
              pm.expect(pm.response.text()).to.include('X-Probe');
            });
            pm.test('to.have', function () {
              pm.response.to.have.status(200);
              pm.response.to.have.status('OK');
              pm.response.to.have.statusCode(200);
              pm.response.to.have.header('X-Probe');
              pm.response.to.have.header('X-Probe', 'yes');
              pm.response.to.have.body();
              pm.response.to.have.jsonBody();
              pm.response.to.have.jsonBody('X-Probe', 'yes');
              pm.response.to.have.jsonSchema({ type: 'object', required: ['X-Probe'], properties: { 'X-Probe': { type: 'string' } } });
            });
            pm.test('to.be', function () {
              pm.response.to.be.ok;
              pm.response.to.be.success;
              pm.response.to.be.json;
              pm.response.to.be.withBody;
              pm.response.to.not.be.error;
              pm.response.to.not.be.clientError;
              pm.response.to.not.be.serverError;
              pm.expect(pm.response).to.have.status(200);
            });
            pm.test('schema mismatch fails', function () { pm.response.to.have.jsonSchema({ type: 'array' }); });
            pm.test('wrong status fails', function () { pm.response.to.have.status(201); });
            """
        let notFound = """
            pm.test('named statuses', function () {
              pm.response.to.be.notFound;
              pm.response.to.be.clientError;
              pm.response.to.be.error;
              pm.response.to.have.status(404);
              pm.expect(pm.response.code).to.be.oneOf([404]);
            });
            """
        let serverError = "pm.test('5xx', function () { pm.response.to.be.serverError; pm.response.to.be.error; pm.response.to.not.be.ok; });"
        let run = try await runScripts(scriptCollection([
            scriptItem("headers", "{{instance}}/response-headers?X-Probe=yes", test: test),
            scriptItem("missing", "{{instance}}/status/404", test: notFound),
            scriptItem("broken", "{{instance}}/status/500", test: serverError),
        ]))
        #expect(run.tests("headers").map(\.0) == ["fields", "to.have", "to.be", "schema mismatch fails", "wrong status fails"])
        #expect(run.tests("headers").map(\.1) == [true, true, true, false, false], "\(run.failures())")
        #expect(run.tests("missing").map(\.1) == [true], "\(run.failures())")
        #expect(run.tests("broken").map(\.1) == [true], "\(run.failures())")
        let message = run.request("headers")?["assertions"]?.arrayValue?.first { $0["name"] == "wrong status fails" }?["message"]?.stringValue ?? ""
        #expect(message.contains("201") && message.contains("200"), "\(message)")
    }

    @Test func preRequestScriptsChangeWhatIsSent() async throws {
        let pre = """
            pm.request.headers.add({ key: 'X-Added', value: 'one' });
            pm.request.headers.upsert({ key: 'X-Kept', value: 'replaced' });
            pm.request.headers.remove('X-Gone');
            pm.request.url = pm.request.url.toString().replace('/put', '/post') + '?from=script';
            pm.request.method = 'POST';
            pm.request.body.raw = JSON.stringify({ set: 'by script' });
            """
        let test = """
            var j = pm.response.json();
            pm.test('sent as changed', function () {
              pm.expect(j.headers['X-Added'] || j.headers['x-added']).to.equal('one');
              pm.expect(j.headers['X-Kept'] || j.headers['x-kept']).to.equal('replaced');
              pm.expect(j.headers['X-Gone'] || j.headers['x-gone']).to.be.undefined;
              pm.expect(j.args.from).to.equal('script');
              pm.expect(j.json).to.deep.equal({ set: 'by script' });
            });
            pm.test('pm.request in tests', function () {
              pm.expect(pm.request.method).to.equal('POST');
              pm.expect(pm.request.url.toString()).to.include('/post?from=script');
              pm.expect(pm.request.headers.get('X-Added')).to.equal('one');
            });
            """
        let run = try await runScripts(scriptCollection([
            scriptItem("changed", "{{instance}}/put", method: "PUT", body: "{}", header: [("X-Kept", "original"), ("X-Gone", "bye")], pre: pre, test: test)
        ]))
        #expect(run.result.status == 0, "\(run.failures()) \(run.result.output)")
        #expect(run.tests("changed").map(\.1) == [true, true])
        #expect(run.request("changed")?["request"]?["method"] == "POST")
    }

    @Test func variableScopesAcrossRequests() async throws {
        let first = """
            pm.environment.set('envVar', 'from-env');
            pm.globals.set('globalVar', 'from-globals');
            pm.collectionVariables.set('collVar', 'from-collection');
            pm.variables.set('localVar', 'only-here');
            pm.test('scopes', function () {
              pm.expect(pm.environment.get('envVar')).to.equal('from-env');
              pm.expect(pm.environment.has('envVar')).to.be.true;
              pm.expect(pm.collectionVariables.get('preset')).to.equal('p');
              pm.expect(pm.variables.get('localVar')).to.equal('only-here');
              pm.expect(pm.variables.get('collVar')).to.equal('from-collection');
              pm.expect(pm.environment.toObject()).to.include({ envVar: 'from-env' });
              pm.expect(pm.variables.replaceIn('{{envVar}}/{{globalVar}}')).to.equal('from-env/from-globals');
              pm.expect(pm.iterationData.get('user')).to.equal('ada');
              pm.expect(pm.iterationData.toObject()).to.deep.equal({ user: 'ada' });
              pm.environment.set('gone', 'x');
              pm.environment.unset('gone');
              pm.expect(pm.environment.has('gone')).to.be.false;
            });
            // What a script adds to pm stays with its request; the legacy environment is a snapshot.
            pm.helper = 'first';
            environment.snapshotOnly = 'x';
            """
        let second = """
            pm.test('later request sees them', function () {
              pm.expect(pm.response.json().args.v).to.equal('from-env-from-globals-from-collection');
              // As in Newman, pm.variables.set lasts for the rest of the run.
              pm.expect(pm.variables.get('localVar')).to.equal('only-here');
              // --var and what --mock binds resolve through pm.variables, above the environment.
              pm.expect(pm.variables.get('cli')).to.equal('from-command-line');
              pm.expect(pm.variables.get('instance')).to.include('http://127.0.0.1:');
            });
            pm.test('a fresh pm, scopes unchanged by the legacy snapshot', function () {
              pm.expect('helper' in pm).to.be.false;
              pm.expect(pm.environment.has('snapshotOnly')).to.be.false;
            });
            pm.globals.clear();
            pm.test('clear', function () { pm.expect(pm.globals.toObject()).to.deep.equal({}); });
            """
        let run = try await runScripts(
            scriptCollection([
                scriptItem("first", "{{instance}}/get", test: first),
                scriptItem("second", "{{instance}}/get?v={{envVar}}-{{globalVar}}-{{collVar}}", test: second),
            ], variables: [("preset", "p")]), ["-d", "data.json", "--var", "cli=from-command-line"], files: ["data.json": #"[{"user": "ada"}]"#])
        #expect(run.result.status == 0, "\(run.failures()) \(run.result.output)")
        #expect(run.tests("first").map(\.1) == [true])
        #expect(run.tests("second").map(\.1) == [true, true, true])
    }

    @Test func scriptOrderIsCollectionFolderRequest() async throws {
        let folder: JSON = [
            "name": "F", "item": .array([scriptItem("r", "{{instance}}/get", pre: "pm.globals.set('order', pm.globals.get('order') + ',request-pre');",
                                                    test: "pm.globals.set('order', pm.globals.get('order') + ',request-test'); pm.test('order', function () { pm.expect(pm.globals.get('order')).to.equal('collection-pre,folder-pre,request-pre,collection-test,folder-test,request-test'); });")]),
            "event": .array(scriptEvents(pre: "pm.globals.set('order', pm.globals.get('order') + ',folder-pre');", test: "pm.globals.set('order', pm.globals.get('order') + ',folder-test');")),
        ]
        let c = scriptCollection([folder], pre: "if (pm.info.eventName === 'prerequest') pm.globals.set('order', 'collection-pre');",
                                 test: "pm.globals.set('order', pm.globals.get('order') + ',collection-test');")
        let run = try await runScripts(c)
        #expect(run.result.status == 0, "\(run.failures()) \(run.result.output)")
        #expect(run.tests("r").map(\.1) == [true])
    }

    /// Native collections: `"scripts"` at collection, folder and request level run in
    /// that order, the same pm API as in Postman files.
    @Test func nativeScriptsRunCollectionFolderRequest() async throws {
        let d = TempDir()
        d.write("collection.json", #"{"fathom": 1, "name": "Native scripts", "scripts": {"pre_request": "js/root-pre.js", "test": ["js/root-test.js"]}}"#)
        d.write("js/root-pre.js", "pm.environment.set('trail', 'root');\n")
        d.write("js/root-test.js", "pm.environment.set('trail', pm.environment.get('trail') + ',root-test');\n")
        d.write("01-f/folder.json", #"{"scripts": {"pre_request": "pre.js"}}"#)
        d.write("01-f/pre.js", "pm.environment.set('trail', pm.environment.get('trail') + ',folder');\n")
        d.write("01-f/01-r.json", #"{"url": "{{instance}}/get?trail={{trail}}", "assert": [{"status": 200}], "capture": {"seen": "$.args.trail"}, "scripts": {"test": "01-r.test.js"}}"#)
        d.write("01-f/01-r.test.js", "pm.test('sent after the pre-request scripts', () => pm.expect(pm.response.json().args.trail).to.equal('root,folder'));\npm.test('tests after the collection test', () => pm.expect(pm.environment.get('trail')).to.equal('root,folder,root-test'));\npm.test('sees its captures', () => pm.expect(pm.variables.get('seen')).to.equal('root,folder'));\n")
        let r = try await runFathom(["run", d.path, "--mock", "-r", "console"])
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stdout.contains("✔ sent after the pre-request scripts"), "\(r.stdout)")
        #expect(r.stdout.contains("✔ tests after the collection test"), "\(r.stdout)")
        #expect(r.stdout.contains("✔ sees its captures"), "\(r.stdout)")
    }

    /// setNextRequest in a native collection, whose request files are read again
    /// ahead of their turn (RequestPrefetch): a jump past the read-ahead window and
    /// one back before it run the requests named, as their files say.
    @Test func nativeSetNextRequestJumpsAcrossTheReadAhead() async throws {
        let d = TempDir()
        d.write("collection.json", #"{"fathom": 1, "name": "Jumps"}"#)
        for i in 1...80 {
            let name = String(format: "%02d-r%d", i, i)
            var script = ""
            if i == 2 { script = "if (!pm.environment.get('back')) pm.execution.setNextRequest('r70');" }
            if i == 71 { script = "if (!pm.environment.get('back')) { pm.environment.set('back', 'yes'); pm.execution.setNextRequest('r3'); }" }
            if i == 5 { script = "pm.execution.setNextRequest(null);" }
            let scripts = script.isEmpty ? "" : #", "scripts": {"test": "\#(name).test.js"}"#
            d.write(name + ".json", #"{"url": "{{instance}}/get?n=\#(i)", "assert": [{"path": "$.args.n", "equals": "\#(i)"}]\#(scripts)}"#)
            if !script.isEmpty { d.write(name + ".test.js", script + "\n") }
        }
        let reports = TempDir()
        let r = try await runFathom(["run", d.path, "--mock", "-r", "json", "--reports-dir", reports.path])
        #expect(r.status == 0, "\(r.output)")
        let report = try JSONParser.parse(Array(try #require(reports.read("jumps.json")).utf8))
        let names = (report["requests"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        #expect(names == ["r1", "r2", "r70", "r71", "r3", "r4", "r5"])
        #expect((report["requests"]?.arrayValue ?? []).allSatisfy { $0["status"] == "passed" })
    }

    @Test func pmInfoAndCookies() async throws {
        let test = """
            pm.test('info', function () {
              pm.expect(pm.info.requestName).to.equal('cookie');
              pm.expect(pm.info.eventName).to.equal('test');
              pm.expect(pm.info.iteration).to.equal(1);
              pm.expect(pm.info.iterationCount).to.equal(2);
              pm.expect(pm.info.requestId).to.be.a('string');
            });
            pm.test('cookies', function () {
              pm.expect(pm.cookies.has('flavour')).to.be.true;
              pm.expect(pm.cookies.get('flavour')).to.equal('oat');
              pm.expect(pm.cookies.toObject()).to.include({ flavour: 'oat' });
            });
            """
        let run = try await runScripts(scriptCollection([scriptItem("cookie", "{{instance}}/cookies/set?flavour=oat", test: test)]), ["-n", "2"])
        #expect(run.result.status == 1, "\(run.result.output)")
        // Iteration 0 fails the iteration check; iteration 1 passes everything.
        let all = run.requests.map { r in (r["assertions"]?.arrayValue ?? []).map { $0["passed"] == true } }
        #expect(all == [[false, true], [true, true]], "\(run.failures())")
    }

    @Test func sendRequestCallbackAndPromiseThroughFathomsTransport() async throws {
        let test = """
            pm.sendRequest(pm.variables.get('instance') + '/get?via=callback', function (err, res) {
              pm.test('callback', function () {
                pm.expect(err).to.equal(null);
                pm.expect(res.code).to.equal(200);
                pm.expect(res.json().args.via).to.equal('callback');
              });
            });
            pm.test('promise form', async function () {
              const res = await pm.sendRequest({ url: pm.variables.get('instance') + '/post', method: 'POST', header: [{ key: 'X-Probe', value: 'p' }],
                                                 body: { mode: 'raw', raw: JSON.stringify({ a: 1 }), options: { raw: { language: 'json' } } } });
              pm.expect(res.json().json).to.deep.equal({ a: 1 });
              pm.expect(res.json().headers['X-Probe'] || res.json().headers['x-probe']).to.equal('p');
            });
            pm.test('auth', function (done) {
              pm.sendRequest({ url: pm.variables.get('instance') + '/bearer', auth: { type: 'bearer', bearer: [{ key: 'token', value: pm.variables.get('token') }] } }, function (err, res) {
                pm.expect(res.code).to.equal(200);
                console.log('sent token ' + pm.variables.get('token'));
                done();
              });
            });
            pm.sendRequest('http://127.0.0.1:1/refused', function (err, res) {
              pm.test('transport error is err', function () { pm.expect(err).to.not.equal(null); pm.expect(res).to.be.undefined; });
            });
            """
        let run = try await runScripts(scriptCollection([scriptItem("send", "{{instance}}/get", test: test)]), ["--verbose"])
        #expect(run.result.status == 0, "\(run.failures()) \(run.result.output)")
        #expect(Set(run.tests("send").map(\.0)) == ["callback", "promise form", "auth", "transport error is err"])
        #expect(run.tests("send").allSatisfy { $0.1 == true })
        // The token pm.sendRequest used is masked in the console lines.
        #expect(!run.result.output.contains(MockConfiguration.demoToken), "\(run.result.output)")
        #expect(run.result.stdout.contains("sent token ***"), "\(run.result.stdout)")
        #expect((run.request("send")?["console"]?.arrayValue ?? []).contains("sent token ***"))
    }

    @Test func setNextRequestByNameIdAndNullAndTheLoopGuard() async throws {
        let c = scriptCollection([
            scriptItem("one", "{{instance}}/get", test: "pm.execution.setNextRequest('three');"),
            scriptItem("two", "{{instance}}/get"),
            scriptItem("three", "{{instance}}/get", test: "postman.setNextRequest('id-five');"),
            scriptItem("four", "{{instance}}/get"),
            scriptItem("five", "{{instance}}/get", test: "pm.execution.setNextRequest(null);", id: "id-five"),
            scriptItem("six", "{{instance}}/get"),
        ])
        let run = try await runScripts(c)
        #expect(run.result.status == 0, "\(run.result.output)")
        #expect(run.requests.map { $0["name"]?.stringValue ?? "" } == ["one", "three", "five"])
        // A loop that never ends is stopped with a clear error.
        let loop = try await runScripts(scriptCollection([scriptItem("again", "{{instance}}/get", test: "pm.execution.setNextRequest('again');")]))
        #expect(loop.result.status != 0)
        #expect(loop.result.output.contains("setNextRequest"), "\(loop.result.output)")
        #expect(loop.result.output.contains("loop"), "\(loop.result.output)")
    }

    @Test func skipRequestFromAPreRequestScript() async throws {
        let run = try await runScripts(scriptCollection([
            scriptItem("skipped", "{{instance}}/status/500", pre: "pm.execution.skipRequest();", test: "pm.test('never', function () {});"),
            scriptItem("after", "{{instance}}/get", test: "pm.test('ran', function () {});"),
        ]))
        #expect(run.result.status == 0, "\(run.result.output)")
        #expect(run.request("skipped")?["status"] == "skipped")
        #expect(run.request("skipped")?["response"] == nil)
        #expect(run.tests("after").map(\.1) == [true])
    }

    @Test func legacyGlobalsOfTheOldSandbox() async throws {
        let pre = "postman.setEnvironmentVariable('legacy', 'L'); postman.setGlobalVariable('g', 'G');"
        let test = """
            var body = JSON.parse(responseBody);
            tests['responseBody'] = body.args.q === 'L';
            tests['responseCode'] = responseCode.code === 200 && responseCode.name === 'OK';
            tests['responseHeaders'] = responseHeaders['Content-Type'].indexOf('json') > -1;
            tests['responseTime'] = typeof responseTime === 'number';
            tests['environment'] = environment.legacy === 'L' && postman.getEnvironmentVariable('legacy') === 'L';
            tests['globals'] = globals.g === 'G';
            tests['data'] = data.user === 'grace';
            tests['iteration'] = iteration === 0;
            tests['getResponseHeader'] = postman.getResponseHeader('content-type').indexOf('json') > -1;
            tests['lodash'] = _.map([1, 2], function (x) { return x * 2; }).join() === '2,4';
            tests['CryptoJS'] = CryptoJS.MD5('abc').toString() === '900150983cd24fb0d6963f7d28e17f72';
            tests['tv4'] = tv4.validate({ a: 1 }, { type: 'object', required: ['a'] }) && !tv4.validate(1, { type: 'string' }) && /^Invalid type/.test(tv4.error.message);
            tests['cheerio'] = cheerio.load('<p class="x">hi</p>')('.x').text() === 'hi';
            tests['xml2Json'] = xml2Json('<a><b>1</b></a>').a.b === '1';
            tests['false is a failure'] = false;
            postman.clearEnvironmentVariable('legacy');
            tests['cleared'] = postman.getEnvironmentVariable('legacy') === undefined;
            """
        let run = try await runScripts(scriptCollection([scriptItem("legacy", "{{instance}}/get?q={{legacy}}", pre: pre, test: test)]),
                                       ["-d", "data.csv"], files: ["data.csv": "user\ngrace\n"])
        #expect(run.result.status == 1)
        let tests = run.tests("legacy")
        #expect(tests.count == 16, "\(tests)")
        #expect(tests.filter { $0.1 == false }.map(\.0) == ["false is a failure"], "\(tests)")
    }

    @Test func requireLoadsTheSystemsNodeModules() async throws {
        let test = """
            const _ = require('lodash'), moment = require('moment'), uuid = require('uuid'), Ajv = require('ajv');
            const xml2js = require('xml2js'), cheerio = require('cheerio'), CryptoJS = require('crypto-js');
            pm.test('lodash', () => pm.expect(_.chunk([1, 2, 3], 2)).to.deep.equal([[1, 2], [3]]));
            pm.test('moment', () => pm.expect(moment.utc('2024-02-29').add(1, 'day').format('YYYY-MM-DD')).to.equal('2024-03-01'));
            pm.test('uuid', () => pm.expect(uuid.v4()).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/));
            pm.test('ajv', () => { const v = new Ajv().compile({ type: 'object', required: ['n'] }); pm.expect(v({ n: 1 })).to.be.true; pm.expect(v({})).to.be.false; });
            pm.test('xml2js', (done) => xml2js.parseString('<r><v>7</v></r>', (err, out) => { pm.expect(out.r.v[0]).to.equal('7'); done(err); }));
            pm.test('cheerio', () => pm.expect(cheerio.load('<ul><li>a</li><li>b</li></ul>')('li').length).to.equal(2));
            pm.test('crypto-js', () => {
              pm.expect(CryptoJS.SHA256('abc').toString()).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
              pm.expect(CryptoJS.HmacSHA256('data', 'key').toString(CryptoJS.enc.Hex)).to.equal('5031fe3d989c6d1537a013fa6e739da23463fdaec3b70137d828e36ace221bd0');
              pm.expect(CryptoJS.enc.Base64.stringify(CryptoJS.enc.Utf8.parse('hé'))).to.equal('aMOp');
              pm.expect(CryptoJS.SHA1('abc').toString()).to.equal('a9993e364706816aba3e25717850c26c9cd0d89d');
              pm.expect(CryptoJS.SHA512('').toString().slice(0, 16)).to.equal('cf83e1357eefb8bd');
            });
            pm.test('atob and btoa', () => { pm.expect(btoa('user:pass')).to.equal('dXNlcjpwYXNz'); pm.expect(atob('dXNlcjpwYXNz')).to.equal('user:pass'); });
            pm.test('unknown module', () => require('left-pad'));
            """
        let run = try await runScripts(scriptCollection([scriptItem("libs", "{{instance}}/get", test: test)]))
        let tests = run.tests("libs")
        #expect(tests.map(\.0) == ["lodash", "moment", "uuid", "ajv", "xml2js", "cheerio", "crypto-js", "atob and btoa", "unknown module"], "\(run.failures())")
        #expect(tests.dropLast().allSatisfy { $0.1 == true }, "\(run.failures())")
        let unknown = run.request("libs")?["assertions"]?.arrayValue?.last?["message"]?.stringValue ?? ""
        #expect(unknown.contains("left-pad") && unknown.contains("lodash"), "\(unknown)")
    }
}

@Suite struct ScriptRobustnessTests {
    /// Each kind of broken script is an error that names the script, where and what;
    /// the run goes on to the next request.
    @Test func brokenScriptsAreErrorsAndTheRunGoesOn() async throws {
        let c = scriptCollection([
            scriptItem("syntax", "{{instance}}/get", test: "pm.test('x', function () {\n  var a = ;\n});"),
            scriptItem("throws", "{{instance}}/get", test: "var x = 1;\nthrow new Error('boom here');"),
            scriptItem("rejects", "{{instance}}/get", test: "Promise.reject(new Error('rejected on purpose'));"),
            scriptItem("unsupported", "{{instance}}/get", test: "pm.visualizer.set('<b>x</b>');\npm.vault.get('k');"),
            scriptItem("unknownRequire", "{{instance}}/get", pre: "require('fs');"),
            scriptItem("typo", "{{instance}}/get", test: "pm.respons.code;"),
            scriptItem("still runs", "{{instance}}/get", test: "pm.test('ok', function () {});"),
        ])
        let run = try await runScripts(c)
        #expect(run.result.status == 1, "\(run.result.output)")
        func errorText(_ name: String) -> String {
            let r = run.request(name)
            let assertions = (r?["assertions"]?.arrayValue ?? []).filter { $0["error"] == true || $0["passed"] == false }
            return assertions.map { ($0["name"]?.stringValue ?? "") + ": " + ($0["message"]?.stringValue ?? "") }.joined(separator: " | ") + (r?["error"]?.stringValue ?? "")
        }
        let syntax = errorText("syntax")
        #expect(syntax.contains("test script") && syntax.contains("SyntaxError") && syntax.contains("line 2"), "\(syntax)")
        let throwsText = errorText("throws")
        #expect(throwsText.contains("boom here") && throwsText.contains("line 2"), "\(throwsText)")
        #expect(errorText("rejects").contains("rejected on purpose"), "\(errorText("rejects"))")
        let unsupported = errorText("unsupported")
        #expect(unsupported.contains("pm.visualizer"), "\(unsupported)")
        let fs = errorText("unknownRequire")
        #expect(fs.contains("pre-request script") && fs.contains("'fs'"), "\(fs)")
        #expect(errorText("typo").contains("pm.respons"), "\(errorText("typo"))")
        #expect(run.tests("still runs").map(\.1) == [true])
        // The JUnit report has them as errors, and validates.
        #expect(run.junit.contains("type=\"ScriptError\""), "\(run.junit)")
    }

    @Test func endlessLoopsAreStoppedByTheScriptTimeout() async throws {
        let c = scriptCollection([
            scriptItem("spin", "{{instance}}/get", test: "while (true) {}"),
            scriptItem("never done", "{{instance}}/get", test: "pm.test('waits', function (done) { /* never calls done */ });"),
            scriptItem("after", "{{instance}}/get", test: "pm.test('ok', function () {});"),
        ])
        let run = try await runScripts(c, ["--timeout-script", "300"])
        #expect(run.result.elapsed < 20 * testSlowdown)
        #expect(run.result.status == 1, "\(run.result.output)")
        #expect(run.failures().contains { $0.hasPrefix("spin") && $0.contains("--timeout-script") }, "\(run.failures())")
        #expect(run.failures().contains { $0.hasPrefix("never done") && $0.contains("waits") }, "\(run.failures())")
        #expect(run.tests("after").map(\.1) == [true])
    }

    /// No files, no process environment, no network other than pm.sendRequest.
    @Test func scriptsAreIsolated() async throws {
        let test = """
            pm.test('no node or browser IO', function () {
              pm.expect(typeof XMLHttpRequest).to.equal('undefined');
              pm.expect(typeof fetch).to.equal('undefined');
              pm.expect(typeof WebSocket).to.equal('undefined');
              pm.expect(typeof process === 'undefined' || Object.keys(process.env).length === 0).to.be.true;
              pm.expect(typeof __fathomHost === 'undefined' || true).to.be.true;
            });
            pm.test('fs', function () { require('fs'); });
            pm.test('child_process', function () { require('child_process'); });
            pm.test('path escape', function () { require('../../../etc/passwd'); });
            pm.test('absolute path', function () { require('/etc/passwd'); });
            """
        let run = try await runScripts(scriptCollection([scriptItem("isolated", "{{instance}}/get", test: test)]),
                                       environment: ["FATHOM_SECRET_PROBE": "do-not-read"])
        #expect(run.tests("isolated").map(\.1) == [true, false, false, false, false], "\(run.failures())")
        #expect(!run.result.output.contains("root:x:0"))
    }

    @Test func secretsInScriptConsoleOutputAreMasked() async throws {
        let d = TempDir()
        let env = d.write("env.json", #"{"name": "e", "values": [{"key": "apiKey", "value": "s3cr3t-value-42", "type": "secret", "enabled": true}]}"#)
        let test = "console.log('key is', pm.environment.get('apiKey')); console.warn({ k: pm.environment.get('apiKey') }); pm.test('mentions ' + pm.environment.get('apiKey'), function () { pm.expect(pm.environment.get('apiKey')).to.equal('other'); });"
        let run = try await runScripts(scriptCollection([scriptItem("leaky", "{{instance}}/get", test: test)]), ["-e", env, "--verbose"])
        #expect(run.result.status == 1)
        #expect(!run.result.output.contains("s3cr3t-value-42"), "\(run.result.output)")
        #expect(!run.report.serialized().contains("s3cr3t-value-42"))
        #expect(!run.junit.contains("s3cr3t-value-42"))
        #expect(run.result.stdout.contains("key is ***"), "\(run.result.stdout)")
    }

    @Test func noScriptsReportsEveryScriptAsSkipped() async throws {
        let run = try await runScripts(scriptCollection([scriptItem("r", "{{instance}}/get", test: "pm.test('x', function () { throw 1; });")]), ["--no-scripts"])
        #expect(run.result.status == 0, "\(run.result.output)")
        #expect(run.result.stdout.contains("1 script skipped"), "\(run.result.stdout)")
        #expect((run.report["skippedScripts"]?.arrayValue ?? []).count == 1)
    }
}

/// Newman's reporter fixtures give Newman's counts.
@Suite struct ScriptReportFixtureTests {
    func counts(_ junit: String) -> (Int, Int, Int) {
        func count(_ needle: String) -> Int { junit.components(separatedBy: needle).count - 1 }
        return (count("<testcase "), count("<failure"), count("<error"))
    }

    @Test(arguments: [("fixtures-run-single-get-request", 0, 1, 0, 0), ("fixtures-run-single-request-failing", 1, 1, 1, 0), ("fixtures-run-newman-report-test", 1, 2, 1, 1)])
    func newmanJUnitFixtures(_ fixture: (String, Int32, Int, Int, Int)) async throws {
        let file = "\(postmanCorpus)/postmanlabs__newman__\(fixture.0).json"
        let d = TempDir()
        try await withMock { base in
            let r = try await runFathom(["run", file, "-r", "junit", "--reports-dir", d.path] + rewrites(to: base))
            #expect(r.status == fixture.1, "\(r.output)")
            let xml = try #require(try FileManager.default.contentsOfDirectory(atPath: d.path).first { $0.hasSuffix(".xml") }.flatMap { d.read($0) })
            let (cases, failures, errors) = counts(xml)
            #expect(cases == fixture.2 && failures == fixture.3 && errors == fixture.4, "\(xml)")
            if failures > 0 { #expect(xml.contains("type=\"AssertionFailure\""), "\(xml)") }
            let xsd = "\(repoRoot)/../shared/corpus/junit/jenkinsci__xunit-plugin__junit-10.xsd"
            let (status, out) = try shell("/usr/bin/xmllint", ["--noout", "--schema", xsd, d.path + "/" + (try FileManager.default.contentsOfDirectory(atPath: d.path).first { $0.hasSuffix(".xml") } ?? "")])
            #expect(status == 0, "xmllint: \(out)")
        }
    }

    @Test func htmlextraAllTestTypes() async throws {
        let file = "\(postmanCorpus)/DannyDainton__newman-reporter-htmlextra__simple-request-with-all-test-types.json"
        let d = TempDir()
        try await withMock { base in
            let r = try await runFathom(["run", file, "-r", "json", "--reports-dir", d.path, "--rewrite", "http://jsonplaceholder.typicode.com=\(base)/anything"])
            #expect(r.status == 1, "\(r.output)")
            let assertions = try readReport(d.path)["summary"]?["assertions"]
            #expect(assertions?["passed"] == 1 && assertions?["failed"] == 1 && assertions?["skipped"] == 1, "\(r.output)")
        }
        let skipped = TempDir()
        try await withMock { base in
            let r = try await runFathom(["run", "\(postmanCorpus)/DannyDainton__newman-reporter-htmlextra__simple-skipped-request.json", "-r", "json", "--reports-dir", skipped.path, "--rewrite", "http://jsonplaceholder.typicode.com=\(base)/anything"])
            #expect(r.status == 0, "\(r.output)")
            let assertions = try readReport(skipped.path)["summary"]?["assertions"]
            #expect(assertions?["passed"] == 0 && assertions?["failed"] == 0 && (assertions?["skipped"]?.intValue ?? 0) > 0, "\(r.output)")
        }
    }
}
