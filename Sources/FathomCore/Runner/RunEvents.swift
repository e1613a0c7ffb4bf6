/// What the runner tells reporters. Reporters consume these events and nothing
/// else, so they never reach into the engine. Every string in an event has
/// already been redacted: secrets appear as `***`.
public enum RunEvent: Sendable {
    case runStarted(RunInfo)
    /// Sent before each iteration's first request, only when the run has several.
    case iterationStarted(iteration: Int, of: Int)
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
    /// Requests per iteration.
    public var requestCount: Int
    public var startedAt: Double  // seconds since 1970
    /// How many times the selected requests run (data rows, `--iterations`).
    public var iterations: Int
    /// Scripts that would run in this run but are not run (reported once each).
    public var skippedScripts: [SkippedScript]
    /// Load warnings, as text.
    public var warnings: [String]
    /// Set when the run is one shard of several (`--shard K/N`).
    public var shard: ShardInfo?
    /// How many requests the run is about to send, over all its iterations (this
    /// shard's share under `--shard`), for progress.
    public var plannedRequests: Int
    public init(
        collectionName: String, source: String, requestCount: Int, startedAt: Double, iterations: Int = 1,
        skippedScripts: [SkippedScript] = [], warnings: [String] = []
    ) {
        self.collectionName = collectionName
        self.source = source
        self.requestCount = requestCount
        self.startedAt = startedAt
        self.iterations = iterations
        self.skippedScripts = skippedScripts
        self.warnings = warnings
        plannedRequests = requestCount * max(1, iterations)
    }
}

