import Dispatch
import Foundation
import PatrolSupport
import Spawn
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One run of another program: its exit status, wall time and peak memory, with stdout and stderr kept.
struct ChildRun {
    let status: Int32
    let seconds: Double
    /// The child's resident-set high-water mark (`ru_maxrss` from `wait4`), in bytes.
    let peakBytes: Int
    /// The most anonymous memory (heap, stacks: `RssAnon`) seen while sampling `/proc/PID/status` every 10 ms;
    /// the rest of the peak is file-backed pages of the binary and its shared libraries.
    let peakAnonymousBytes: Int
    let stdout: String
    let stderr: String

    /// Runs `path` with `arguments` and exactly `environment`, and waits for it.
    static func run(_ path: String, _ arguments: [String], environment: [String: String]) throws -> ChildRun {
        let started = ContinuousClock.now
        let child = try ChildProcess(path, arguments, environment: environment)
        let sampler = AnonymousMemorySampler(pid: child.pid)
        let (stdout, stderr) = child.readOutputs()
        let termination = child.wait()
        let elapsed = ContinuousClock.now - started
        return ChildRun(
            status: termination.status,
            seconds: elapsed.seconds,
            peakBytes: child.peakResidentBytes,
            peakAnonymousBytes: sampler.stop(),
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self)
        )
    }
}

/// Why the benchmark could not run.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Reads a running child's `RssAnon` every 10 ms on a thread of its own and keeps the largest.
private final class AnonymousMemorySampler: Sendable {
    private let state = Mutex((peak: 0, stopped: false))
    private let done = DispatchSemaphore(value: 0)

    init(pid: pid_t) {
        let path = "/proc/\(pid)/status"
        Thread.detachNewThread { [self] in
            while !state.withLock({ $0.stopped }) {
                if let text = try? String(contentsOfFile: path, encoding: .utf8),
                   let line = text.split(separator: "\n").first(where: { $0.hasPrefix("RssAnon:") }),
                   let kibibytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) {
                    state.withLock { $0.peak = max($0.peak, kibibytes * 1024) }
                }
                usleep(10_000)
            }
            done.signal()
        }
    }

    /// Stops sampling and returns the peak, in bytes.
    func stop() -> Int {
        state.withLock { $0.stopped = true }
        done.wait()
        return state.withLock { $0.peak }
    }
}
