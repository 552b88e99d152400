internal import CSpawn
import Dispatch
import Foundation
import PatrolSupport
#if canImport(Glibc)
import Glibc
#endif

/// Another program, started with `posix_spawn`: the one way the tests, `LoopbackTLS` and `patrol-bench` start a child.
///
/// Not Foundation's `Process`: swift-corelibs-foundation 6.3's `Process.run` reads past a heap buffer while it lists
/// `/proc/self/fd` (`findMaximumOpenFromProcSelfFD`), which AddressSanitizer reports on every run and which once
/// crossed into an unmapped page. Here no descriptor leaks into a child without that listing: the parent's pipe ends
/// are close-on-exec from birth (`pipe2`), and the child closes every descriptor above 2 before `exec`
/// (`posix_spawn_file_actions_addclosefrom_np`), so a child started at the same time on another thread never holds
/// a pipe's write end (a reader would never see its end).
///
/// Like `Process`, the child leads a process group of its own (a terminal's Ctrl-C reaches the tests, not it;
/// signals sent to its pid reach it). Unlike `Process`, it starts with every signal's default disposition and an
/// empty mask: the test process may ignore SIGPIPE, and patrol's closed-pipe behaviour needs the default.
public final class ChildProcess: Sendable {
    /// Where one of the child's standard streams goes.
    public enum Stream: Sendable {
        /// A pipe to this process: `stdin`, `stdout` or `stderr` is its other end.
        case pipe
        /// `/dev/null`.
        case null
        /// A file: read for stdin; created or truncated (mode 0600) for stdout and stderr.
        case file(String)
        /// An open descriptor of this process (a pseudo-terminal, say); the caller keeps and closes it.
        case descriptor(Int32)
        /// For stderr only: wherever the child's stdout goes (one pipe for both, like `2>&1`).
        case standardOutput
    }

    /// How the child ended.
    public enum Termination: Equatable, Sendable, CustomStringConvertible {
        /// It called `exit` with this code.
        case exited(Int32)
        /// A signal it did not handle ended it.
        case signaled(Int32)

        /// The shell's number: the exit code, or 128 + the signal.
        public var status: Int32 {
            switch self {
            case .exited(let code): code
            case .signaled(let signal): 128 + signal
            }
        }

        public var description: String {
            switch self {
            case .exited(let code): "exit \(code)"
            case .signaled(let signal): "signal \(signal)"
            }
        }
    }

    /// Why a child could not start.
    public struct SpawnError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The child's process id.
    public let pid: Glibc.pid_t
    private let input: FileHandle?, output: FileHandle?, errors: FileHandle?
    /// The termination and resource usage, once `wait4` has reaped the child (the pid is then free for reuse).
    /// `Locked`, not `Synchronization.Mutex`: ThreadSanitizer understands the one and not the other (docs/security.md).
    private let reaped = Locked<(termination: Termination, usage: rusage)?>(nil)

    /// The write end of the child's stdin; only when it was started with `.pipe` for stdin.
    public var stdin: FileHandle { pipeEnd(input, "stdin") }
    /// The read end of the child's stdout; only when it was started with `.pipe` for stdout.
    public var stdout: FileHandle { pipeEnd(output, "stdout") }
    /// The read end of the child's stderr; only when it was started with `.pipe` for stderr.
    public var stderr: FileHandle { pipeEnd(errors, "stderr") }

    private func pipeEnd(_ handle: FileHandle?, _ name: String) -> FileHandle {
        guard let handle else { preconditionFailure("the child's \(name) is not a pipe: start it with .pipe") }
        return handle
    }

