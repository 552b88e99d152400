import Foundation
import PatrolSupport
import Spawn

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
        let child = try start(arguments, environment: environment, readsOutput: true, allowingTokenArgument: allowingTokenArgument)
        child.writeInputAndClose(Data(standardInput.utf8))
        let (stdout, stderr) = child.readOutputs()
        let result = Result(code: child.wait().status,
                            stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
        TestTranscripts.record("binary-\(arguments.first ?? "patrol")", stdout: result.stdout, stderr: result.stderr)
        return result
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

    /// Starts patrol and returns at once; the caller ends it (`stop`). With transcripts on, stdout and stderr go to
    /// transcript files instead of the pipes unless `readsOutput` (the caller reads the pipes).
    /// `allowingTokenArgument` is for tests of the `--token VALUE` refusal only, with a token without the marker.
    /// `standardError` replaces the stderr pipe (a pseudo-terminal, for tests of what a terminal shows).
    static func start(_ arguments: [String], environment: [String: String] = [:],
                      readsOutput: Bool = false, allowingTokenArgument: Bool = false,
                      standardError: FileHandle? = nil) throws -> ChildProcess {
        if allowingTokenArgument {
            precondition(!arguments.contains { $0.contains(TestTokens.marker) }, "a --token VALUE test passes a token without the marker")
        } else {
            try checkArguments(arguments)
        }
        var base = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "NO_COLOR": "1",
                    "PATROL_SIMULATOR_TOKEN_MARKER": TestTokens.marker]
        base.merge(environment) { $1 }
        let label = "binary-started-\(arguments.first ?? "patrol")"
        let transcript = { (stream: String) -> ChildProcess.Stream in
            guard !readsOutput, let path = TestTranscripts.path(label, stream: stream) else { return .pipe }
            return .file(path)
        }
        return try ChildProcess(path, arguments, environment: base, directory: packageRoot, stdin: .pipe,
                                stdout: transcript("stdout"), stderr: standardError.map { .descriptor($0.fileDescriptor) } ?? transcript("stderr"))
    }
}
