/// What the user wrote, loaded and validated: the collection tree.
///
/// Strings here are still templates (`{{name}}`); the runner resolves them per
/// request. `HTTPRequest` is what was actually sent; these types are what was asked for.
///
/// The model knows no file format: Fathom's own loader (`CollectionLoader`) and the
/// Postman reader (`FathomPostman`) both build it, through the public initialisers.
public struct CollectionSpec: Sendable {
    public var name: String
    public var description: String?
    /// The collection directory, or the single file that was run.
    public var rootPath: String
    /// The collection's settings and the tree below it.
    public var root: Folder
    /// The format the collection was read from, for messages and reports.
    public var format: SourceFormat
    /// Problems that did not stop the load (an unknown Postman body mode, say),
    /// printed before the run.
    public var warnings: [Diagnostic]

    public init(
        name: String, description: String? = nil, rootPath: String, root: Folder,
        format: SourceFormat = .fathom, warnings: [Diagnostic] = []
    ) {
        self.name = name
        self.description = description
        self.rootPath = rootPath
        self.root = root
        self.format = format
        self.warnings = warnings
    }

    /// Every request in run order, with the folders that enclose it.
    public func flattened() -> [ScheduledRequest] { flattened { _ in true } }

    /// The requests in run order that `include` keeps, in one pass (a run of
    /// 100,000 requests never holds the unfiltered list beside the filtered one).
    public func flattened(where include: (ScheduledRequest) -> Bool) -> [ScheduledRequest] {
        var out: [ScheduledRequest] = []
        func walk(_ folder: Folder, _ chain: [Folder]) {
            let chain = chain + [folder]
            for child in folder.children {
                switch child {
                case .folder(let f): walk(f, chain)
                case .request(let r):
                    let s = ScheduledRequest(request: r, folders: chain)
                    if include(s) { out.append(s) }
                }
            }
        }
        walk(root, [])
        return out
    }

    /// Number of requests in the collection.
    public var requestCount: Int {
        func count(_ f: Folder) -> Int {
            f.children.reduce(0) { n, c in
                if case .folder(let sub) = c { return n + count(sub) }
                return n + 1
            }
        }
        return count(root)
    }

    /// Every script of the collection, folders and requests, in run order of their owners.
    public func allScripts() -> [ScriptSpec] {
        var out: [ScriptSpec] = []
        func walk(_ folder: Folder) {
            out += folder.settings.scripts
            for child in folder.children {
                switch child {
                case .folder(let f): walk(f)
                case .request(let r): out += r.scripts
                }
            }
        }
        walk(root)
        return out
    }
}

/// Which front end read a collection.
public enum SourceFormat: Sendable, Equatable, CustomStringConvertible {
    case fathom
    /// A Postman collection file, with its schema version ("2.0.0", "2.1.0").
    case postman(version: String)

    public var description: String {
        switch self {
        case .fathom: return "Fathom collection"
        case .postman(let v): return "Postman collection v\(v)"
        }
    }

    public var isPostman: Bool { if case .postman = self { return true } else { return false } }
}

/// Where an element of the model was written, for messages that point at it.
///
/// A Fathom request file maps every field to its own `line:column` through the
/// file's source map. Elements of a file that holds many of them (a Postman
/// collection) carry the element's position and a label such as
/// `item "Accounts/List"`, so a message reads
/// `My.postman_collection.json:12:7: item "Accounts/List": ...`.
public struct SourceRef: Sendable {
    public var file: String
    /// What the element is within the file, when the file holds many.
    public var context: String?
    /// Per-field positions (Fathom request files).
    public var sourceMap: JSONSourceMap?
    /// The element's own position (elements of a larger file).
    public var position: SourcePosition?

    /// A whole file whose fields are located through its source map.
    public init(file: String, sourceMap: JSONSourceMap? = nil) {
        self.file = file
        self.sourceMap = sourceMap
    }