    /// Starts `path` (no `PATH` search) with `arguments` and exactly `environment`, in `directory` (nil: this
    /// process's), and returns at once.
    public init(_ path: String, _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
                directory: String? = nil, stdin: Stream = .null, stdout: Stream = .pipe, stderr: Stream = .pipe) throws {
        var actions = posix_spawn_file_actions_t()
        // why: the file actions hold memory of glibc's; destroy frees it on every path.
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var childEnds: [Int32] = [], parentEnds: [Int32?] = [nil, nil, nil]
        // The parent's ends until they are handed to FileHandles; on a failure, every descriptor made so far is closed.
        var handedOver = false
        defer {
            // why: the child has its own copies of its ends (or never started); kept here, a reader would never see
            // the end of the child's output, and the child would never see the end of its input.
            childEnds.forEach { close($0) }
            // why: on a failure no FileHandle owns the parent's ends, so nothing else would close them.
            if !handedOver { parentEnds.compactMap { $0 }.forEach { close($0) } }
        }
        for (target, stream) in [stdin, stdout, stderr].enumerated() {
            let target = Int32(target)
            switch stream {
            case .pipe:
                var ends: [Int32] = [-1, -1]
                // why: O_CLOEXEC from birth, so no child spawned meanwhile on another thread inherits either end.
                guard CSpawn_pipe2(&ends, O_CLOEXEC) == 0 else { throw Self.failure("pipe2", errno) }
                let (childEnd, parentEnd) = target == 0 ? (ends[0], ends[1]) : (ends[1], ends[0])
                childEnds.append(childEnd)
                parentEnds[Int(target)] = parentEnd
                // why: dup2 in the child puts its end on 0, 1 or 2 and clears close-on-exec on the copy.
                posix_spawn_file_actions_adddup2(&actions, childEnd, target)
            case .null:
                // why: the child opens /dev/null itself onto the target descriptor.
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_RDWR, 0)
            case .file(let file):
                let flags = target == 0 ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC
                // why: the child opens the file itself onto the target descriptor.
                posix_spawn_file_actions_addopen(&actions, target, file, flags, 0o600)
            case .descriptor(let descriptor):
                // why: dup2 in the child puts the caller's descriptor on the target; the caller's own stays open here.
                posix_spawn_file_actions_adddup2(&actions, descriptor, target)
            case .standardOutput:
                precondition(target == 2, ".standardOutput is for stderr only")
                // why: after stdout's action (the loop runs in order), 2 becomes a copy of the child's 1.
                posix_spawn_file_actions_adddup2(&actions, 1, 2)
            }
        }
        // why: the child closes every descriptor above 2 before exec: nothing of this process leaks into it.
        CSpawn_addclosefrom(&actions, 3)
        if let directory {
            // why: the child changes directory after fork and before exec (glibc 2.29+); the parent's stays put.
            CSpawn_addchdir(&actions, directory)
        }

