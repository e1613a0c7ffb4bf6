/// Everything about one run that does not come from the collection files:
/// the command line's choices, already parsed.
public struct RunConfiguration: Sendable {
    /// `--env`: the environment scope.
    public var environment: EnvironmentValues?
    /// `--globals`/`-g` and `--global-var`: the lowest scope, below the collection's variables.
    public var globals: EnvironmentValues?
    /// `--var name=value` (values parsed as JSON when they are valid JSON scalars, else strings).
    public var variables = JSONObject()
    /// `--secret name=value`.
    public var secretVariables = JSONObject()
    /// `--data`/`-d`: one variable scope per iteration (a row of a CSV or JSON file).
    public var iterationData: [JSONObject] = []
    /// `--iterations`/`-n`: how many times the collection runs; nil means once per data
    /// row, or once without data. With more iterations than rows, the last row is
    /// used again (as Newman does).
    public var iterationCount: Int?
    /// `--folder`: run only requests under these folders (name or relative path).
    public var folders: [String] = []
    public var includeTags: [String] = []
    public var excludeTags: [String] = []
    public var bail = false
    /// `--parallel N`: how many lanes (iterations, parallel top-level folders) run
    /// at once; 1 is a sequential run.
    public var parallel = 1
    /// The largest `--parallel` accepted.
    public static let maxParallel = 64
    /// `--shard K/N`: this shard's units of the collection; nil runs everything.
    public var share: RunShare?
    /// `--delay-request`: wait this long between requests, in milliseconds.
    public var delayBetweenRequestsMs = 0
    /// `--timeout` in milliseconds, overriding every request's timeout_ms.
    public var timeoutMs: Int?
    /// `--timeout-script`, in milliseconds: bounds each script once scripts run.
    public var scriptTimeoutMs: Int?
    public var insecure = false
    /// `--allow-insecure-auth`: send credentials over plain `http://` to other hosts too.
    public var allowInsecureAuth = false
    public var caCertPath: String?
    public var clientCertPath: String?
    public var clientKeyPath: String?
    /// `--rewrite FROM=TO`: URL prefixes replaced in every resolved URL, first match wins.
    public var rewrites: [URLRewrite] = []
    /// `--connect-to HOST:PORT:HOST2:PORT2`, as curl has it.
    public var connectTo: [String] = []
    /// Keep response and request bodies in events (verbose console, JSON report).
    public var includeBodies = false
    /// A response body longer than this many bytes reaches reporters cut to it
    /// (`ReceivedResponse.bodyTruncated`), redacted without being decoded whole: a
    /// 50 MB body no reporter shows beyond 64 KB is not turned into a 50 MB string.
    /// `nil` keeps bodies whole (`schema pull` reads the introspection answer).
    public var reportedBodyLimit: Int? = 64 * 1024
    /// Where dynamic values (`{{$guid}}`, ...) come from (seeded with `--seed`).
    public var dynamicValues = DynamicValues.system
    /// Digests for request signing (OAuth 1.0a, Hawk); nil makes those requests errors.
    public var hashing: (any Hashing)?
    /// Whether the summary holds every result (a run's memory then grows with it);
    /// `fathom run` keeps only the counts, its reporters stream.
    public var keepResults = true
    /// Records each response as the baseline, or compares each with it.
    public var baseline: BaselineStore?
    /// `--max-retry-after`, in milliseconds: a 429 response whose `Retry-After` asks
    /// for at most this long is waited out and the request sent again; a longer one
    /// (or 0 here) leaves the 429 as the response.
    public var maxRetryAfterMs = 60_000
    /// How many times one request waits out a 429 before the 429 stands.
    public static let maxRateLimitWaits = 10
    /// Checked between requests; set by a signal handler to stop the run.
    public var cancellation = CancellationFlag()

    public init() {}

    /// The number of iterations this configuration runs.
    public var effectiveIterationCount: Int {
        iterationCount ?? max(1, iterationData.count)
    }

    /// The data row of an iteration (0-based).
    public func dataRow(_ iteration: Int) -> JSONObject {
        guard !iterationData.isEmpty else { return JSONObject() }
        return iterationData[min(iteration, iterationData.count - 1)]
    }
}

