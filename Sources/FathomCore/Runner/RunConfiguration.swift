/// Everything about one run that does not come from the collection files:
/// the command line's choices, already parsed.
public struct RunConfiguration: Sendable {
    public var environment: EnvironmentValues?
    /// `--var name=value` (values parsed as JSON when they are valid JSON scalars, else strings).
    public var variables = JSONObject()
    /// `--secret name=value`.
    public var secretVariables = JSONObject()
    /// `--folder`: run only requests under these folders (name or relative path).
    public var folders: [String] = []
    public var includeTags: [String] = []
    public var excludeTags: [String] = []
    public var bail = false
    /// `--timeout` in milliseconds, overriding every request's timeout_ms.
    public var timeoutMs: Int?
    public var insecure = false
    public var caCertPath: String?
    public var clientCertPath: String?
    public var clientKeyPath: String?
    /// Keep response and request bodies in events (verbose console, JSON report).
    public var includeBodies = false
    /// Checked between requests; set by a signal handler to stop the run.
    public var cancellation = CancellationFlag()

    public init() {}
}

/// A thread-safe flag set once to ask the runner to stop.
public final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    public init() {}
    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
    public func cancel() {
        lock.lock()
        value = true
        lock.unlock()
    }
}

/// Evaluates XPath on a response body. Implemented on libxml2 outside the core.
public protocol XPathEvaluating: Sendable {
    /// The selected value: a string, number or boolean, an array of node texts when
    /// several nodes match, or nil when nothing matched. Throws on an invalid
    /// expression or a body that is not XML/HTML.
    func evaluate(_ expression: String, body: [UInt8], isHTML: Bool) throws -> JSON?
}

import Foundation
