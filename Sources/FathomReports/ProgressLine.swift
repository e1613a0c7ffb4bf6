import Dispatch
import FathomCore
import Foundation

/// The one-line progress bar of a run on a terminal:
///
///     [████████████░░░░░░░░░░░░░░░░░░]  412/1000 · 3 failed · 87.2 req/s · 0:04
///
/// It appears once the run has taken a second (short runs never show it), stays
/// on the last line while the console prints above it (each print erases the bar,
/// writes, and draws it again), ticks every quarter second so the elapsed time
/// moves during a slow request, and is erased before the summary. Everything it
/// writes goes through one lock, so the ticking thread never splits a line.
///
/// The run command turns it on only when standard output is a terminal, `CI` is
/// not set, and the output is not `--quiet` (`ProgressLine.wanted`).
///
/// It is a reporter: put it before the console reporter, whose output goes through
/// `print`, so the bar is erased before the summary is printed.
public final class ProgressLine: Reporter, @unchecked Sendable {
    private struct State {
        var total = 0
        var done = 0
        var failures = 0
        var started: ContinuousClock.Instant?
        var visible = false
        var finished = false
    }

    private let lock = NSLock()
    private var state = State()
    private let write: (String) -> Void
    private let width: () -> Int
    private let delay: Duration
    private var timer: DispatchSourceTimer?

    /// - Parameters:
    ///   - write: the terminal (standard output).
    ///   - width: the terminal's width in columns, asked at each draw.
    ///   - delay: how long a run goes before the bar appears.
    public init(delay: Duration = .seconds(1), width: @escaping () -> Int = ProgressLine.terminalWidth, write: @escaping (String) -> Void) {
        self.write = write
        self.width = width
        self.delay = delay
    }

    deinit { timer?.cancel() }

    /// Whether a run should show a bar: a terminal, not CI, not quiet.
    public static func wanted(isTerminal: Bool, environment: [String: String], quiet: Bool) -> Bool {
        guard isTerminal, !quiet else { return false }
        if let ci = environment["CI"], !ci.isEmpty, ci.lowercased() != "false", ci != "0" { return false }
        if environment["TERM"] == "dumb" { return false }
        return true
    }

    /// The width of the terminal on standard output (80 when it cannot be read).
    public static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let c = ProcessInfo.processInfo.environment["COLUMNS"].flatMap({ Int($0) }), c > 0 { return c }
        return 80
    }

    public func handle(_ event: RunEvent) {
        switch event {
        case .runStarted(let info): start(total: info.plannedRequests)
        case .requestFinished(let r): advance(failed: r.status == .failed || r.status == .error)
        case .runFinished: finish()
        case .iterationStarted, .requestStarted: break
        }
    }

    /// The run starts: `total` requests are expected.
    public func start(total: Int) {
        lock.lock()
        state = State(total: total, started: .now)
        lock.unlock()
        let t = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "fathom.progress"))
        t.schedule(deadline: .now() + .milliseconds(250), repeating: .milliseconds(250))
        t.setEventHandler { [weak self] in self?.tick() }
        timer = t
        t.resume()
    }

    /// A request finished.
    public func advance(failed: Bool) {
        lock.lock()
        state.done += 1
        if failed { state.failures += 1 }
        if state.done > state.total { state.total = state.done }
        redraw()
        lock.unlock()
    }

    /// Prints console text above the bar.
    public func print(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        if state.visible {
            write("\r\u{1B}[2K" + text)
            state.visible = false
            redraw()
        } else {
            write(text)
        }
    }

    /// The run ended: erase the bar for good.
    public func finish() {
        timer?.cancel()
        timer = nil
        lock.lock()
        if state.visible { write("\r\u{1B}[2K") }
        state.visible = false
        state.finished = true
        lock.unlock()
    }

    private func tick() {
        lock.lock()
        redraw()
        lock.unlock()
    }

    /// Draws the bar if the run has gone on long enough. Called with the lock held.
    private func redraw() {
        guard !state.finished, let started = state.started else { return }
        let elapsed = ContinuousClock.now - started
        guard elapsed >= delay else { return }
        write("\r\u{1B}[2K" + Self.line(done: state.done, total: state.total, failures: state.failures, elapsed: elapsed, width: width()))
        state.visible = true
    }

    /// The bar's text for a width (no control characters).
    public static func line(done: Int, total: Int, failures: Int, elapsed: Duration, width: Int) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(done) / seconds : 0
        let clock = seconds >= 3600
            ? "\(Int(seconds) / 3600):" + pad2(Int(seconds) / 60 % 60) + ":" + pad2(Int(seconds) % 60)
            : "\(Int(seconds) / 60):" + pad2(Int(seconds) % 60)
        let totalText = String(total)
        let doneText = String(repeating: " ", count: max(0, totalText.count - String(done).count)) + String(done)
        var info = " \(doneText)/\(totalText)"
        if failures > 0 { info += " · \(failures) failed" }
        info += " · " + Format.fixed(rate, 1) + " req/s · " + clock
        let room = width - 1 - info.count - 2
        guard room >= 10 else { return String(info.dropFirst().prefix(max(0, width - 1))) }
        let barWidth = min(room, 40)
        let filled = total > 0 ? min(barWidth, done * barWidth / total) : 0
        return "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled) + "]" + info
    }

    private static func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