    /// One element of a larger file, at `position`, described by `context`.
    public init(file: String, context: String?, position: SourcePosition?) {
        self.file = file
        self.context = context
        self.position = position
    }

    /// `file:line:column` (and the context) for a JSON pointer into the element.
    public func describe(_ pointer: String = "") -> String {
        var out = file
        if let p = sourceMap?.position(for: pointer) ?? position { out += ":\(p.line):\(p.column)" }
        if let context { out += ": \(context)" }
        return out
    }

    /// The position for a pointer, for diagnostics.
    public func sourcePosition(_ pointer: String = "") -> SourcePosition? {
        sourceMap?.position(for: pointer) ?? position
    }
}

/// A request together with the folders above it (the collection root first).
public struct ScheduledRequest: Sendable {
    public var request: RequestSpec
    public var folders: [Folder]
    /// Under `--shard`, the request's position among the run's selected requests
    /// (its place in an unsharded run, which `merge-reports` orders by); nil otherwise.
    public var shardPosition: Int?

    public init(request: RequestSpec, folders: [Folder]) {
        self.request = request
        self.folders = folders
    }

    /// Display names of the enclosing folders, the root excluded.
    public var folderNames: [String] { folders.dropFirst().map(\.name) }
    /// Relative paths of the enclosing folders, the root excluded.
    public var folderPaths: [String] { folders.dropFirst().map(\.id) }

    /// Tags of the request and every enclosing level.
    public var allTags: Set<String> {
        var tags = Set(request.tags)
        for f in folders { tags.formUnion(f.settings.tags) }
        return tags
    }
}

public enum Node: Sendable {
    indirect case folder(Folder)
    case request(RequestSpec)
}

public struct Folder: Sendable {
    /// Path relative to the collection root ("" for the root).
    public var id: String
    public var name: String
    public var settings: Settings
    public var children: [Node]
    /// Where the folder was written (its folder.json, or its item in a Postman file).
    public var source: SourceRef?

    public init(id: String, name: String, settings: Settings = Settings(), children: [Node] = [], source: SourceRef? = nil) {
        self.id = id
        self.name = name
        self.settings = settings
        self.children = children
        self.source = source
    }
}

/// The settings shared by collection.json and folder.json (and partly by requests).
public struct Settings: Sendable {
    public var description: String?
    public var variables = JSONObject()
    public var secrets: [String] = []
    /// nil inherits from above.
    public var auth: AuthSpec?
    public var headers: [HTTPHeader] = []
    public var graphqlEndpoint: String?
    /// Raw, validated option values (may hold templates); merged downward by key.
    public var options = JSONObject()
    public var order: [String]?
    public var tags: [String] = []
    /// Pre-request and test scripts that run for every request below.
    public var scripts: [ScriptSpec] = []
    /// What baseline comparisons ignore or compare unordered below this level.
    public var baseline: BaselineRules?
    /// `"parallel": true` on a top-level folder (or, for all of them, in
    /// collection.json): with `--parallel N` the folder runs alongside its siblings.
    public var parallel: Bool?
    public init() {}
}

/// A pre-request or test script (Postman's `event`s, or Fathom's `.js` files).
public struct ScriptSpec: Sendable {
    public enum Phase: String, Sendable, CaseIterable {
        /// Before the request is built and sent.
        case preRequest = "prerequest"
        /// After the response arrived.
        case test
    }

    public var phase: Phase
    /// The JavaScript source.
    public var source: String
    /// Where the script was written: its `.js` file, or its item in a Postman file.
    public var location: SourceRef
    /// Who owns it, for reports: `collection`, `folder "A"`, `request "A/B"`.
    public var owner: String

    public init(phase: Phase, source: String, location: SourceRef, owner: String) {
        self.phase = phase
        self.source = source
        self.location = location
        self.owner = owner
    }

    /// `pre-request script of request "A/B"`.
    public var displayName: String {
        (phase == .preRequest ? "pre-request script of " : "test script of ") + owner
    }
}

