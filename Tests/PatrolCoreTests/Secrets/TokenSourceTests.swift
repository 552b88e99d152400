import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("Token source")
struct TokenSourceTests {
    /// Reads the token's bytes back as text, for comparing with what a source held.
    private func text(of resolved: ResolvedToken) -> String {
        resolved.token.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// A file in a fresh temporary folder holding `contents` with permission bits `mode`.
    private func tokenFile(_ contents: String, mode: Int) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patrol-token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("token" + TestTranscripts.tokenInputSuffix).path
        try #require(FileManager.default.createFile(atPath: path, contents: Data(contents.utf8)))
        try #require(chmod(path, mode_t(mode)) == 0)
        return path
    }

    @Test("--token-stdin reads the first line and trims its line break")
    func standardInput() throws {
        let token = TestTokens.classic()
        let inputs = TokenInputs(environment: ["PAT_TOKEN": TestTokens.classic()], standardInput: token + "\nsecond line\n")
        let resolved = try TokenSource.resolve(TokenSourceOptions(stdin: true), inputs: inputs)
        #expect(text(of: resolved) == token)
        #expect(resolved.origin == "--token-stdin")
    }

    @Test("a trailing CRLF is trimmed from every source", arguments: ["\r\n", "\n", "\r", ""])
    func lineEndings(ending: String) throws {
        let token = TestTokens.classic()
        let fromEnvironment = try TokenSource.resolve(TokenSourceOptions(env: "GH_PAT"), inputs: TokenInputs(environment: ["GH_PAT": token + ending]))
        #expect(text(of: fromEnvironment) == token)
        let fromStandardInput = try TokenSource.resolve(TokenSourceOptions(stdin: true), inputs: TokenInputs(environment: [:], standardInput: token + ending))
        #expect(text(of: fromStandardInput) == token)
        let fromFile = try TokenSource.resolve(TokenSourceOptions(file: tokenFile(token + ending, mode: 0o600)), inputs: TokenInputs(environment: [:]))
        #expect(text(of: fromFile) == token)
    }

    @Test("--token-env reads the named variable")
    func environmentOption() throws {
        let token = TestTokens.fineGrained()
        let resolved = try TokenSource.resolve(TokenSourceOptions(env: "GH_PAT"), inputs: TokenInputs(environment: ["GH_PAT": token, "PAT_TOKEN": TestTokens.classic()]))
        #expect(text(of: resolved) == token)
        #expect(resolved.origin == "--token-env GH_PAT")
    }

