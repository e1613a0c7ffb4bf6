import Dispatch
import FathomCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT/SIGTERM into a cancellation request: the run sends nothing more,
/// abandons the transfers in flight, writes the reports of what ran (marked
/// interrupted) and exits 130, for either signal. A second signal exits at once
/// with 130.
final class InterruptHandler: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []
    private let count = Locked(0)

    init(flag: CancellationFlag) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                let n = self.count.withLock { c -> Int in
                    c += 1
                    return c
                }
                if n > 1 { Foundation.exit(130) }
                printError("\ninterrupted (\(sig == SIGTERM ? "SIGTERM" : "SIGINT")): abandoning the requests in flight and writing the reports of what ran (press Ctrl-C again to quit at once)")
                flag.cancel()
            }
            source.resume()
            sources.append(source)
        }
    }
}
