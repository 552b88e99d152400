import Dispatch
import Foundation
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
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patrol-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outPath = folder.appendingPathComponent("out").path, errPath = folder.appendingPathComponent("err").path

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)

        // why: posix_spawn wants NULL-terminated arrays of C strings; strdup'd copies live until the defer frees them.
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }

        var pid = pid_t()
        let started = ContinuousClock.now
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard spawned == 0 else { throw BenchError("could not start \(path): \(String(cString: strerror(spawned)))") }
        let sampler = AnonymousMemorySampler(pid: pid)
        var status: Int32 = 0
        var usage = rusage()
        // why: wait4 fills the status word and the child's own resource usage (its peak RSS among them).
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw BenchError("waiting for \(path) failed: \(String(cString: strerror(errno)))") }
        }
        let elapsed = ContinuousClock.now - started
        let peakAnonymous = sampler.stop()
        let exited = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return ChildRun(
            status: exited,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            peakBytes: Int(usage.ru_maxrss) * 1024,
            peakAnonymousBytes: peakAnonymous,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
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
