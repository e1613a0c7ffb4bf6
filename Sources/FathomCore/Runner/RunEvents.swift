/// What the runner tells reporters. Reporters consume these events and nothing
/// else, so they never reach into the engine. Every string in an event has
/// already been redacted: secrets appear as `***`.
public enum RunEvent: Sendable {
    case runStarted(RunInfo)
    case requestStarted(RequestInfo)
    case requestFinished(RequestResult)
    case runFinished(RunSummary)
}

/// Consumes run events; console, JUnit, JSON and HTML reporters implement it.
public protocol Reporter: AnyObject {
    func handle(_ event: RunEvent)
    /// Called once after `runFinished`, to write files; errors are reported to the user.
    func finish() throws
}

extension Reporter {
    public func finish() throws {}
}

public struct RunInfo: Sendable {
    public var collectionName: String
    /// The collection directory or file as given on the command line.
    public var source: String
    public var requestCount: Int
    public var startedAt: Double  // seconds since 1970
    public init(collectionName: String, source: String, requestCount: Int, startedAt: Double) {
        self.collectionName = collectionName
        self.source = source
        self.requestCount = requestCount
        self.startedAt = startedAt
    }
}

/// Identifies a request within a run, stably from run to run.
public struct RequestInfo: Sendable {
    /// Position in the run, from 1.
    public var index: Int
    /// Path of the request file relative to the collection root, e.g. `01-auth/01-me.json`.
    public var id: String
    public var name: String
    /// Names of the enclosing folders, outermost first.
    public var folders: [String]
    public init(index: Int, id: String, name: String, folders: [String]) {
        self.index = index
        self.id = id
        self.name = name
        self.folders = folders
    }

    /// `folder / sub / name`, the stable display name used in reports.
    public var qualifiedName: String {
        (folders + [name]).joined(separator: " / ")
    }
}

public enum RequestStatus: String, Sendable {
    case passed, failed, error, skipped
}

/// The request as it was sent (redacted).
public struct SentRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [HTTPHeader]
    public var body: String?
    public init(method: String, url: String, headers: [HTTPHeader], body: String?) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// The response as received (redacted), for reporters.
public struct ReceivedResponse: Sendable {
    public var status: Int
    public var httpVersion: String
    public var headers: [HTTPHeader]
    public var body: String
    public var sizeBytes: Int
    public var timing: Timing
    public init(status: Int, httpVersion: String, headers: [HTTPHeader], body: String, sizeBytes: Int, timing: Timing) {
        self.status = status
        self.httpVersion = httpVersion
        self.headers = headers
        self.body = body
        self.sizeBytes = sizeBytes
        self.timing = timing
    }
}

/// One checked assertion or implicit check.
public struct AssertionResult: Sendable {
    /// Stable, generated from the assertion unless it names itself.
    public var name: String
    public var passed: Bool
    /// Implicit checks (GraphQL errors, captures) are reported only when they fail.
    public var isImplicit: Bool
    public var expected: String?
    public var actual: String?
    /// Why it failed, in words.
    public var message: String?
    public init(name: String, passed: Bool, isImplicit: Bool = false, expected: String? = nil, actual: String? = nil, message: String? = nil) {
        self.name = name
        self.passed = passed
        self.isImplicit = isImplicit
        self.expected = expected
        self.actual = actual
        self.message = message
    }
}

public struct RequestResult: Sendable {
    public var info: RequestInfo
    public var status: RequestStatus
    public var request: SentRequest?
    public var response: ReceivedResponse?
    public var assertions: [AssertionResult]
    /// Set when the request could not be built or completed (status `.error`).
    public var errorMessage: String?
    /// Set when the request was skipped.
    public var skipReason: String?
    /// Wall time spent on this request, including delay and all work, in milliseconds.
    public var durationMs: Double
    public init(
        info: RequestInfo, status: RequestStatus, request: SentRequest? = nil, response: ReceivedResponse? = nil,
        assertions: [AssertionResult] = [], errorMessage: String? = nil, skipReason: String? = nil, durationMs: Double = 0
    ) {
        self.info = info
        self.status = status
        self.request = request
        self.response = response
        self.assertions = assertions
        self.errorMessage = errorMessage
        self.skipReason = skipReason
        self.durationMs = durationMs
    }
}

public struct RunSummary: Sendable {
    public var collectionName: String
    public var results: [RequestResult]
    public var durationMs: Double
    public var interrupted: Bool
    public init(collectionName: String, results: [RequestResult], durationMs: Double, interrupted: Bool = false) {
        self.collectionName = collectionName
        self.results = results
        self.durationMs = durationMs
        self.interrupted = interrupted
    }

    public var requests: Int { results.filter { $0.status != .skipped }.count }
    public var skipped: Int { results.filter { $0.status == .skipped }.count }
    public var errors: Int { results.filter { $0.status == .error }.count }
    public var failedRequests: Int { results.filter { $0.status == .failed }.count }
    public var assertionsPassed: Int { results.reduce(0) { $0 + $1.assertions.filter { $0.passed && !$0.isImplicit }.count } }
    public var assertionsFailed: Int { results.reduce(0) { $0 + $1.assertions.filter { !$0.passed }.count } }

    /// The process exit status the format defines: 3 for errors, 1 for failures, 0 otherwise.
    public var exitStatus: Int32 {
        if interrupted { return 130 }
        if errors > 0 { return 3 }
        if failedRequests > 0 { return 1 }
        return 0
    }
}