/// Authentication as written; every string is a template.
public enum AuthSpec: Sendable, Equatable {
    case none
    case bearer(String)
    case basic(username: String, password: String)
    case apiKeyHeader(name: String, value: String)
    case apiKeyQuery(name: String, value: String)
    case digest(username: String, password: String)
    /// An OAuth 2.0 access token already obtained: sent as `Authorization: <prefix> <token>`
    /// or as the `access_token` query parameter.
    case oauth2(OAuth2Token)
    /// OAuth 1.0a: the request is signed (HMAC-SHA1/256/512 or PLAINTEXT).
    case oauth1(OAuth1Auth)
    /// Hawk (HMAC-signed `Authorization: Hawk ...`).
    case hawk(HawkAuth)
    /// AWS Signature Version 4, signed by libcurl.
    case awsv4(AWSv4Auth)
    /// NTLM, negotiated by libcurl.
    case ntlm(username: String, password: String, domain: String)
    /// A kind Fathom cannot send (Postman's `edgegrid`, `jwt`, `asap`, ...): every request
    /// that uses it is an error naming the kind, never sent without its credentials.
    case unsupported(String)

    /// The kind's name as the formats spell it.
    public var kind: String {
        switch self {
        case .none: return "none"
        case .bearer: return "bearer"
        case .basic: return "basic"
        case .apiKeyHeader, .apiKeyQuery: return "apikey"
        case .digest: return "digest"
        case .oauth2: return "oauth2"
        case .oauth1: return "oauth1"
        case .hawk: return "hawk"
        case .awsv4: return "awsv4"
        case .ntlm: return "ntlm"
        case .unsupported(let k): return k
        }
    }
}

public struct OAuth2Token: Sendable, Equatable {
    public enum Placement: String, Sendable { case header, query }
    public var accessToken: String
    public var placement: Placement
    /// `Bearer` unless set; empty sends the bare token.
    public var headerPrefix: String
    public init(accessToken: String, placement: Placement = .header, headerPrefix: String = "Bearer") {
        self.accessToken = accessToken
        self.placement = placement
        self.headerPrefix = headerPrefix
    }
}

public struct OAuth1Auth: Sendable, Equatable {
    public enum Placement: String, Sendable {
        /// `Authorization: OAuth ...`
        case header
        /// Form body for POST/PUT with a urlencoded body, the query string otherwise (Postman's default).
        case bodyOrQuery = "body_or_query"
    }
    public var consumerKey: String
    public var consumerSecret: String
    public var token: String
    public var tokenSecret: String
    /// `HMAC-SHA1`, `HMAC-SHA256`, `HMAC-SHA512` or `PLAINTEXT`.
    public var signatureMethod: String
    /// Empty: the current time / a fresh nonce for each request.
    public var timestamp: String
    public var nonce: String
    public var version: String
    public var realm: String
    public var callback: String
    public var verifier: String
    public var placement: Placement
    public var includeEmptyParameters: Bool

    public init(
        consumerKey: String, consumerSecret: String, token: String = "", tokenSecret: String = "",
        signatureMethod: String = "HMAC-SHA1", timestamp: String = "", nonce: String = "", version: String = "1.0",
        realm: String = "", callback: String = "", verifier: String = "", placement: Placement = .header,
        includeEmptyParameters: Bool = false
    ) {
        self.consumerKey = consumerKey
        self.consumerSecret = consumerSecret
        self.token = token
        self.tokenSecret = tokenSecret
        self.signatureMethod = signatureMethod
        self.timestamp = timestamp
        self.nonce = nonce
        self.version = version
        self.realm = realm
        self.callback = callback
        self.verifier = verifier
        self.placement = placement
        self.includeEmptyParameters = includeEmptyParameters
    }
}

