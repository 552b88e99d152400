import Foundation

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
    static func run(_ arguments: [String], environment: [String: String] = [:], standardInput: String = "") throws -> Result {
        let process = try start(arguments, environment: environment)
        process.stdin.fileHandleForWriting.write(Data(standardInput.utf8))
        try process.stdin.fileHandleForWriting.close()
        // Read both pipes fully before waiting, so a large output cannot block the child.
        let stdout = process.stdout.fileHandleForReading.readDataToEndOfFile()
        let stderr = process.stderr.fileHandleForReading.readDataToEndOfFile()
        process.process.waitUntilExit()
        return Result(code: process.process.terminationStatus,
                      stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    struct Running {
        let process: Process
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
    }

    /// Starts patrol and returns at once; the caller reads its pipes and ends it.
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Running {
        let running = Running(process: Process())
        running.process.executableURL = URL(fileURLWithPath: path)
        running.process.arguments = arguments
        running.process.currentDirectoryURL = URL(fileURLWithPath: packageRoot)
        var base = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "NO_COLOR": "1"]
        base.merge(environment) { $1 }
        running.process.environment = base
        running.process.standardInput = running.stdin
        running.process.standardOutput = running.stdout
        running.process.standardError = running.stderr
        try running.process.run()
        return running
    }
}