    @Test("--token-env naming an unset variable says so")
    func environmentOptionUnset() {
        #expect(throws: TokenSourceError.variableNotSet(name: "GH_PAT", option: "--token-env")) {
            try TokenSource.resolve(TokenSourceOptions(env: "GH_PAT"), inputs: TokenInputs(environment: ["PAT_TOKEN": TestTokens.classic()]))
        }
    }

    @Test("a 0600 token file is read")
    func privateFile() throws {
        let token = TestTokens.classic()
        let path = try tokenFile(token + "\n", mode: 0o600)
        let resolved = try TokenSource.resolve(TokenSourceOptions(file: path), inputs: TokenInputs(environment: [:]))
        #expect(text(of: resolved) == token)
        #expect(resolved.origin == "--token-file \(path)")
    }

    @Test("a token file others can read is refused, naming the file, its mode and the fix", arguments: [0o644, 0o640, 0o604, 0o660])
    func openFile(mode: Int) throws {
        let path = try tokenFile(TestTokens.classic(), mode: mode)
        let error = try #require(throws: TokenSourceError.self) {
            try TokenSource.resolve(TokenSourceOptions(file: path), inputs: TokenInputs(environment: [:]))
        }
        #expect(error == .fileTooOpen(path: path, mode: mode))
        #expect(error.description.contains(path))
        #expect(error.description.contains("0" + String(mode, radix: 8)))
        #expect(error.description.contains("chmod 600 \(path)"))
    }

    @Test("a missing file and a directory are refused clearly")
    func missingFileAndDirectory() throws {
        let missing = "/nonexistent-\(UUID().uuidString)/token"
        #expect(throws: TokenSourceError.fileNotFound(path: missing)) {
            try TokenSource.resolve(TokenSourceOptions(file: missing), inputs: TokenInputs(environment: [:]))
        }
        let folder = URL(fileURLWithPath: try tokenFile("", mode: 0o600)).deletingLastPathComponent().path
        #expect(throws: TokenSourceError.fileIsDirectory(path: folder)) {
            try TokenSource.resolve(TokenSourceOptions(file: folder), inputs: TokenInputs(environment: [:]))
        }
    }

    @Test("PAT_TOKEN is read when no option names a source")
    func patToken() throws {
        let token = TestTokens.classic()
        let resolved = try TokenSource.resolve(TokenSourceOptions(), inputs: TokenInputs(environment: ["PAT_TOKEN": token], isTerminal: true, typedAtPrompt: TestTokens.classic()))
        #expect(text(of: resolved) == token)
        #expect(resolved.origin == "PAT_TOKEN")
    }

    @Test("on a terminal with no other source, the prompt is used")
    func prompt() throws {
        let token = TestTokens.classic()
        let resolved = try TokenSource.resolve(TokenSourceOptions(), inputs: TokenInputs(environment: [:], isTerminal: true, typedAtPrompt: token + "\n"))
        #expect(text(of: resolved) == token)
        #expect(resolved.origin == "prompt")
    }

    @Test("off a terminal with no source, the error lists every source")
    func noSource() throws {
        let error = try #require(throws: TokenSourceError.self) {
            try TokenSource.resolve(TokenSourceOptions(), inputs: TokenInputs(environment: [:], isTerminal: false, typedAtPrompt: TestTokens.classic()))
        }
        #expect(error == .noSource)
        for source in ["--token-stdin", "--token-env NAME", "--token-file PATH", "PAT_TOKEN", "prompt"] {
            #expect(error.description.contains(source))
        }
    }

    @Test("the first source wins: stdin, then --token-env, then --token-file, then PAT_TOKEN")
    func precedence() throws {
        let (fromStdin, fromEnv, fromFile, fromPAT) = (TestTokens.classic(), TestTokens.classic(), TestTokens.classic(), TestTokens.classic())
        let path = try tokenFile(fromFile, mode: 0o600)
        let inputs = TokenInputs(environment: ["GH_PAT": fromEnv, "PAT_TOKEN": fromPAT], standardInput: fromStdin, isTerminal: true, typedAtPrompt: TestTokens.classic())
        #expect(try text(of: TokenSource.resolve(TokenSourceOptions(stdin: true, env: "GH_PAT", file: path), inputs: inputs)) == fromStdin)
        #expect(try text(of: TokenSource.resolve(TokenSourceOptions(env: "GH_PAT", file: path), inputs: inputs)) == fromEnv)
        #expect(try text(of: TokenSource.resolve(TokenSourceOptions(file: path), inputs: inputs)) == fromFile)
        #expect(try text(of: TokenSource.resolve(TokenSourceOptions(), inputs: inputs)) == fromPAT)
    }

    @Test("an inner space is refused with the source and position, not the token")
    func innerSpace() throws {
        let token = TestTokens.classic()
        let spaced = String(token.prefix(11)) + " " + String(token.dropFirst(11))
        let error = try #require(throws: TokenSourceError.self) {
            try TokenSource.resolve(TokenSourceOptions(env: "MY_VAR"), inputs: TokenInputs(environment: ["MY_VAR": spaced]))
        }
        #expect(error == .containsWhitespace(.environmentOption(name: "MY_VAR"), position: 12, byte: 0x20, trailing: false))
        #expect(error.description.hasPrefix("the token in $MY_VAR contains a space at position 12"))
        #expect(!error.description.contains(token.prefix(11)))
    }

    @Test("other bad values are refused with their source", arguments: [
        ("ghp_abc \n", TokenSourceError.containsWhitespace(.patTokenVariable, position: 8, byte: 0x20, trailing: true)),
        ("ghp_\rabc", .containsWhitespace(.patTokenVariable, position: 5, byte: 0x0D, trailing: false)),
        ("\"ghp_abc\"", .quoted(.patTokenVariable)),
        ("'ghp_abc'\n", .quoted(.patTokenVariable)),
        ("PAT_TOKEN=ghp_abc", .assignmentLine(.patTokenVariable, name: "PAT_TOKEN")),
        ("export PAT_TOKEN=\"ghp_abc\"", .assignmentLine(.patTokenVariable, name: "PAT_TOKEN")),
        ("ghp_abc\n\n", .containsWhitespace(.patTokenVariable, position: 8, byte: 0x0A, trailing: true)),
        ("\tghp_abc", .containsWhitespace(.patTokenVariable, position: 1, byte: 0x09, trailing: false)),
        ("", .empty(.patTokenVariable)),
        ("\r\n", .empty(.patTokenVariable)),
        ("ghp_\u{0}abc", .containsNUL(.patTokenVariable, position: 5)),
        ("ghp_abcé", .nonASCII(.patTokenVariable, position: 8)),
    ])
    func badValues(value: String, expected: TokenSourceError) {
        #expect(throws: expected) { try TokenSource.resolve(TokenSourceOptions(), inputs: TokenInputs(environment: ["PAT_TOKEN": value])) }
    }

    @Test("an empty PAT_TOKEN explains the usual Actions cause")
    func emptyPATToken() {
        #expect(TokenSourceError.empty(.patTokenVariable).description.contains("GitHub Actions"))
        #expect(TokenSourceError.empty(.standardInput).description == "the token in standard input is empty: put the token there or choose another source")
    }

    @Test("a file with a second line is refused")
    func fileWithTwoLines() throws {
        let path = try tokenFile(TestTokens.classic() + "\nnote\n", mode: 0o600)
        #expect(throws: TokenSourceError.containsWhitespace(.file(path: path), position: 41, byte: 0x0A, trailing: false)) {
            try TokenSource.resolve(TokenSourceOptions(file: path), inputs: TokenInputs(environment: [:]))
        }
    }

    @Test("a file larger than the input limit is refused")
    func hugeFile() throws {
        let path = try tokenFile(String(repeating: "a", count: TokenSource.inputLimit + 1), mode: 0o600)
        #expect(throws: TokenSourceError.inputTooLong(.file(path: path), limit: TokenSource.inputLimit)) {
            try TokenSource.resolve(TokenSourceOptions(file: path), inputs: TokenInputs(environment: [:]))
        }
    }

    @Test("--auth-env reads its variable, and none means the token calls the API")
    func authEnvironment() throws {
        let credential = TestTokens.classic()
        let inputs = TokenInputs(environment: ["GH_TOKEN": credential])
        let resolved = try #require(try TokenSource.resolveAuth(envName: "GH_TOKEN", inputs: inputs))
        #expect(text(of: resolved) == credential)
        #expect(resolved.origin == "--auth-env GH_TOKEN")
        #expect(try TokenSource.resolveAuth(envName: nil, inputs: inputs) == nil)
        #expect(throws: TokenSourceError.variableNotSet(name: "NOPE", option: "--auth-env")) {
            try TokenSource.resolveAuth(envName: "NOPE", inputs: inputs)
        }
    }

    @Test("--token VALUE is refused with the reason and the alternatives")
    func tokenOnCommandLine() {
        let message = TokenSourceError.tokenOnCommandLine.description
        #expect(message.hasPrefix("there is no --token VALUE option"))
        for word in ["process list", "shell history", "--token-stdin", "--token-env NAME", "--token-file PATH", "PAT_TOKEN", "prompt"] {
            #expect(message.contains(word))
        }
    }

    @Test("the real process's stdin reader stops at the first line feed")
    func readsOneLine() throws {
        let pipe = Pipe()
        let token = TestTokens.classic()
        pipe.fileHandleForWriting.write(Data((token + "\r\nrest").utf8))
        try pipe.fileHandleForWriting.close()
        let descriptor = pipe.fileHandleForReading.fileDescriptor
        let line = try TokenSource.readAll(descriptor, stoppingAtLineFeed: true, origin: .standardInput)
        #expect(line == Array((token + "\r\n").utf8))
        let rest = try TokenSource.readAll(descriptor, stoppingAtLineFeed: false, origin: .standardInput)
        #expect(rest == Array("rest".utf8))
    }

    @Test("zeroing clears every byte")
    func zeroing() {
        var bytes = Array(TestTokens.classic().utf8)
        TokenSource.zero(&bytes)
        #expect(bytes == [UInt8](repeating: 0, count: 40))
    }
}
