import Foundation
import PatrolSupport

/// The built `patrol` executable, run as a separate process — what a user runs.
enum PatrolBinary {
    /// `patrol` sits beside the test bundle in the build folder (`swift build` makes it; `make test` runs that first).
    static var path: String {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return folder.appendingPathComponent("patrol").path
    }

    /// The package's root, for the shipped config.
    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
    }

    struct Result {
        let code: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs patrol to completion with `environment` (added to a minimal one) and `standardInput`.
    static func run(_ arguments: [String], environment: [String: String] = [:], standardInput: String = "",
                    allowingTokenArgument: Bool = false) throws -> Result {
        let process = try start(arguments, environment: environment, readsOutput: true, allowingTokenArgument: allowingTokenArgument)
        process.stdin.fileHandleForWriting.write(Data(standardInput.utf8))
        try process.stdin.fileHandleForWriting.close()
        // Read both pipes at once and fully before waiting: a pipe read after the other could fill (64 KiB, e.g. a
        // sanitizer's reports on stderr) and block the child while the test waits for the other pipe's end.
        let errorOutput = process.stderr.fileHandleForReading, stderrRead = DispatchGroup()
        let errorBytes = Locked(Data())
        DispatchQueue.global().async(group: stderrRead) {
            let data = errorOutput.readDataToEndOfFile()
            errorBytes.withLock { $0 = data }
        }
        let stdout = process.stdout.fileHandleForReading.readDataToEndOfFile()
        stderrRead.wait()
        let stderr = errorBytes.withLock { $0 }
        process.process.waitUntilExit()
        let result = Result(code: process.process.terminationStatus,
                            stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
        TestTranscripts.record("binary-\(arguments.first ?? "patrol")", stdout: result.stdout, stderr: result.stderr)
        return result
    }

    struct Running {
        let process: Process
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()

        /// Sends `signal` and waits up to `seconds` for the process to end; kills it after that, so a test never
        /// hangs on a process that missed the signal. `true` when it ended within the time of its own accord.
        @discardableResult
        func stop(_ signal: Int32 = SIGTERM, within seconds: Double = 10) -> Bool {
            guard process.isRunning else { return true }
            kill(process.processIdentifier, signal)
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning, Date() < deadline { usleep(10_000) }
            let ended = !process.isRunning
            if !ended { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            return ended
        }
    }

    /// A command line that would put a token where every user of the machine can read it (`/proc/<pid>/cmdline`).
    struct TokenInArguments: Error, CustomStringConvertible {
        let index: Int
        var description: String { "argument \(index) holds a token: pass tokens on stdin or in the environment" }
    }

    /// GitHub's token prefixes followed by at least 20 token characters: what no argument may hold.
    static var tokenShape: Regex<(Substring, Substring)> { /(ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{20,}/ }

    /// Throws when an argument holds the test marker or anything shaped like a token. Only `--token VALUE`
    /// refusal tests may pass one, and they must say so with `allowingTokenArgument`.
    static func checkArguments(_ arguments: [String]) throws {
        for (index, argument) in arguments.enumerated()
        where argument.contains(TestTokens.marker) || argument.contains(tokenShape) {
            throw TokenInArguments(index: index)
        }
    }

    /// Starts patrol and returns at once; the caller ends it. With transcripts on, stdout and stderr go to
    /// transcript files instead of the pipes unless `readsOutput` (the caller reads the pipes).
    /// `allowingTokenArgument` is for tests of the `--token VALUE` refusal only, with a token without the marker.
    /// `standardError` replaces the stderr pipe (a pseudo-terminal, for tests of what a terminal shows).
    static func start(_ arguments: [String], environment: [String: String] = [:],
                      readsOutput: Bool = false, allowingTokenArgument: Bool = false,
                      standardError: FileHandle? = nil) throws -> Running {
        if allowingTokenArgument {
            precondition(!arguments.contains { $0.contains(TestTokens.marker) }, "a --token VALUE test passes a token without the marker")
        } else {
            try checkArguments(arguments)
        }
        let running = Running(process: Process())
        running.process.executableURL = URL(fileURLWithPath: path)
        running.process.arguments = arguments
        running.process.currentDirectoryURL = URL(fileURLWithPath: packageRoot)
        var base = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "NO_COLOR": "1",
                    "PATROL_SIMULATOR_TOKEN_MARKER": TestTokens.marker]
        base.merge(environment) { $1 }
        running.process.environment = base
        running.process.standardInput = running.stdin
        running.process.standardOutput = running.stdout
        running.process.standardError = running.stderr
        let label = "binary-started-\(arguments.first ?? "patrol")"
        for (stream, set) in [("stdout", { running.process.standardOutput = $0 }), ("stderr", { running.process.standardError = $0 })]
        as [(String, (FileHandle?) -> Void)] where !readsOutput {
            guard let path = TestTranscripts.path(label, stream: stream) else { continue }
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            set(FileHandle(forWritingAtPath: path))
        }
        if let standardError { running.process.standardError = standardError }
        try running.process.run()
        return running
    }
}
