/// What the user wrote, loaded and validated: the collection tree.
///
/// Strings here are still templates (`{{name}}`); the runner resolves them per
/// request. `HTTPRequest` is what was actually sent; these types are what was asked for.
public struct CollectionSpec: Sendable {
    public var name: String
    public var description: String?
    /// The collection directory, or the single request file that was run.
    public var rootPath: String
    /// collection.json's settings and the tree below it.
    public var root: Folder

    /// Every request in run order, with the folders that enclose it.
    public func flattened() -> [ScheduledRequest] {
        var out: [ScheduledRequest] = []
        func walk(_ folder: Folder, _ chain: [Folder]) {
            let chain = chain + [folder]
            for child in folder.children {
                switch child {
                case .folder(let f): walk(f, chain)
                case .request(let r): out.append(ScheduledRequest(request: r, folders: chain))
                }
            }
        }
        walk(root, [])
        return out
    }

    /// Number of requests in the collection.
    public var requestCount: Int { flattened().count }
}

/// A request together with the folders above it (the collection root first).
public struct ScheduledRequest: Sendable {
    public var request: RequestSpec
    public var folders: [Folder]

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

public indirect enum Node: Sendable {
    case folder(Folder)
    case request(RequestSpec)
}

public struct Folder: Sendable {
    /// Path relative to the collection root ("" for the root).
    public var id: String
    public var name: String
    public var settings: Settings
    public var children: [Node]
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
    public init() {}
}

/// Authentication as written; every string is a template.
public enum AuthSpec: Sendable, Equatable {
    case none
    case bearer(String)
    case basic(username: String, password: String)
    case apiKeyHeader(name: String, value: String)
    case apiKeyQuery(name: String, value: String)
    case digest(username: String, password: String)
}

/// A request file as written.
public struct RequestSpec: Sendable {
    /// Path relative to the collection root, e.g. `01-auth/01-me.json`; stable across runs.
    public var id: String
    /// Absolute or as-given path of the file, for messages and sidecar files.
    public var file: String
    public var name: String
    public var description: String?
    public var tags: [String] = []
    public var method: String?
    public var url: String?
    /// Query parameters: each value is a template string or an array of them.
    public var query: [(name: String, values: [String])] = []
    public var headers: [HTTPHeader] = []
    public var auth: AuthSpec?
    public var options = JSONObject()
    public var body: BodySpec?
    public var assertions: [AssertionSpec] = []
    public var captures: [CaptureSpec] = []
    /// Skipped with this reason ("" when `skip: true`).
    public var skip: String?
    /// Where each field of the file is, for run-time messages.
    public var sourceMap: JSONSourceMap

    /// `file:line:column` of a JSON pointer in this request's file.
    public func location(_ pointer: String) -> String {
        if let p = sourceMap.position(for: pointer) { return "\(file):\(p.line):\(p.column)" }
        return file
    }
}

public struct MultipartPart: Sendable {
    public var name: String
    public var value: String?
    /// Resolved path of the file to upload.
    public var file: String?
    public var contentType: String?
}

public enum BodySpec: Sendable {
    /// Any JSON, templated recursively.
    case json(JSON)
    case raw(String, contentType: String?)
    case form([(name: String, value: String)])
    case multipart([MultipartPart])
    /// The query text is loaded from the sidecar file when `file` was used.
    case graphql(query: String, variables: JSON?, operationName: String?)

    public var isGraphQL: Bool { if case .graphql = self { return true } else { return false } }
}
