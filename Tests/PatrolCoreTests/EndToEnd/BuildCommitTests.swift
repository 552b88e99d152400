import Foundation
import Spawn
import Testing

/// The commit `patrol --version` names, and the BuildCommit plugin's script that finds it.
enum BuildCommitCheck {
    /// What a program prints on stdout, trimmed; nil when it fails.
    static func run(_ executable: String, _ arguments: [String], in folder: String = PatrolBinary.packageRoot) throws -> String? {
        let run = try ChildProcess.run(executable, arguments, directory: folder, stderr: .null)
        return run.termination == .exited(0) ? run.text.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    /// The commits the binary may name: HEAD's short hash, with `-dirty` when the tree had uncommitted changes when it
    /// was built (which may differ from now: both are accepted); `commit unknown` outside git.
    static func expected() throws -> [String] {
        guard let head = try run("/usr/bin/git", ["rev-parse", "--short=7", "HEAD"]) else { return ["commit unknown"] }
        return [head, head + "-dirty"]
    }

    /// The plugin's shell script, as Sources/BuildCommit/BuildCommit.swift holds it.
    static func script() throws -> String {
        let source = try String(contentsOfFile: PatrolBinary.packageRoot + "/Sources/BuildCommit/BuildCommit.swift", encoding: .utf8)
        let start = try #require(source.range(of: "#\"\"\"\n")), end = try #require(source.range(of: "\"\"\"#"))
        return String(source[start.upperBound..<end.lowerBound])
    }
}

@Suite("the commit in --version (the BuildCommit plugin)")
struct BuildCommitTests {
    /// Runs the plugin's script on `package` and returns the Swift file it writes.
    func generate(for package: String) throws -> String {
        let output = package + "/out"
        _ = try BuildCommitCheck.run("/bin/sh", ["-c", try BuildCommitCheck.script(), "build-commit", package, output], in: package)
        return try String(contentsOfFile: output + "/BuildCommit.swift", encoding: .utf8)
    }

    func folder() throws -> String {
        let folder = NSTemporaryDirectory() + "patrol-commit-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("a source tree without git (a tarball) builds as unknown, not an error")
    func withoutGit() throws {
        #expect(try generate(for: try folder()).contains("let buildCommit = \"unknown\""))
    }

    @Test("in a git checkout: the short hash of HEAD, -dirty with uncommitted changes; unchanged text is not rewritten")
    func inGit() throws {
        let package = try folder()
        let git = { (arguments: [String]) throws in
            _ = try BuildCommitCheck.run("/usr/bin/git", ["-c", "user.name=patrol", "-c", "user.email=patrol@localhost"] + arguments, in: package)
        }
        try git(["init", "-q"])
        try Data("one\n".utf8).write(to: URL(fileURLWithPath: package + "/file"))
        try git(["add", "file"])
        try git(["commit", "-q", "-m", "one"])
        let head = try #require(try BuildCommitCheck.run("/usr/bin/git", ["rev-parse", "--short=7", "HEAD"], in: package))
        // The output folder sits inside the checkout: make it ignored, as .build is.
        try Data("out/\n".utf8).write(to: URL(fileURLWithPath: package + "/.git/info/exclude"))
        #expect(try generate(for: package).contains("let buildCommit = \"\(head)\""))
        let written = try FileManager.default.attributesOfItem(atPath: package + "/out/BuildCommit.swift")[.modificationDate] as? Date
        usleep(20_000)
        _ = try generate(for: package)
        #expect(try FileManager.default.attributesOfItem(atPath: package + "/out/BuildCommit.swift")[.modificationDate] as? Date == written)
        try Data("two\n".utf8).write(to: URL(fileURLWithPath: package + "/file"))
        #expect(try generate(for: package).contains("let buildCommit = \"\(head)-dirty\""))
    }

    @Test("a folder inside another checkout is not that checkout's commit")
    func nestedInOtherRepository() throws {
        let outer = try folder()
        _ = try BuildCommitCheck.run("/usr/bin/git", ["init", "-q"], in: outer)
        let inner = outer + "/patrol-0.1.0"
        try FileManager.default.createDirectory(atPath: inner, withIntermediateDirectories: true)
        #expect(try generate(for: inner).contains("let buildCommit = \"unknown\""))
    }
}
