import FathomCore
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// Why a mock instance could not start.
public enum MockServerError: Error, Sendable, CustomStringConvertible {
    /// `start()` or `run()` was called while the server was already serving.
    case alreadyRunning(baseURL: String)
    /// The listening socket could not be bound (typically: the port is taken).
    case bindFailed(host: String, port: Int, reason: String)
    /// The server stopped before it was listening.
    case stoppedBeforeStart

    public var description: String {
        switch self {
        case .alreadyRunning(let url):
            return "the mock server is already running at \(url)"
        case .bindFailed(let host, let port, let reason):
            let taken = reason.contains("in use") || reason.contains("EADDRINUSE") || reason.contains("errno: 98")
            return taken
                ? "cannot listen on \(host):\(port): the port is already in use (\(reason))"
                : "cannot listen on \(host):\(port): \(reason)"
        case .stoppedBeforeStart:
            return "the mock server stopped before it was listening"
        }
    }
}

/// The embedded, postman-echo compatible instance, served by Hummingbird.
///
/// `start()` serves in the background and returns the bound port; `stop()` shuts
/// down gracefully. `run()` serves in the foreground until SIGINT/SIGTERM.
public final class MockServer: Sendable {
    public let configuration: MockConfiguration

    private struct State {
        var running = false
        var port: Int?
        var group: ServiceGroup?
        var task: Task<Void, Never>?
    }

    private let state = Locked(State())
    /// The Sonar slice's data: per instance, kept across stop and start.
    private let sonar: SonarServiceHolder

    public init(configuration: MockConfiguration = MockConfiguration()) {
        self.configuration = configuration
        sonar = SonarServiceHolder(configuration: configuration)
    }

    /// The bound port once started (`nil` before `start()` and after `stop()`).
    public var port: Int? { state.withLock { $0.port } }

    /// `http://HOST:PORT`: the bound port once started, the configured one otherwise.
    public var baseURL: String {
        let port = state.withLock { $0.port } ?? configuration.port
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "http://\(host):\(port)"
    }

    /// Starts serving in the background and returns the bound port
    /// (a free ephemeral one when the configured port is 0).
    /// - Throws: `MockServerError.bindFailed` when the address cannot be bound.
    @discardableResult
    public func start() async throws -> Int {
        let startup = Startup()
        let group = try claim(startup: startup, signals: [])
        let task = Task {
            do {
                try await group.run()
                startup.fail(MockServerError.stoppedBeforeStart)
            } catch {
                startup.fail(error)
            }
        }
        state.withLock { $0.task = task }
        do {
            let port = try await startup.wait()
            state.withLock { $0.port = port }
            return port
        } catch {
            await task.value
            release()
            throw mapStartError(error)
        }
    }

    /// Serves in the foreground until SIGINT or SIGTERM, then shuts down gracefully.
    /// - Parameter onStarted: called with the bound port once the server listens.
    public func run(onStarted: (@Sendable (Int) async -> Void)? = nil) async throws {
        let startup = Startup()
        let group = try claim(startup: startup, signals: [.sigterm, .sigint])
        let watcher = Task {
            if let port = try? await startup.wait() {
                self.state.withLock { $0.port = port }
                await onStarted?(port)
            }
        }
        defer { release() }
        do {
            try await group.run()
            startup.fail(MockServerError.stoppedBeforeStart)
            await watcher.value
        } catch {
            let started = startup.hasStarted
            startup.fail(error)
            await watcher.value
            throw started ? error : mapStartError(error)
        }
    }

    /// Gracefully shuts the server down and waits for it to finish. Idempotent.
    public func stop() async {
        let (group, task) = state.withLock { state -> (ServiceGroup?, Task<Void, Never>?) in
            let taken = (state.group, state.task)
            state.group = nil
            state.task = nil
            return taken
        }
        guard let group else { return }
        await group.triggerGracefulShutdown()
        if let task {
            await task.value
            release()
        }
    }

    // MARK: - Internals

    private func claim(startup: Startup, signals: [UnixSignal]) throws -> ServiceGroup {
        var logger = Logger(label: "fathom.mock")
        logger.logLevel = .warning
        let app = Application(
            responder: MockResponder(configuration: configuration, sonar: sonar),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: nil
            ),
            onServerRunning: { [sonar] channel in
                startup.succeed(channel.localAddress?.port ?? 0)
                // The Sonar slice (its schema and seed data, tens of milliseconds) is made
                // in the background now rather than in the first GraphQL request, so that
                // request's response time is not the slice's start-up.
                Task.detached(priority: .utility) { _ = try? sonar.get() }
            },
            logger: logger
        )
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [app], gracefulShutdownSignals: signals, logger: logger
            )
        )
        let url = baseURL
        try state.withLock { state in
            if state.running { throw MockServerError.alreadyRunning(baseURL: url) }
            state.running = true
            state.group = group
        }
        return group
    }

    private func release() {
        state.withLock { $0 = State() }
    }

    private func mapStartError(_ error: any Error) -> any Error {
        if error is MockServerError { return error }
        return MockServerError.bindFailed(
            host: configuration.host, port: configuration.port, reason: "\(error)"
        )
    }
}

/// A one-shot rendezvous between the serving task and `start()`.
private final class Startup: Sendable {
    private struct State {
        var result: Result<Int, any Error>?
        var waiter: CheckedContinuation<Int, any Error>?
    }

    private let state = Locked(State())

    var hasStarted: Bool {
        state.withLock { if case .success = $0.result { return true } else { return false } }
    }

    func succeed(_ port: Int) { complete(.success(port)) }
    func fail(_ error: any Error) { complete(.failure(error)) }

    private func complete(_ result: Result<Int, any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<Int, any Error>? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    func wait() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Result<Int, any Error>? in
                if let result = state.result { return result }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
