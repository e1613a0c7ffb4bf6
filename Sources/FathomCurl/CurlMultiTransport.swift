import CCurl
import Dispatch
import FathomCore
import Foundation

/// `HTTPTransport` on libcurl's multi interface, for parallel runs.
///
/// One thread runs an event loop: it drives every transfer in flight with
/// `curl_multi_perform`/`curl_multi_poll` (as `curl --parallel` does), and between
/// two polls it runs the jobs of the tasks that prefer its `executor`. A parallel
/// run's lanes are such tasks, so their Swift work (building requests, checking
/// responses, reporting) and their transfers share one thread: no locks on the
/// run's state and no thread hand-off per request. A finished transfer resumes its
/// task in the loop's next turn.
///
/// The easy handles share one connection cache (the multi handle's), and through a
/// share handle one DNS cache, one TLS session cache and one cookie jar, so a
/// parallel run talks to a host over a few kept-alive connections and sees the
/// cookies any lane received, as a sequential run does. Requests with cookies off
/// use handles outside the share. Handles are pooled and reused; there are as many
/// as transfers were ever in flight at once.
///
/// Everything else (options, redirects, `--rewrite`, limits, errors) is
/// `CurlTransport`'s, through the same `CurlHandle`. Call `close()` when done: it
/// stops the loop thread.
public final class CurlMultiTransport: HTTPTransport, @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let share: UnsafeMutableRawPointer
    private let userAgent: String?
    private var thread: Thread?
    /// The loop thread's id, for telling a post from the loop itself (which needs
    /// no wake-up: the loop reads its inbox before it polls again).
    private let loopThreadID = Locked<pthread_t?>(nil)

    // Loop-thread state.
    private var idleShared: [CurlHandle] = []
    private var idlePlain: [CurlHandle] = []
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]
    private var activeByID: [Int: UnsafeMutableRawPointer] = [:]
    /// A handle attached to the share, for reading the jar.
    private var jarReader: CurlHandle?

    // Shared with other threads.
    private let inbox = Locked(Inbox())
    private let ids = Locked(0)

    private struct Inbox {
        var work: [Work] = []
        var stopped = false
    }

    private enum Work {
        case job(UnownedJob)
        case call(() -> Void)
    }

    /// One request in flight: its handle, and the hop it is on when the transport
    /// follows rewritten redirects itself.
    private final class Transfer {
        let id: Int
        let handle: CurlHandle
        let shared: Bool
        let original: HTTPRequest
        var current: HTTPRequest
        var hops = 0
        let continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>
        init(id: Int, handle: CurlHandle, shared: Bool, original: HTTPRequest, current: HTTPRequest,
             continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>) {
            self.id = id
            self.handle = handle
            self.shared = shared
            self.original = original
            self.current = current
            self.continuation = continuation
        }
    }

    /// The executor on the loop thread; tasks that prefer it
    /// (`withTaskExecutorPreference(transport.executor)`) run between transfers.
    public var executor: any TaskExecutor { loopExecutor }
    public var taskExecutor: (any TaskExecutor)? { loopExecutor }
    private let loopExecutor = LoopExecutor()

    public init(userAgent: String? = "fathom") {
        precondition(curlGlobalInitResult == CURLE_OK, "curl_global_init failed: \(curlGlobalInitResult)")
        guard let multi = curl_multi_init(), let share = curl_share_init() else { fatalError("curl_multi_init failed") }
        self.multi = multi
        self.share = share
        self.userAgent = userAgent
        for data in [fathom_lock_data_cookie, fathom_lock_data_dns, fathom_lock_data_ssl_session] {
            _ = fathom_share_setopt_long(share, CURLSHOPT_SHARE, data)
        }
        loopExecutor.transport = self
        let thread = Thread { [self] in runLoop() }
        thread.name = "fathom.curl.multi"
        self.thread = thread
        thread.start()
    }

    deinit {
        for (_, t) in active { curl_multi_remove_handle(multi, t.handle.handle) }
        idleShared = []
        idlePlain = []
        jarReader = nil
        active = [:]
        curl_multi_cleanup(multi)
        curl_share_cleanup(share)
    }

    /// Stops the loop thread once the transfers in flight are done. The transport
    /// sends nothing after this.
    public func close() {
        inbox.withLock { $0.stopped = true }
        curl_multi_wakeup(multi)
        while thread?.isFinished == false { usleep(1000) }
        thread = nil
    }

    public func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        if Task.isCancelled { throw TransportError(.cancelled, "the request was cancelled before it was sent") }
        let id = ids.withLock { n -> Int in
            n += 1
            return n
        }
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>) in
                if !post(.call { self.start(id, request, continuation) }) {
                    continuation.resume(returning: .failure(TransportError(.cancelled, "the transport is closed")))
                }
            }
        } onCancel: {
            _ = post(.call { self.cancel(id) })
        }
        return try result.get()
    }

    /// The shared cookie jar, as Netscape cookie-file lines.
    public func cookieJar() -> [String] {
        if onLoopThread { return readJar() }
        let done = DispatchSemaphore(value: 0)
        let lines = Locked<[String]>([])
        guard post(.call {
            let jar = self.readJar()
            lines.withLock { $0 = jar }
            done.signal()
        }) else { return [] }
        done.wait()
        return lines.withLock { $0 }
    }

    private func readJar() -> [String] {
        if jarReader == nil {
            jarReader = try? CurlHandle(userAgent: userAgent, share: share)
            if let r = jarReader { _ = fathom_setopt_pointer(r.handle, CURLOPT_SHARE, share) }
        }
        return jarReader?.cookies() ?? []
    }

    // MARK: - The loop

    /// Queues work for the loop thread and wakes it; false once closed.
    @discardableResult
    private func post(_ work: Work) -> Bool {
        let accepted = inbox.withLock { box -> Bool in
            if box.stopped, case .call = work { return false }
            box.work.append(work)
            return true
        }
        if accepted, !onLoopThread { curl_multi_wakeup(multi) }
        return accepted
    }

    fileprivate func enqueue(_ job: UnownedJob) {
        post(.job(job))
    }

    private var onLoopThread: Bool {
        guard let id = loopThreadID.withLock({ $0 }) else { return false }
        return pthread_equal(id, pthread_self()) != 0
    }

    private func runLoop() {
        loopThreadID.withLock { $0 = pthread_self() }
        var running: Int32 = 0
        var batch: [Work] = []
        while true {
            let stop = inbox.withLock { box -> Bool in
                swap(&batch, &box.work)
                return box.stopped
            }
            if stop && batch.isEmpty && active.isEmpty { return }
            for work in batch {
                switch work {
                case .job(let job): job.runSynchronously(on: executor.asUnownedTaskExecutor())
                case .call(let body): body()
                }
            }
            batch.removeAll(keepingCapacity: true)
            if !active.isEmpty {
                curl_multi_perform(multi, &running)
                var easy: UnsafeMutableRawPointer?
                var code = CURLE_OK
                while fathom_multi_next_done(multi, &easy, &code) != 0 {
                    if let easy { finished(easy, code) }
                }
            }
            let more = inbox.withLock { !$0.work.isEmpty }
            if !more {
                // libcurl shortens the wait to its own next timeout; a post wakes it.
                curl_multi_poll(multi, nil, 0, active.isEmpty ? 60_000 : 1000, nil)
            }
        }
    }

    private func start(_ id: Int, _ request: HTTPRequest, _ continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>) {
        let shared = request.options.cookies
        let handle: CurlHandle
        do {
            if let h = shared ? idleShared.popLast() : idlePlain.popLast() {
                handle = h
            } else {
                handle = try CurlHandle(userAgent: userAgent, share: shared ? share : nil)
            }
        } catch {
            continuation.resume(returning: .failure(error))
            return
        }
        let first = RewrittenRedirects.apply(to: request) ? RewrittenRedirects.first(request) : request
        let transfer = Transfer(id: id, handle: handle, shared: shared, original: request, current: first, continuation: continuation)
        if let problem = launch(transfer) { complete(transfer, .failure(problem)) }
    }

    /// Prepares the transfer's current hop and adds it to the multi handle.
    private func launch(_ transfer: Transfer) -> TransportError? {
        do {
            _ = try transfer.handle.prepare(transfer.current, ticket: transfer.id, copyBody: true)
        } catch {
            return error
        }
        let code = curl_multi_add_handle(multi, transfer.handle.handle)
        guard code == CURLM_OK else {
            return TransportError(.other, "curl_multi_add_handle failed: \(String(cString: curl_multi_strerror(code)))")
        }
        active[transfer.handle.handle] = transfer
        activeByID[transfer.id] = transfer.handle.handle
        return nil
    }

    private func finished(_ easy: UnsafeMutableRawPointer, _ code: CURLcode) {
        guard let transfer = active.removeValue(forKey: easy) else { return }
        activeByID[transfer.id] = nil
        curl_multi_remove_handle(multi, easy)
        let handle = transfer.handle
        guard code == CURLE_OK else {
            complete(transfer, .failure(handle.failure(code)))
            return
        }
        let response: HTTPResponse
        do {
            response = try handle.collectResponse()
        } catch {
            complete(transfer, .failure(error))
            return
        }
        guard RewrittenRedirects.apply(to: transfer.original) else {
            complete(transfer, .success(response))
            return
        }
        do {
            let location = handle.lastRedirectURL
            if let next = try RewrittenRedirects.next(
                original: transfer.original, current: transfer.current, response: response, location: location, hops: transfer.hops + 1) {
                transfer.hops += 1
                transfer.current = next
                if let problem = launch(transfer) { complete(transfer, .failure(problem)) }
                return
            }
            var final = response
            final.redirectCount = transfer.hops
            complete(transfer, .success(final))
        } catch {
            complete(transfer, .failure(error))
        }
    }

    private func cancel(_ id: Int) {
        guard let easy = activeByID.removeValue(forKey: id), let transfer = active.removeValue(forKey: easy) else { return }
        curl_multi_remove_handle(multi, easy)
        complete(transfer, .failure(TransportError(.cancelled, "the request was cancelled")))
    }

    private func complete(_ transfer: Transfer, _ result: Result<HTTPResponse, TransportError>) {
        transfer.handle.releaseLists()
        if transfer.shared { idleShared.append(transfer.handle) } else { idlePlain.append(transfer.handle) }
        transfer.continuation.resume(returning: result)
    }
}

/// Runs jobs on a `CurlMultiTransport`'s loop thread.
private final class LoopExecutor: TaskExecutor, @unchecked Sendable {
    weak var transport: CurlMultiTransport?

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        if let transport {
            transport.enqueue(job)
        } else {
            // Closed and gone: run it anywhere rather than lose it.
            DispatchQueue.global().async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
        }
    }
}
