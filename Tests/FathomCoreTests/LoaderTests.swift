import Foundation
import Testing
@testable import FathomCore

@Suite struct LoaderTests {
    func collection(_ d: TempDir, extra: String = "") {
        d.write("collection.json", #"{"fathom": 1, "name": "T", "variables": {"instance": "http://127.0.0.1:1"}\#(extra)}"#)
    }

    @Test func loadsTreeInNaturalOrderWithOrderOverride() throws {
        let d = TempDir()
        d.write("collection.json", #"{"fathom": 1, "name": "Demo", "order": ["b-folder"]}"#)
        d.write("10-last.json", #"{"url": "http://x/10"}"#)
        d.write("2-second.json", #"{"url": "http://x/2"}"#)
        d.write("1-first.json", #"{"url": "http://x/1"}"#)
        d.write("b-folder/folder.json", #"{"name": "Bee", "tags": ["t"]}"#)
        d.write("b-folder/req.json", #"{"url": "http://x/b"}"#)
        d.write("environments/dev.json", #"{"a": 1}"#)
        d.write("data/rows.json", #"[]"#)
        d.write("b-folder/q.graphql", "{ me { id } }")
        let c = try CollectionLoader.load(d.path)
        let ids = c.flattened().map(\.request.id)
        #expect(ids == ["b-folder/req.json", "1-first.json", "2-second.json", "10-last.json"])
        #expect(c.flattened().map(\.request.name) == ["req", "first", "second", "last"])
        #expect(c.flattened()[0].folderNames == ["Bee"])
        #expect(c.flattened()[0].allTags == ["t"])
    }

    /// A native collection's requests are kept as deferred entries: what planning
    /// needs (names, tags, skip, captures, scripts, the two flags) without the file,
    /// and the whole request when the file is read again.
    @Test func nativeRequestsAreDeferredAndReadAgainWhole() throws {
        let d = TempDir()
        d.write("collection.json", #"{"fathom": 1, "name": "Deferred", "graphql_endpoint": "http://x/api/graphql"}"#)
        d.write("01-plain.json", #"{"url": "http://x/1", "assert": [{"status": 200}]}"#)
        d.write("f/02-named.json", #"{"name": "Renamed", "tags": ["smoke"], "skip": "later", "graphql": {"query": "{ me { id } }"}, "capture": {"id": "$.data.me.id"}, "scripts": {"test": "t.js"}}"#)
        d.write("f/t.js", "pm.test('x', () => {});\n")
        let c = try CollectionLoader.load(d.path)
        let s = c.flattened()
        #expect(s.allSatisfy { $0.request.isDeferred })
        #expect(s.map(\.request.id) == ["01-plain.json", "f/02-named.json"])
        #expect(s.map(\.request.name) == ["plain", "Renamed"])
        #expect(s[1].request.tags == ["smoke"] && s[1].request.skip == "later")
        #expect(s[1].request.captures.map(\.name) == ["id"] && s[1].request.scripts.count == 1)
        #expect(s[0].request.hasURL && !s[0].request.isGraphQL)
        #expect(!s[1].request.hasURL && s[1].request.isGraphQL)
        #expect(s[1].request.file == d.path + "/f/02-named.json" && s[1].request.baseDirectory == d.path + "/f")
        let whole = try s[0].request.loaded()
        #expect(!whole.isDeferred && whole.url == "http://x/1" && whole.assertions.count == 1)
        // A deferred request answers any field by reading its file (the tools that plan, not the run).
        #expect(s[0].request.url == "http://x/1")
        // A request changed after loading reads as it is now; one that no longer reads says why.
        d.write("01-plain.json", #"{"url": "http://x/one"}"#)
        #expect(try s[0].request.loaded().url == "http://x/one")
        d.write("01-plain.json", #"{"url": 1}"#)
        #expect(throws: LoadError.self) { try s[0].request.loaded() }
        // Mutating a deferred request reads it whole first.
        var copy = s[1].request
        copy.method = "PUT"
        #expect(!copy.isDeferred && copy.method == "PUT" && copy.body?.isGraphQL == true && copy.name == "Renamed")
    }

    /// A folder's files are read a chunk at a time on every core; the tree and the
    /// messages still come in the folder's order, across chunks and around subfolders.
    @Test func largeFoldersLoadInOrderWithMessagesInOrder() throws {
        let d = TempDir()
        collection(d)
        for i in 1...600 { d.write(String(format: "%03d-r.json", i), #"{"url": "{{instance}}/\#(i)"}"#) }
        d.write("300-sub/1-inner.json", #"{"url": "{{instance}}/inner"}"#)
        let c = try CollectionLoader.load(d.path)
        let ids = c.flattened().map(\.request.id)
        #expect(ids.count == 601)
        #expect(ids.prefix(3) == ["001-r.json", "002-r.json", "003-r.json"])
        #expect(ids[299] == "300-r.json" && ids[300] == "300-sub/1-inner.json" && ids.last == "600-r.json")
        #expect(try c.flattened()[599].request.loaded().url == "{{instance}}/599")
        for i in [5, 257, 590] { d.write(String(format: "%03d-r.json", i), #"{"url": 1}"#) }
        let errors = loadErrors(d.path)
        #expect(errors.count == 3)
        #expect(errors.map { $0.contains("005-r.json") } == [true, false, false])
        #expect(errors[1].contains("257-r.json") && errors[2].contains("590-r.json"))
    }

    /// A FIFO named like a request file is an error, never a wait for a writer.
    @Test func aFIFOAmongTheRequestsIsAnErrorNotAHang() throws {
        let d = TempDir()
        collection(d)
        d.write("01-a.json", #"{"url": "{{instance}}/get"}"#)
        let fifo = d.path + "/02-pipe.json"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(loadErrors(d.path) == ["\(fifo): error: not a regular file (a FIFO, socket or device); remove it, or rename it so its name does not end in .json"])
    }

    @Test func unknownPredicateHasPositionAndSuggestion() {
        let d = TempDir()
        collection(d)
        let file = d.write("01-a.json", """
            {
              "url": "{{instance}}/get",
              "assert": [
                {"status": 200},
                {"path": "$.a", "equal": 1}
              ]
            }
            """)
        #expect(loadErrors(d.path) == ["\(file):5:21: error: unknown predicate 'equal' (did you mean 'equals'?)"])
    }

    @Test func malformedJSONHasPosition() {
        let d = TempDir()
        collection(d)
        let file = d.write("a.json", "{\n  \"url\": \"x\",\n  \"method\": GET\n}")
        #expect(loadErrors(d.path) == ["\(file):3:13: error: invalid JSON: unexpected 'G'; expected a value (object, array, string, number, true, false or null)"])
    }

    @Test func unknownTopLevelKey() {
        let d = TempDir()
        collection(d)
        let file = d.write("a.json", "{\"url\": \"http://x\", \"asserts\": []}")
        #expect(loadErrors(d.path) == ["\(file):1:21: error: unknown key 'asserts' (did you mean 'assert'?)"])
    }

    @Test func wrongTypes() {
        let d = TempDir()
        collection(d)
        let file = d.write("a.json", """
            {"url": 5, "headers": {"X": {"a": 1}}, "assert": [{"status": "ok"}, {"path": "$.a", "type": "text"}], "options": {"timeout_ms": "soon"}}
            """)
        let errs = loadErrors(d.path)
        #expect(errs.contains("\(file):1:9: error: 'url' must be a string, not number"))
        #expect(errs.contains("\(file):1:29: error: 'headers.X' must be a string (or an array of strings to repeat the header), not object"))
        #expect(errs.contains("\(file):1:62: error: 'status' takes a number or a predicate object such as {\"lt\": 500}, not string"))
        #expect(errs.contains { $0.hasPrefix("\(file):1:93: error: unknown type 'text'") })
        #expect(errs.contains { $0.hasPrefix("\(file):1:115: error: option 'timeout_ms' must be an integer") })
    }

    @Test func invalidJSONPathAndRegex() {
        let d = TempDir()
        collection(d)
        let file = d.write("a.json", #"{"url": "http://x", "assert": [{"path": "$.a[", "exists": true}, {"body": {"matches": "(unclosed"}}]}"#)
        let errs = loadErrors(d.path)
        #expect(errs.count == 2)
        #expect(errs[0].hasPrefix("\(file):1:41: error: invalid JSONPath \"$.a[\""))
        #expect(errs[1].hasPrefix("\(file):1:87: error: invalid regular expression \"(unclosed\""))
    }

    @Test func missingSidecarFile() {
        let d = TempDir()
        collection(d, extra: #", "graphql_endpoint": "{{instance}}/api/graphql""#)
        let file = d.write("a.json", #"{"graphql": {"file": "missing.graphql"}}"#)
        let errs = loadErrors(d.path)
        #expect(errs.count == 1)
        #expect(errs[0].hasPrefix("\(file):1:22: error: GraphQL file 'missing.graphql' not found"))
    }

    @Test func missingCollectionJSONAndVersion() {
        let d = TempDir()
        d.write("a.json", "{}")
        #expect(loadErrors(d.path).first?.contains("missing collection.json") == true)
        d.write("collection.json", #"{"name": "x"}"#)
        #expect(loadErrors(d.path).first?.contains("needs \"fathom\": 1") == true)
    }

    @Test func twoBodiesAndTwoSubjects() {
        let d = TempDir()
        collection(d)
        d.write("a.json", #"{"url": "http://x", "json": {}, "form": {}, "assert": [{"status": 200, "body": "x"}]}"#)
        let errs = loadErrors(d.path)
        #expect(errs.contains { $0.contains("at most one body") })
        #expect(errs.contains { $0.contains("an assertion has one subject") })
    }

    @Test func requestWithoutURL() {
        let d = TempDir()
        collection(d)
        d.write("a.json", #"{"method": "GET"}"#)
        #expect(loadErrors(d.path).first?.contains("has no \"url\"") == true)
    }

    @Test func scriptsAreNamedFilesAndAMissingOneIsAnError() throws {
        let d = TempDir()
        d.write("collection.json", #"{"fathom": 1, "name": "S", "scripts": {"pre_request": "setup.js"}}"#)
        d.write("setup.js", "pm.variables.set('a', 1);\n")
        d.write("f/folder.json", #"{"scripts": {"test": ["one.js", "two.js"]}}"#)
        d.write("f/one.js", "// one\n")
        d.write("f/two.js", "// two\n")
        d.write("f/a.json", #"{"url": "http://x", "scripts": {"test": "a.test.js"}}"#)
        d.write("f/a.test.js", "pm.test('a', () => {});\n")
        let c = try CollectionLoader.load(d.path)
        #expect(c.root.settings.scripts.map(\.phase) == [.preRequest])
        #expect(c.allScripts().map(\.source) == ["pm.variables.set('a', 1);\n", "// one\n", "// two\n", "pm.test('a', () => {});\n"])
        #expect(c.allScripts().last?.owner == "request \"f/a.json\"")
        let e = TempDir()
        e.write("collection.json", #"{"fathom": 1, "name": "S"}"#)
        let f = e.write("a.json", #"{"url": "http://x", "scripts": {"test": "gone.js", "post": "x.js"}}"#)
        let errs = loadErrors(e.path)
        #expect(errs.contains { $0.hasPrefix("\(f):1:41: error: script 'gone.js' not found") }, "\(errs)")
        #expect(errs.contains { $0.contains("unknown scripts key 'post'") }, "\(errs)")
    }

    @Test func folderJSONWithFathomAndAnUnknownKeyKeepsBothDiagnostics() {
        let d = TempDir()
        collection(d)
        d.write("f/folder.json", #"{"fathom": 1, "nmae": "x"}"#)
        d.write("f/a.json", #"{"url": "http://x"}"#)
        let errs = loadErrors(d.path)
        #expect(errs.contains { $0.contains("'fathom' belongs in collection.json only") })
        #expect(errs.contains { $0.contains("unknown key 'nmae' (did you mean 'name'?)") })
    }

    @Test func singleRequestFile() throws {
        let d = TempDir()
        let f = d.write("03-ping.json", #"{"url": "http://127.0.0.1:1/get", "assert": [{"status": 200}]}"#)
        let c = try CollectionLoader.load(f)
        #expect(c.requestCount == 1)
        #expect(c.name == "ping")
    }

    @Test func environmentFileWithFromEnv() throws {
        let d = TempDir()
        collection(d)
        d.write("environments/ci.json", #"{"instance": "http://h", "token": {"from_env": "FATHOM_TEST_TOKEN", "secret": true}}"#)
        let env = try EnvironmentLoader.load("ci", collectionRoot: d.path, processEnvironment: ["FATHOM_TEST_TOKEN": "t0k"])
        #expect(env.variables["token"] == "t0k")
        #expect(env.secrets == ["token"])
        #expect(throws: LoadError.self) {
            try EnvironmentLoader.load("ci", collectionRoot: d.path, processEnvironment: [:])
        }
        do {
            _ = try EnvironmentLoader.load("cii", collectionRoot: d.path, processEnvironment: [:])
        } catch {
            #expect(error.description.contains("did you mean 'ci'?"))
        }
    }

    @Test func folderLinkLoopIsAnError() throws {
        let d = TempDir()
        collection(d)
        d.write("a.json", #"{"url": "http://x"}"#)
        try FileManager.default.createDirectory(atPath: d.path + "/sub", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: d.path + "/sub/up", withDestinationPath: "..")
        let errs = loadErrors(d.path)
        #expect(errs.count == 1)
        #expect(errs.first?.contains("link back to an enclosing folder") == true, "\(errs)")
    }

    @Test func onlyAWholeReferenceMayStandForANumber() {
        let d = TempDir()
        collection(d)
        d.write("a.json", #"{"url": "http://x", "assert": [{"status": "{{code}}"}, {"status": "{{a}}{{b}}"}]}"#)
        let errs = loadErrors(d.path)
        #expect(errs.count == 1, "\(errs)")
        #expect(errs.first?.contains("'status' takes a number") == true)
    }

    @Test func naturalOrdering() {
        let names = ["10-x", "2-x", "1-x", "a", "B", "01-y"]
        #expect(names.sorted(by: naturalLess) == ["1-x", "01-y", "2-x", "10-x", "a", "B"])
        #expect(CollectionLoader.displayName("01-list-accounts.json") == "list-accounts")
        #expect(CollectionLoader.displayName("2024.json") == "2024")
    }
}

let repoRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()