        var attributes = posix_spawnattr_t()
        // why: the attributes hold memory of glibc's; destroy frees it on every path.
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        // why: a full set for "every signal back to its default", an empty one for "nothing blocked".
        sigfillset(&all)
        sigemptyset(&none)
        // why: the child starts with default dispositions (SIGPIPE ignored here is not ignored there) and no mask.
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        // why: process group 0 makes the child lead a group of its own, as Foundation's Process did.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        // why: posix_spawn wants NULL-terminated arrays of C strings; strdup'd copies live until the defer frees them.
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        // why: glibc's posix_spawn returns exec's error (ENOENT, EACCES) itself, not through errno.
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw Self.failure("could not start \(path)", spawned) }
        self.pid = pid
        handedOver = true
        let handle = { (descriptor: Int32?) in descriptor.map { FileHandle(fileDescriptor: $0, closeOnDealloc: true) } }
        input = handle(parentEnds[0])
        output = handle(parentEnds[1])
        errors = handle(parentEnds[2])
    }

    private static func failure(_ what: String, _ code: Int32) -> SpawnError {
        SpawnError(description: "\(what): \(String(cString: strerror(code)))")
    }

    /// Whether the child has not ended yet (an ended child is reaped here, and its termination kept).
    public var isRunning: Bool { reap() == nil }

    /// Waits for the child to end (at once when it has) and says how it ended.
    @discardableResult
    public func wait() -> Termination {
        // Reaping and waiting are kept apart so that isRunning on another thread never blocks on the lock.
        while true {
            if let termination = reap() { return termination }
            var info = siginfo_t()
            // why: waitid with WNOWAIT blocks until the child has ended without reaping it; reap() does that under
            // the lock. EINTR: a signal arrived first, wait again. ECHILD: another thread reaped it, reap() says how.
            if waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0, errno == ECHILD, reap() == nil {
                preconditionFailure("child \(pid) was reaped outside ChildProcess")
            }
        }
    }

    /// The child's resident-set high-water mark in bytes (`ru_maxrss` from `wait4`), once it has ended.
    public var peakResidentBytes: Int {
        wait()
        return reaped.withLock { Int($0?.usage.ru_maxrss ?? 0) * 1024 }
    }

    private func reap() -> Termination? {
        reaped.withLock { state in
            if let state { return state.termination }
            var status: Int32 = 0
            var usage = rusage()
            // why: wait4 reaps the child and fills its status word and its own resource usage; WNOHANG: 0 while it runs.
            guard wait4(pid, &status, WNOHANG, &usage) == pid else { return nil }
            // why: the status word's low 7 bits are the signal that ended the child, 0 for an exit; bits 8-15 the code.
            let termination: Termination = status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signaled(status & 0x7f)
            state = (termination, usage)
            return termination
        }
    }

    /// Sends `signal` to the child, unless it has ended (its pid may belong to another process by then).
    public func send(_ signal: Int32) {
        reaped.withLock { state in
            // why: under the lock the child is not reaped meanwhile, so the pid is still the child's.
            if state == nil { kill(pid, signal) }
        }
    }

    /// Sends `signal` and waits up to `seconds` for the child to end; kills it after that, so a caller never hangs on a
    /// child that missed the signal. `true` when it ended within the time of its own accord.
    @discardableResult
    public func stop(_ signal: Int32 = SIGTERM, within seconds: Double = 10) -> Bool {
        guard isRunning else { return true }
        send(signal)
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while isRunning, ContinuousClock.now < deadline { usleep(10_000) }
        let ended = !isRunning
        if !ended { send(SIGKILL) }
        wait()
        return ended
    }

    /// Writes all of `data` to the stdin pipe and closes it. A child that stopped reading (it ended) ends the write.
    public func writeInputAndClose(_ data: Data) {
        // EPIPE (the child closed its end) ends the write early; what it did not read is dropped.
        _ = data.withUnsafeBytes { StandardStream.write($0, to: stdin.fileDescriptor) }
        try? stdin.close()
    }

    /// Reads the stdout and stderr pipes to their ends at the same time: one read after the other could block the
    /// child on a full pipe (64 KiB, a sanitizer's reports on stderr, say) while this waits for the other's end.
    public func readOutputs() -> (stdout: Data, stderr: Data) {
        let errorOutput = stderr, read = DispatchGroup()
        let errorBytes = Locked(Data())
        DispatchQueue.global().async(group: read) {
            let data = errorOutput.readDataToEndOfFile()
            errorBytes.withLock { $0 = data }
        }
        let out = stdout.readDataToEndOfFile()
        read.wait()
        return (out, errorBytes.withLock { $0 })
    }

    /// What a finished child printed, and how it ended.
    public struct Output: Sendable {
        public let termination: Termination
        public let stdout: Data
        public let stderr: Data
        /// stdout as text.
        public var text: String { String(decoding: stdout, as: UTF8.self) }
        /// stderr as text.
        public var errorText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// Runs `path` to its end: `input` on stdin, stdout and stderr each read from a pipe unless told otherwise.
    public static func run(_ path: String, _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
                           directory: String? = nil, input: Data? = nil, stdout: Stream = .pipe, stderr: Stream = .pipe) throws -> Output {
        let child = try ChildProcess(path, arguments, environment: environment, directory: directory,
                                     stdin: input == nil ? .null : .pipe, stdout: stdout, stderr: stderr)
        if let input { child.writeInputAndClose(input) }
        let read: (stdout: Data, stderr: Data) = switch (stdout, stderr) {
        case (.pipe, .pipe): child.readOutputs()
        case (.pipe, _): (child.stdout.readDataToEndOfFile(), Data())
        case (_, .pipe): (Data(), child.stderr.readDataToEndOfFile())
        default: (Data(), Data())
        }
        return Output(termination: child.wait(), stdout: read.stdout, stderr: read.stderr)
    }
}