/// A pre-request or test script that this version does not run.
public struct SkippedScript: Sendable, Equatable {
    /// `test script of request "Accounts/List"`.
    public var name: String
    /// `file:line:column` (and the item) where it is written.
    public var location: String
    public static let reason = "scripts not run"
    public init(name: String, location: String) {
        self.name = name
        self.location = location
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
    /// The iteration (from 1) and how many the run has.
    public var iteration: Int
    public var iterations: Int
    /// Under `--shard`, where the request stands in an unsharded run, for
    /// `merge-reports`: its iteration (0-based) when the shards share iterations,
    /// else its position among the selected requests.
    public var shardOrder: Int?
    public init(index: Int, id: String, name: String, folders: [String], iteration: Int = 1, iterations: Int = 1) {
        self.index = index
        self.id = id
        self.name = name
        self.folders = folders
        self.iteration = iteration
        self.iterations = iterations
    }

    /// `folder / sub / name`, the stable display name used in reports; with several
    /// iterations, ` [iteration 2]` is added so every name stays unique and stable.
    public var qualifiedName: String {
        let base = (folders + [name]).joined(separator: " / ")
        return iterations > 1 ? base + " [iteration \(iteration)]" : base
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
    /// `body` is the first `RunConfiguration.reportedBodyLimit` bytes of a longer body.
    public var bodyTruncated: Bool
    public init(status: Int, httpVersion: String, headers: [HTTPHeader], body: String, sizeBytes: Int, timing: Timing, bodyTruncated: Bool = false) {
        self.status = status
        self.httpVersion = httpVersion
        self.headers = headers
        self.body = body
        self.sizeBytes = sizeBytes
        self.timing = timing
        self.bodyTruncated = bodyTruncated
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
    /// A test that was skipped (`pm.test.skip`): neither passed nor failed.
    public var isSkipped: Bool
    /// A failure that is an error of the script rather than a failed check (JUnit `<error>`).
    public var isError: Bool
    /// Where the assertion is written in the request's file (set on failures, for
    /// annotations that point at the line).
    public var position: SourcePosition?
    public init(
        name: String, passed: Bool, isImplicit: Bool = false, expected: String? = nil, actual: String? = nil, message: String? = nil,
        isSkipped: Bool = false, isError: Bool = false, position: SourcePosition? = nil
    ) {
        self.name = name
        self.passed = passed
        self.isImplicit = isImplicit
        self.expected = expected
        self.actual = actual
        self.message = message
        self.isSkipped = isSkipped
        self.isError = isError
        self.position = position
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
    /// Things worth knowing that did not fail the request (a variable sent as written).
    public var warnings: [String] = []
    /// What the request's scripts printed (`console.log`), `level: text`, redacted.
    public var console: [String] = []
    /// Wall time spent on this request, including delay and all work, in milliseconds.
    public var durationMs: Double
    /// The file the request is written in, and where in it (set when the request
    /// failed or errored, for annotations that point at it).
    public var location: FilePosition?
    /// Time spent waiting out rate limits (429 with `Retry-After`) before the
    /// response that counts, in milliseconds; 0 when the server never asked.
    public var rateLimitWaitMs: Double = 0
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

/// A place in a file: the file as the loader opened it (relative to the working
/// directory when the collection was given so), and a line and column when known.
public struct FilePosition: Sendable, Equatable {
    public var file: String
    public var position: SourcePosition?
    public init(file: String, position: SourcePosition? = nil) {
        self.file = file
        self.position = position
    }
}

/// How many requests and assertions ended which way: what a summary, an exit status
/// and a report's totals need, kept as the run goes so no result has to be held.
public struct RunCounts: Sendable, Equatable {
    public var requests = 0
    public var passed = 0
    public var failedRequests = 0
    public var errors = 0
    public var skipped = 0
    public var assertionsPassed = 0
    public var assertionsFailed = 0
    public var assertionsSkipped = 0
    public init() {}

    public init(_ results: [RequestResult]) {
        for r in results { add(r) }
    }

    public mutating func add(_ r: RequestResult) {
        switch r.status {
        case .passed: passed += 1
        case .failed: failedRequests += 1
        case .error: errors += 1
        case .skipped: skipped += 1
        }
        if r.status != .skipped { requests += 1 }
        for a in r.assertions {
            if a.isSkipped {
                assertionsSkipped += 1
            } else if !a.passed {
                assertionsFailed += 1
            } else if !a.isImplicit {
                assertionsPassed += 1
            }
        }
    }
}

public struct RunSummary: Sendable {
    public var collectionName: String
    /// Every result, when the run was asked to keep them (`RunConfiguration.keepResults`);
    /// the counts are kept either way.
    public var results: [RequestResult]
    public var counts: RunCounts
    public var durationMs: Double
    public var interrupted: Bool
    /// Scripts not run in this run (each counted once).
    public var skippedScripts: Int
    public init(collectionName: String, results: [RequestResult], durationMs: Double, interrupted: Bool = false, skippedScripts: Int = 0) {
        self.init(collectionName: collectionName, results: results, counts: RunCounts(results), durationMs: durationMs, interrupted: interrupted, skippedScripts: skippedScripts)
    }

    public init(collectionName: String, results: [RequestResult], counts: RunCounts, durationMs: Double, interrupted: Bool = false, skippedScripts: Int = 0) {
        self.collectionName = collectionName
        self.results = results
        self.counts = counts
        self.durationMs = durationMs
        self.interrupted = interrupted
        self.skippedScripts = skippedScripts
    }

    public var requests: Int { counts.requests }
    public var skipped: Int { counts.skipped }
    public var errors: Int { counts.errors }
    public var failedRequests: Int { counts.failedRequests }
    public var assertionsPassed: Int { counts.assertionsPassed }
    public var assertionsFailed: Int { counts.assertionsFailed }
    public var assertionsSkipped: Int { counts.assertionsSkipped }

    /// The process exit status the format defines: 3 for errors, 1 for failures, 0 otherwise.
    public var exitStatus: Int32 {
        if interrupted { return 130 }
        if errors > 0 { return 3 }
        if failedRequests > 0 { return 1 }
        return 0
    }
}
