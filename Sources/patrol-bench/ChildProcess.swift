import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One run of another program: its exit status, wall time and peak memory, with stdout and stderr kept.
struct ChildRun {
    let status: Int32
    let seconds: Double
    /// The child's resident-set high-water mark (`ru_maxrss` from `wait4`), in bytes.
    let peakBytes: Int
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
        var status: Int32 = 0
        var usage = rusage()
        // why: wait4 fills the status word and the child's own resource usage (its peak RSS among them).
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw BenchError("waiting for \(path) failed: \(String(cString: strerror(errno)))") }
        }
        let elapsed = ContinuousClock.now - started
        let exited = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return ChildRun(
            status: exited,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            peakBytes: Int(usage.ru_maxrss) * 1024,
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
