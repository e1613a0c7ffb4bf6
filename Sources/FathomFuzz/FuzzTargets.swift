import FathomCore
import FathomGraphQL
import FathomPostman
import Foundation

/// The fuzz targets: each takes arbitrary bytes to one of Fathom's readers of
/// outside input and must come back, with a value or a clear error, never a crash,
/// a hang or a trap. `fathom-fuzz` runs them under libFuzzer (`scripts/fuzz`), and
/// the test suite replays their seed corpora and every input that once found a bug
/// (`Fuzz/corpus`, `Fuzz/regressions`).
public enum FuzzTargets {
    public static let names = ["json", "jsonpath", "template", "csv", "loader", "postman", "graphql"]

    /// The target of that name.
    public static func target(_ name: String) -> ((UnsafeRawBufferPointer) -> Void)? {
        switch name {
        case "json": return json
        case "jsonpath": return jsonPath
        case "template": return template
        case "csv": return csv
        case "loader": return loader
        case "postman": return postman
        case "graphql": return graphQL
        default: return nil
        }
    }

    /// The JSON parser, with and without positions; a document that parses must
    /// come back the same after serialising (compact and pretty).
    static func json(_ data: UnsafeRawBufferPointer) {
        let bytes = Array(data)
        guard let value = try? JSONParser.parse(bytes) else {
            _ = try? JSONParser.parseWithSourceMap(bytes)
            return
        }
        guard let (mapped, map) = try? JSONParser.parseWithSourceMap(bytes) else {
            fatalError("parses without positions but not with them")
        }
        precondition(mapped == value, "the two parsers disagree")
        _ = map.position(for: "")
        for text in [value.serialized(), value.serialized(pretty: true)] {
            guard let again = try? JSONParser.parse(text) else { fatalError("its own serialisation does not parse: \(text)") }
            precondition(again == value, "does not survive serialisation: \(text)")
        }
    }

    /// RFC 9535 JSONPath: compiled, then run on the specification's example document.
    static let document: JSON = (try? JSONParser.parse(#"""
        {"store": {"book": [
          {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
          {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
          {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
          {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}],
          "bicycle": {"color": "red", "price": 399}}, "a": [3, 5, 1, 2, 4, 6, {"b": "j"}, {"b": "k"}, {"b": {}}, {"b": "kilo"}],
          "o": {"p": 1, "q": 2, "r": 3, "s": 5, "t": 7}, "": [null, true, false, 0.5, -1e300, "\u00e9"]}
        """#)) ?? .null

    static func jsonPath(_ data: UnsafeRawBufferPointer) {
        let text = String(decoding: data, as: UTF8.self)
        guard let path = try? JSONPath.compile(text) else { return }
        _ = path.select(document)
        _ = path.selection(document)
        _ = path.selectNodes(document)
    }

    /// Templates: every kind of reference, nested values, dynamic values (seeded, and
    /// at a fixed time so that nothing depends on the clock).
    static let scope: JSONObject = [
        "instance": "http://127.0.0.1:8484", "token": "t0k3n", "n": 7, "list": [1, "two", ["x": true]],
        "nested": "{{token}}-{{n}}", "loop": "{{loop}}", "a": "{{b}}", "b": "{{a}}", "deep": "{{nested}}/{{deep2}}", "deep2": "{{list}}",
        "obj": ["k": "{{token}}"], "empty": "",
    ]

    static func template(_ data: UnsafeRawBufferPointer) {
        let text = String(decoding: data, as: UTF8.self)
        for keep in [false, true] {
            let t = Template(lookup: { scope[$0] }, dynamic: DynamicValues(seed: 7, fixedTime: 1_700_000_000), keepUnresolved: keep)
            _ = try? t.resolveString(text, at: "/url")
            _ = try? t.resolve(.string(text), at: "/json")
            _ = try? t.resolve(.array([.string(text), .object(["k": .string(text)])]), at: "/json")
        }
    }

    /// Iteration data, as CSV and as JSON.
    static func csv(_ data: UnsafeRawBufferPointer) {
        let bytes = Array(data)
        _ = try? IterationData.parse(bytes, file: "data.csv", csv: true)
        _ = try? IterationData.parse(bytes, file: "data.json", csv: false)
    }

    /// The collection loader on a directory: the input is a request file (or, when
    /// its first byte is odd, collection.json beside a fixed request), written to a
    /// fresh directory and loaded as `fathom validate` and `run` load it.
    static let scratch: String = {
        let dir = NSTemporaryDirectory() + "fathom-fuzz-loader-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    static func loader(_ data: UnsafeRawBufferPointer) {
        let asCollection = data.first.map { $0 & 1 == 1 } ?? false
        let collection = asCollection ? Data(data) : Data(#"{"fathom": 1, "name": "Fuzz", "variables": {"instance": "http://127.0.0.1:8484"}}"#.utf8)
        let request = asCollection ? Data(#"{"url": "{{instance}}/get", "assert": [{"status": 200}]}"#.utf8) : Data(data)
        FileManager.default.createFile(atPath: scratch + "/collection.json", contents: collection)
        FileManager.default.createFile(atPath: scratch + "/01-request.json", contents: request)
        guard let spec = try? CollectionLoader.load(scratch) else { return }
        // Reading the requests again, as a run does at each request's turn.
        for s in spec.flattened() { _ = try? s.request.loaded() }
    }

    /// The Postman reader: collections (v2.0, v2.1), environments, globals.
    static func postman(_ data: UnsafeRawBufferPointer) {
        let bytes = Array(data)
        guard let json = try? JSONParser.parse(bytes) else { return }
        let file = PostmanFile(path: "fuzz.postman_collection.json", bytes: bytes, json: json)
        _ = try? PostmanReader(workingDirectory: NSTemporaryDirectory()).read(file)
        _ = try? PostmanVariables.read(PostmanFile(path: "fuzz.postman_environment.json", bytes: bytes, json: json))
    }

    /// The GraphQL check (`fathom check`) of an operation against a small schema.
    static let schema: SchemaCheck? = try? SchemaCheck(sdl: """
        schema { query: Query mutation: Mutation }
        scalar Int64Bit
        enum Status { OPEN CLOSED PENDING @deprecated(reason: "use OPEN") }
        interface Node { id: Int64Bit! }
        input Paginator { page: Int!, records_per_page: Int! }
        input Search { string_fields: [StringField], integer_fields: [IntegerField] }
        input StringField { attribute: String!, search_value: String!, match: Boolean! }
        input IntegerField { attribute: String!, search_value: Int!, operator: Operator! }
        enum Operator { EQ NEQ GT LT }
        type PageInfo { page: Int!, total_pages: Int!, total_count: Int!, records_per_page: Int! }
        type Account implements Node { id: Int64Bit!, name: String!, status: Status, contacts(paginator: Paginator): ContactConnection!, old: String @deprecated }
        type Contact implements Node { id: Int64Bit!, name: String, account: Account }
        type AccountConnection { entities: [Account]!, page_info: PageInfo! }
        type ContactConnection { entities: [Contact]!, page_info: PageInfo! }
        union Thing = Account | Contact
        type Query { accounts(id: Int64Bit, paginator: Paginator, search: [Search]): AccountConnection!, things: [Thing], me: Contact }
        type Mutation { createAccount(name: String!, status: Status = OPEN): Account }
        """, file: "fuzz.graphql")

    static func graphQL(_ data: UnsafeRawBufferPointer) {
        _ = schema?.check(String(decoding: data, as: UTF8.self))
    }
}
