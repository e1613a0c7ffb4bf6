import FathomCore
import FathomReports
import Foundation
import Testing

/// A file reporter on its own thread gets every event, in order; a request's
/// start and finish travel together, and a start left without its finish still
/// arrives before `finish`.
@Suite struct QueuedReporterTests {
    final class Recorder: Reporter, @unchecked Sendable {
        var seen: [String] = []
        var finishedAfter = -1
        func handle(_ event: RunEvent) {
            switch event {
            case .runStarted: seen.append("run")
            case .requestStarted(let info): seen.append("start \(info.index)")
            case .requestFinished(let r): seen.append("finish \(r.info.index)")
            case .iterationStarted(let i, _): seen.append("iteration \(i)")
            case .runFinished: seen.append("end")
            }
        }
        func finish() throws { finishedAfter = seen.count }
    }

    @Test func eventsArriveInOrderAndBeforeFinish() throws {
        let recorder = Recorder()
        let queued = QueuedReporter(recorder, label: "test.queued", capacity: 2)
        queued.handle(.runStarted(Fixtures.runInfo))
        var expected = ["run"]
        for i in 1...300 {
            if i == 150 {
                queued.handle(.iterationStarted(iteration: 2, of: 2))
                expected.append("iteration 2")
            }
            var r = Fixtures.passing
            r.info.index = i
            queued.handle(.requestStarted(r.info))
            queued.handle(.requestFinished(r))
            expected += ["start \(i)", "finish \(i)"]
        }
        var last = Fixtures.passing
        last.info.index = 301
        queued.handle(.requestStarted(last.info))
        expected.append("start 301")
        try queued.finish()
        #expect(recorder.seen == expected)
        #expect(recorder.finishedAfter == expected.count)
    }
}