/// A URL prefix and its replacement (`--rewrite https://api.example.com=http://127.0.0.1:8484`).
public struct URLRewrite: Sendable, Equatable {
    public var from: String
    public var to: String
    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }

    /// Parses `FROM=TO`; nil when either side is empty.
    public static func parse(_ text: String) -> URLRewrite? {
        // The first "=" that is followed by a scheme or a slash separates them, so a FROM
        // with "=" in its query still works; otherwise the first "=".
        let candidates = text.indices.filter { text[$0] == "=" }
        let split = candidates.first { i in
            let rest = text[text.index(after: i)...]
            return rest.hasPrefix("http://") || rest.hasPrefix("https://") || rest.hasPrefix("/")
        } ?? candidates.first
        guard let split else { return nil }
        let from = String(text[..<split]), to = String(text[text.index(after: split)...])
        guard !from.isEmpty, !to.isEmpty else { return nil }
        return URLRewrite(from: from, to: to)
    }

    static func hasPort(_ prefix: String) -> Bool {
        guard let schemeEnd = prefix.range(of: "://") else { return false }
        let authority = prefix[schemeEnd.upperBound...].prefix { $0 != "/" }
        return authority.contains(":") && !authority.hasSuffix("]")
    }

    /// The URL with the prefix replaced, or nil when it does not start with it.
    /// The prefix matches at a component boundary (`https://a.com` does not rewrite
    /// `https://a.com.evil`), and user info in the URL (`https://u:p@a.com/`) is kept
    /// in front of the new host.
    public func apply(_ url: String) -> String? {
        var candidate = url
        var userInfo = ""
        if let schemeEnd = url.range(of: "://") {
            let authorityEnd = url[schemeEnd.upperBound...].firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? url.endIndex
            if let at = url[schemeEnd.upperBound..<authorityEnd].lastIndex(of: "@") {
                userInfo = String(url[schemeEnd.upperBound...at])
                candidate = String(url[..<schemeEnd.upperBound]) + url[url.index(after: at)...]
            }
        }
        guard candidate.lowercased().hasPrefix(from.lowercased()) else { return nil }
        var rest = candidate.dropFirst(from.count)
        // `https://a.com` also covers `https://a.com:443` (the same origin), not `:8443`.
        if rest.first == ":", !from.hasSuffix("/"), !Self.hasPort(from) {
            let digits = rest.dropFirst().prefix { $0.isNumber }
            let scheme = from.lowercased().hasPrefix("https:") ? "443" : from.lowercased().hasPrefix("http:") ? "80" : ""
            guard digits == scheme[...] else { return nil }
            rest = rest.dropFirst(1 + digits.count)
        }
        if let next = rest.first, !from.hasSuffix("/"), ![Character("/"), "?", "#", ":"].contains(next) { return nil }
        var target = to
        if !userInfo.isEmpty, let schemeEnd = target.range(of: "://") { target.insert(contentsOf: userInfo, at: schemeEnd.upperBound) }
        return target + rest
    }
}

/// A thread-safe flag set once to ask the runner to stop, and the actions that
/// run when it is set (the command cancels the run's task with one, which aborts
/// the transfers in flight).
public final class CancellationFlag: Sendable {
    private struct State {
        var cancelled = false
        var actions: [@Sendable () -> Void] = []
    }
    private let state = Locked(State())
    public init() {}
    public var isCancelled: Bool { state.withLock { $0.cancelled } }

    public func cancel() {
        let actions = state.withLock { s -> [@Sendable () -> Void] in
            guard !s.cancelled else { return [] }
            s.cancelled = true
            defer { s.actions = [] }
            return s.actions
        }
        for action in actions { action() }
    }

    /// Runs `action` when the flag is set (at once if it already is).
    public func whenCancelled(_ action: @escaping @Sendable () -> Void) {
        let now = state.withLock { s -> Bool in
            if s.cancelled { return true }
            s.actions.append(action)
            return false
        }
        if now { action() }
    }
}

/// Evaluates XPath on a response body. Implemented on libxml2 outside the core.
public protocol XPathEvaluating: Sendable {
    /// The selected value: a string, number or boolean, an array of node texts when
    /// several nodes match, or nil when nothing matched. Throws on an invalid
    /// expression or a body that is not XML/HTML.
    func evaluate(_ expression: String, body: [UInt8], isHTML: Bool) throws -> JSON?
}