public struct HawkAuth: Sendable, Equatable {
    public var id: String
    public var key: String
    /// `sha256` (default) or `sha1`.
    public var algorithm: String
    public var user: String
    public var ext: String
    public var app: String
    public var dlg: String
    /// Empty: a fresh nonce / the current time.
    public var nonce: String
    public var timestamp: String
    public var includePayloadHash: Bool

    public init(
        id: String, key: String, algorithm: String = "sha256", user: String = "", ext: String = "", app: String = "",
        dlg: String = "", nonce: String = "", timestamp: String = "", includePayloadHash: Bool = false
    ) {
        self.id = id
        self.key = key
        self.algorithm = algorithm
        self.user = user
        self.ext = ext
        self.app = app
        self.dlg = dlg
        self.nonce = nonce
        self.timestamp = timestamp
        self.includePayloadHash = includePayloadHash
    }
}

public struct AWSv4Auth: Sendable, Equatable {
    public var accessKey: String
    public var secretKey: String
    public var region: String
    public var service: String
    /// Sent as `X-Amz-Security-Token` when set.
    public var sessionToken: String

    public init(accessKey: String, secretKey: String, region: String = "us-east-1", service: String = "execute-api", sessionToken: String = "") {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.region = region
        self.service = service
        self.sessionToken = sessionToken
    }
}

/// What a `RequestSpec` points at: its fields, or the table of a deferred one.
class RequestBox: @unchecked Sendable {}

/// A request as written.
///
/// A value type whose fields live in one copy-on-write box: the collection tree
/// and a run's schedule hold the same request without duplicating its 500-odd
/// bytes of fields, and copying one (which the runner does for every request it
/// runs) is a single retain instead of one per field.
public struct RequestSpec: Sendable {
    private struct Fields {
        var id: String
        var postmanId: String?
        var source: SourceRef
        var baseDirectory: String
        var name: String
        var description: String?
        var tags: [String] = []
        var method: String?
        var url: String?
        var query: [(name: String, values: [String])] = []
        var headers: [HTTPHeader] = []
        var auth: AuthSpec?
        var options: JSONObject = JSONObject()
        var body: BodySpec?
        var assertions: [AssertionSpec] = []
        var captures: [CaptureSpec] = []
        var scripts: [ScriptSpec] = []
        var examples: [JSON] = []
        var skip: String?
        var baseline: BaselineRules?
    }

    private final class Storage: RequestBox, @unchecked Sendable {
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    /// The fields (`Storage`) when `index` is -1; otherwise the `RequestFiles`
    /// table of a deferred request (a file of a native collection, checked at load
    /// and read again when it runs), and `index` is its entry. One reference and
    /// an index keep the value at 12 bytes, which the tree and the schedule hold
    /// once per request.
    private var box: RequestBox
    private var index: Int32

    private var storage: Storage {
        get { unsafeDowncast(box, to: Storage.self) }
        set {
            box = newValue
            index = -1
        }
    }

    private var slot: Slot? { index < 0 ? nil : Slot(table: unsafeDowncast(box, to: RequestFiles.self), index: index) }

    private struct Slot: Sendable {
        let table: RequestFiles
        let index: Int32

        var source: SourceRef {
            let file = table.file(index)
            return SourceRef(file: file, sourceMap: JSONSourceMap(file: file))
        }

        /// What the loader kept, for when the file no longer reads.
        func summaryFields() -> Fields {
            var f = Fields(id: table.id(index), source: source, baseDirectory: table.directory, name: table.name(index))
            if let e = table.extras(index) {
                f.description = e.description
                f.tags = e.tags
                f.skip = e.skip
                f.scripts = e.scripts
                f.captures = e.captures
            }
            return f
        }

        /// The file's request, read again; the summary if it no longer reads
        /// (`RequestSpec.loaded()` is the way that reports why).
        func loadedFields() -> Fields {
            (try? table.load(index))?.storage.fields ?? summaryFields()
        }
    }

    private mutating func makeUnique() {
        if let slot {
            storage = Storage(slot.loadedFields())
        } else if !isKnownUniquelyReferenced(&box) {
            storage = Storage(storage.fields)
        }
    }

