/// What the runner asks of a script engine, and what it gets back. The engine
/// itself (`FathomScript`, on JavaScriptCore) lives outside the core; the core only
/// sees this protocol and plain JSON.
///
/// The context a script sees is one JSON object:
///
///     { "request":   {"url", "method", "headers": [{"key", "value"}], "body": {"mode", ...}},
///       "response":  {"code", "status", "headers": [...], "body", "responseTime", "responseSize", "cookies": [...]},   (tests only)
///       "variables": {"globals", "collection", "environment", "data", "local"},
///       "info":      {"eventName", "iteration", "iterationCount", "requestName", "requestId"} }
///
/// and the engine returns it with the variables (and, before sending, the request)
/// as the scripts left them.
public protocol ScriptRunning: AnyObject {
    /// Runs the scripts of one phase of one request, in order, in one shared
    /// context, and settles their callbacks (`pm.sendRequest`, timers, async tests)
    /// before returning. `sendRequest` performs a `pm.sendRequest` (the JSON form of
    /// a Postman request) and returns the response's JSON form, or `{"error": text}`.
    func run(_ invocation: ScriptInvocation, sendRequest: @escaping (JSON) async -> JSON) async -> ScriptOutcome
}

public struct ScriptInvocation: Sendable {
    public var phase: ScriptSpec.Phase
    public var scripts: [ScriptSpec]
    public var context: JSON
    public init(phase: ScriptSpec.Phase, scripts: [ScriptSpec], context: JSON) {
        self.phase = phase
        self.scripts = scripts
        self.context = context
    }
}

public struct ScriptOutcome: Sendable {
    /// `pm.test` and `tests[...]` results, and script errors (`isError`), in order.
    public var tests: [AssertionResult] = []
    /// The context as the scripts left it.
    public var context: JSON = .null
    /// `console.*` lines, `level: text`.
    public var console: [String] = []
    /// `pm.execution.setNextRequest` / `postman.setNextRequest`.
    public var nextRequest: NextRequest?
    /// `pm.execution.skipRequest()` in a pre-request script.
    public var skipRequest = false
    public init() {}
}

public enum NextRequest: Sendable, Equatable {
    /// Jump to the request with this name or id.
    case named(String)
    /// `null`: stop the iteration after this request.
    case stop
}