    init(deferredIn table: RequestFiles, index: Int32) {
        box = table
        self.index = index
    }

    /// Whether the request's file is read again when it runs (a native collection's
    /// request), rather than held whole.
    public var isDeferred: Bool { slot != nil }

    /// The request whole: itself when it is held whole, else its file read again.
    /// Throws the loader's messages when the file no longer reads as a valid request.
    public func loaded() throws(LoadError) -> RequestSpec {
        guard let slot else { return self }
        return try slot.table.load(slot.index)
    }

    /// Whether the request has a `url` of its own, without reading a deferred file.
    var hasURL: Bool {
        if let slot { return slot.table.flags(slot.index).contains(.hasURL) }
        return storage.fields.url != nil
    }

    /// Whether the body is GraphQL, without reading a deferred file.
    public var isGraphQL: Bool {
        if let slot { return slot.table.flags(slot.index).contains(.graphQL) }
        return storage.fields.body?.isGraphQL == true
    }

    /// Stable identity within the collection: the file's path relative to the
    /// collection root (`01-auth/01-me.json`), or the item's path in a Postman file.
    public var id: String {
        get { if let slot { return slot.table.id(slot.index) }; return storage.fields.id }
        _modify {
            makeUnique()
            yield &storage.fields.id
        }
    }

    /// The item's own id in a Postman file (`id` or `_postman_id`): what
    /// `pm.info.requestId` gives and `setNextRequest` may name.
    public var postmanId: String? {
        get { if let slot { return nil }; return storage.fields.postmanId }
        _modify {
            makeUnique()
            yield &storage.fields.postmanId
        }
    }

    /// Where the request was written, for messages.
    public var source: SourceRef {
        get { if let slot { return slot.source }; return storage.fields.source }
        _modify {
            makeUnique()
            yield &storage.fields.source
        }
    }

    /// The directory relative file paths (multipart files, body files) start from.
    public var baseDirectory: String {
        get { if let slot { return slot.table.directory }; return storage.fields.baseDirectory }
        _modify {
            makeUnique()
            yield &storage.fields.baseDirectory
        }
    }

    public var name: String {
        get { if let slot { return slot.table.name(slot.index) }; return storage.fields.name }
        _modify {
            makeUnique()
            yield &storage.fields.name
        }
    }

    public var description: String? {
        get { if let slot { return slot.table.extras(slot.index)?.description }; return storage.fields.description }
        _modify {
            makeUnique()
            yield &storage.fields.description
        }
    }

    public var tags: [String] {
        get { if let slot { return slot.table.extras(slot.index)?.tags ?? [] }; return storage.fields.tags }
        _modify {
            makeUnique()
            yield &storage.fields.tags
        }
    }

    public var method: String? {
        get { if let slot { return slot.loadedFields().method }; return storage.fields.method }
        _modify {
            makeUnique()
            yield &storage.fields.method
        }
    }

    public var url: String? {
        get { if let slot { return slot.loadedFields().url }; return storage.fields.url }
        _modify {
            makeUnique()
            yield &storage.fields.url
        }
    }

    /// Query parameters: each value is a template string or an array of them.
    public var query: [(name: String, values: [String])] {
        get { if let slot { return slot.loadedFields().query }; return storage.fields.query }
        _modify {
            makeUnique()
            yield &storage.fields.query
        }
    }

    /// Headers in order; a name may repeat (each one is sent).
    public var headers: [HTTPHeader] {
        get { if let slot { return slot.loadedFields().headers }; return storage.fields.headers }
        _modify {
            makeUnique()
            yield &storage.fields.headers
        }
    }

    public var auth: AuthSpec? {
        get { if let slot { return slot.loadedFields().auth }; return storage.fields.auth }
        _modify {
            makeUnique()
            yield &storage.fields.auth
        }
    }

    public var options: JSONObject {
        get { if let slot { return slot.loadedFields().options }; return storage.fields.options }
        _modify {
            makeUnique()
            yield &storage.fields.options
        }
    }

    public var body: BodySpec? {
        get { if let slot { return slot.loadedFields().body }; return storage.fields.body }
        _modify {
            makeUnique()
            yield &storage.fields.body
        }
    }

    public var assertions: [AssertionSpec] {
        get { if let slot { return slot.loadedFields().assertions }; return storage.fields.assertions }
        _modify {
            makeUnique()
            yield &storage.fields.assertions
        }
    }

    public var captures: [CaptureSpec] {
        get { if let slot { return slot.table.extras(slot.index)?.captures ?? [] }; return storage.fields.captures }
        _modify {
            makeUnique()
            yield &storage.fields.captures
        }
    }

    /// Pre-request and test scripts of the request itself.
    public var scripts: [ScriptSpec] {
        get { if let slot { return slot.table.extras(slot.index)?.scripts ?? [] }; return storage.fields.scripts }
        _modify {
            makeUnique()
            yield &storage.fields.scripts
        }
    }

    /// Saved example responses (Postman's `response`), kept for import, never run.
    public var examples: [JSON] {
        get { if let slot { return slot.loadedFields().examples }; return storage.fields.examples }
        _modify {
            makeUnique()
            yield &storage.fields.examples
        }
    }

    /// Skipped with this reason ("" when `skip: true`).
    public var skip: String? {
        get { if let slot { return slot.table.extras(slot.index)?.skip }; return storage.fields.skip }
        _modify {
            makeUnique()
            yield &storage.fields.skip
        }
    }

    /// The request's own baseline rules (added to its folders' and the collection's).
    public var baseline: BaselineRules? {
        get { if let slot { return slot.loadedFields().baseline }; return storage.fields.baseline }
        _modify {
            makeUnique()
            yield &storage.fields.baseline
        }
    }

    public init(id: String, name: String, source: SourceRef, baseDirectory: String? = nil) {
        box = Storage(Fields(id: id, source: source, baseDirectory: baseDirectory ?? RequestSpec.directory(of: source.file), name: name))
        index = -1
    }

    /// The file the request was read from.
    public var file: String {
        if let slot { return slot.table.file(slot.index) }
        return storage.fields.source.file
    }

    /// `file:line:column` of a JSON pointer in this request's file (and the item, for Postman).
    public func location(_ pointer: String) -> String { source.describe(pointer) }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

public struct MultipartPart: Sendable {
    public var name: String
    public var value: String?
    /// Path of the file to upload (a template; relative to the request's base directory).
    public var file: String?
    public var contentType: String?

    public init(name: String, value: String? = nil, file: String? = nil, contentType: String? = nil) {
        self.name = name
        self.value = value
        self.file = file
        self.contentType = contentType
    }
}

/// A GraphQL operation to POST as `{"query", "variables", "operationName"}`.
public struct GraphQLBody: Sendable {
    /// The query text (a template).
    public var query: String
    /// The `.graphql` file the query was read from, if any (for messages and checks).
    public var queryFile: String?
    /// An object (templated recursively), one whole template, or a string of JSON
    /// text with templates inside (Postman's form), parsed once resolved.
    public var variables: JSON?
    public var operationName: String?

    public init(query: String, queryFile: String? = nil, variables: JSON? = nil, operationName: String? = nil) {
        self.query = query
        self.queryFile = queryFile
        self.variables = variables
        self.operationName = operationName
    }
}

public enum BodySpec: Sendable {
    /// Any JSON, templated recursively.
    case json(JSON)
    case raw(String, contentType: String?)
    case form([(name: String, value: String)])
    case multipart([MultipartPart])
    case graphql(GraphQLBody)
    /// The bytes of a file (path a template, relative to the request's base directory).
    case file(path: String, contentType: String?)

    public var isGraphQL: Bool { if case .graphql = self { return true } else { return false } }
}
