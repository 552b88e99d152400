import FoundationEssentials
import Glibc
internal import CSodium

/// The token-source options of the command line (spec §3.1).
public struct TokenSourceOptions: Equatable, Sendable {
    /// `--token-stdin`.
    public var stdin: Bool
    /// `--token-env NAME`.
    public var env: String?
    /// `--token-file PATH`.
    public var file: String?

    public init(stdin: Bool = false, env: String? = nil, file: String? = nil) {
        self.stdin = stdin
        self.env = env
        self.file = file
    }
}

/// A token read from one source, with where it came from.
public struct ResolvedToken: Sendable {
    public let token: Token
    public let source: TokenOrigin
    /// How the user named the source: `--token-env GH_PAT`, `PAT_TOKEN`, `prompt`.
    public var origin: String { source.description }

    package init(token: Token, source: TokenOrigin) {
        self.token = token
        self.source = source
    }
}

/// Finds the one token a run works with: the one explicit source named (`--token-stdin`, `--token-env NAME`,
/// `--token-file PATH`; the parser refuses two), else `$PAT_TOKEN`, else a no-echo prompt on a terminal.
public enum TokenSource {
    /// The environment variable read when no option names a source.
    public static let patTokenVariable = "PAT_TOKEN"
    /// The most bytes read from any source; a token is at most about 1 KB.
    package static let inputLimit = 64 * 1024
    /// What the prompt shows on the terminal.
    package static let promptText = "GitHub token for patrol (input hidden): "

    /// Reads the token from the first source that applies, or says which source is wrong and how.
    public static func resolve(_ options: TokenSourceOptions, inputs: TokenInputs = .process) throws(TokenSourceError) -> ResolvedToken {
        if options.stdin {
            return try resolved(inputs.readStandardInputLine(), from: .standardInput)
        }
        if let name = options.env {
            guard let value = inputs.environment(name) else { throw .variableNotSet(name: name, option: "--token-env") }
            return try resolved(value, from: .environmentOption(name: name))
        }
        if let path = options.file {
            return try resolved(readFile(path), from: .file(path: path))
        }
        if let value = inputs.environment(patTokenVariable) {
            return try resolved(value, from: .patTokenVariable)
        }
        if inputs.isTerminal {
            return try resolved(inputs.promptWithoutEcho(promptText), from: .prompt)
        }
        throw .noSource
    }

    /// The credential named by `--auth-env NAME`, or nil when there is none and the token itself calls the API.
    public static func resolveAuth(envName: String?, inputs: TokenInputs = .process) throws(TokenSourceError) -> ResolvedToken? {
        guard let name = envName else { return nil }
        guard let value = inputs.environment(name) else { throw .variableNotSet(name: name, option: "--auth-env") }
        return try resolved(value, from: .authEnvironment(name: name))
    }

    /// True when the environment variable `name` is set; its value is zeroed at once, never kept.
    public static func isSet(_ name: String, inputs: TokenInputs) -> Bool {
        guard var value = inputs.environment(name) else { return false }
        zero(&value)
        return true
    }

    /// Checks `raw`, moves it into a ``Token`` and zeroes `raw`, whatever the outcome.
    /// A trailing line break (`\n`, `\r\n` or a lone `\r`) is trimmed, the same for every source.
    package static func resolved(_ raw: consuming [UInt8], from origin: TokenOrigin) throws(TokenSourceError) -> ResolvedToken {
        var bytes = raw
        defer { zero(&bytes) }
        // removeLast keeps the capacity, so no copy of the token is left unzeroed.
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        try checkPasteMistakes(bytes, from: origin)
        try validate(bytes, from: origin)
        return ResolvedToken(token: Token(bytes: bytes), source: origin)
    }

    /// The two copy-and-paste slips worth naming exactly: a whole `NAME=value` line (from a `.env` file or
    /// a shell, with or without `export`) and a token in quotes.
    package static func checkPasteMistakes(_ bytes: [UInt8], from origin: TokenOrigin) throws(TokenSourceError) {
        var rest = bytes[...]
        let export = Array("export".utf8)
        if rest.starts(with: export), let next = rest.dropFirst(export.count).first, next == 0x20 || next == 0x09 {
            rest = rest.dropFirst(export.count).drop { $0 == 0x20 || $0 == 0x09 }
        }
        let name = rest.prefix { isNameByte($0) }
        if !name.isEmpty, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(name.first!), name.count <= 128,
           rest.dropFirst(name.count).first == UInt8(ascii: "=") {
            throw .assignmentLine(origin, name: String(decoding: name, as: UTF8.self))
        }
        let quotes: Set<UInt8> = [UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`")]
        if let first = bytes.first, let last = bytes.last, quotes.contains(first) || quotes.contains(last) {
            throw .quoted(origin)
        }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
    }

    /// The checks every source shares: not empty, no whitespace, no NUL, ASCII only. The token's own format is ``TokenFormat``'s job.
    package static func validate(_ bytes: [UInt8], from origin: TokenOrigin) throws(TokenSourceError) {
        guard !bytes.isEmpty else { throw .empty(origin) }
        for (offset, byte) in bytes.enumerated() {
            let position = offset + 1
            if byte == 0 { throw .containsNUL(origin, position: position) }
            if byte >= 0x80 { throw .nonASCII(origin, position: position) }
            if TokenFormat.isWhitespace(byte) {
                throw .containsWhitespace(origin, position: position, byte: byte, trailing: position == bytes.count)
            }
        }
    }

    /// Overwrites `bytes` with zeros in a way the optimiser cannot remove.
    package static func zero(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            // Why unsafe: sodium_memzero writes exactly `buffer.count` zeros into memory this array owns.
            sodium_memzero(buffer.baseAddress, buffer.count)
        }
    }

    /// The contents of a token file that only its owner can read, refused like ssh refuses an open key file.
    package static func readFile(_ path: String) throws(TokenSourceError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .fileNotFound(path: path) }
            throw .fileNotReadable(path: path, reason: String(cString: strerror(code)))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw .fileNotReadable(path: path, reason: String(cString: strerror(errno)))
        }
        if status.st_mode & S_IFMT == S_IFDIR { throw .fileIsDirectory(path: path) }
        let permissions = Int(status.st_mode & 0o7777)
        guard permissions & 0o077 == 0 else { throw .fileTooOpen(path: path, mode: permissions) }
        do throws(ReadFailure) {
            return try readAll(descriptor, stoppingAtLineFeed: false, origin: .file(path: path))
        } catch {
            throw error.sourceError { .fileNotReadable(path: path, reason: $0) }
        }
    }

    /// Reads `descriptor` to its end, or through its first line feed, up to ``inputLimit`` bytes.
    /// One byte at a time when stopping at a line feed, so nothing after the first line is consumed.
    package static func readAll(_ descriptor: Int32, stoppingAtLineFeed: Bool, origin: TokenOrigin) throws(ReadFailure) -> [UInt8] {
        var bytes = [UInt8]()
        // Room for any real token up front: a growing array would free copies of it without zeroing them.
        bytes.reserveCapacity(8192)
        var chunk = [UInt8](repeating: 0, count: stoppingAtLineFeed ? 1 : 4096)
        defer { zero(&chunk) }
        while true {
            // Why unsafe: read(2) writes at most `chunk.count` bytes into the chunk's own storage.
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                zero(&bytes)
                throw .unreadable(reason)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
            if bytes.count > inputLimit {
                zero(&bytes)
                throw .tooLong(origin)
            }
            if stoppingAtLineFeed && chunk[0] == UInt8(ascii: "\n") { return bytes }
        }
    }

    /// Why reading a descriptor stopped early.
    package enum ReadFailure: Error {
        case unreadable(String)
        case tooLong(TokenOrigin)

        /// The user-facing error, with `unreadable` saying how a read failure is phrased for this source.
        package func sourceError(unreadable: (String) -> TokenSourceError) -> TokenSourceError {
            switch self {
            case .unreadable(let reason): unreadable(reason)
            case .tooLong(let origin): .inputTooLong(origin, limit: TokenSource.inputLimit)
            }
        }
    }
}

/// Everything ``TokenSource`` reads from the process, injectable so tests need no real terminal or environment.
public struct TokenInputs: Sendable {
    /// The bytes of an environment variable, or nil when it is not set.
    public var environment: @Sendable (String) -> [UInt8]?
    /// Standard input up to and including its first line feed (or to its end).
    public var readStandardInputLine: @Sendable () throws(TokenSourceError) -> [UInt8]
    /// Whether a person is at a terminal who can answer a prompt.
    public var isTerminal: Bool
    /// Shows the given prompt on the terminal (stderr side), reads one line with echo off, restores the terminal.
    public var promptWithoutEcho: @Sendable (String) throws(TokenSourceError) -> [UInt8]

    public init(
        environment: @escaping @Sendable (String) -> [UInt8]?,
        readStandardInputLine: @escaping @Sendable () throws(TokenSourceError) -> [UInt8],
        isTerminal: Bool,
        promptWithoutEcho: @escaping @Sendable (String) throws(TokenSourceError) -> [UInt8]
    ) {
        self.environment = environment
        self.readStandardInputLine = readStandardInputLine
        self.isTerminal = isTerminal
        self.promptWithoutEcho = promptWithoutEcho
    }

    /// Fixed inputs, for tests: an environment, what standard input holds, and what a person would type at the prompt.
    public init(environment: [String: String], standardInput: String = "", isTerminal: Bool = false, typedAtPrompt: String? = nil) {
        self.init(
            environment: { name in environment[name].map { Array($0.utf8) } },
            readStandardInputLine: { Array(standardInput.utf8.prefix { $0 != UInt8(ascii: "\n") }) + (standardInput.utf8.contains(UInt8(ascii: "\n")) ? [UInt8(ascii: "\n")] : []) },
            isTerminal: isTerminal,
            promptWithoutEcho: { _ throws(TokenSourceError) in
                guard let typed = typedAtPrompt else { throw .promptUnavailable(reason: "no answer was given to the prompt") }
                return Array(typed.utf8)
            }
        )
    }

    /// The real process: its environment, file descriptor 0, and `/dev/tty`.
    public static var process: TokenInputs {
        TokenInputs(
            environment: { name in
                // Why unsafe: getenv returns a pointer into the environment block, copied out at once (no setenv runs meanwhile).
                guard let value = getenv(name) else { return nil }
                return Array(UnsafeRawBufferPointer(start: value, count: strlen(value)))
            },
            readStandardInputLine: { () throws(TokenSourceError) in
                do throws(TokenSource.ReadFailure) {
                    return try TokenSource.readAll(STDIN_FILENO, stoppingAtLineFeed: true, origin: .standardInput)
                } catch {
                    throw error.sourceError { .standardInputUnreadable(reason: $0) }
                }
            },
            isTerminal: isatty(STDIN_FILENO) == 1,
            promptWithoutEcho: { text throws(TokenSourceError) in try TerminalPrompt.readWithoutEcho(prompt: text) }
        )
    }
}

/// Why no usable token came from the chosen source. Messages name the source, never the token.
public enum TokenSourceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The command line had `--token VALUE`, which patrol refuses.
    case tokenOnCommandLine
    /// No option named a source, `PAT_TOKEN` is unset and there is no terminal to prompt on.
    case noSource
    /// `option NAME` names an environment variable that is not set.
    case variableNotSet(name: String, option: String)
    case empty(TokenOrigin)
    /// `trailing` when the whitespace is the last character, the usual copy-and-paste slip.
    case containsWhitespace(TokenOrigin, position: Int, byte: UInt8, trailing: Bool)
    case containsNUL(TokenOrigin, position: Int)
    case nonASCII(TokenOrigin, position: Int)
    case inputTooLong(TokenOrigin, limit: Int)
    case fileNotFound(path: String)
    case fileIsDirectory(path: String)
    case fileNotReadable(path: String, reason: String)
    /// `mode` holds the permission bits, e.g. 0o644.
    case fileTooOpen(path: String, mode: Int)
    case standardInputUnreadable(reason: String)
    case promptUnavailable(reason: String)
    /// The value is a whole `NAME=…` line (maybe with `export`), as pasted from a `.env` file or a shell.
    case assignmentLine(TokenOrigin, name: String)
    /// The value starts or ends with a quote: the quotes were copied with the token.
    case quoted(TokenOrigin)

    /// Every source, in the order patrol tries them.
    package static let sources = "--token-stdin (first line of standard input), --token-env NAME, --token-file PATH (a file only you can read), the PAT_TOKEN environment variable, or the prompt patrol shows on a terminal"

    public var description: String {
        switch self {
        case .tokenOnCommandLine:
            "there is no --token VALUE option: a value on the command line is visible to other users in the process list and stays in your shell history; pass the token with \(Self.sources)"
        case .noSource:
            "no token given and no terminal to ask on: pass it with \(Self.sources)"
        case .variableNotSet(let name, let option):
            "\(option) \(name): the environment variable \(name) is not set; export it in this shell (or the job's env:) first"
        case .empty(let origin):
            "the token in \(origin.phrase) is empty"
                + (origin == .patTokenVariable ? "; in GitHub Actions an empty secret means it is not set for this repository or not passed to this event" : ": put the token there or choose another source")
        case .containsWhitespace(let origin, let position, let byte, let trailing):
            "the token in \(origin.phrase) contains \(Self.name(ofWhitespace: byte)) at position \(position)"
                + (trailing ? " (at its end)" : "") + ": a token has no whitespace; copy the token alone"
                + (byte == UInt8(ascii: "\n") ? ", on one line" : "")
        case .containsNUL(let origin, let position):
            "the token in \(origin.phrase) contains a NUL byte at position \(position): that is binary data, not a token"
        case .nonASCII(let origin, let position):
            "the token in \(origin.phrase) contains a non-ASCII byte at position \(position): tokens are plain ASCII letters, digits and underscores; copy it again from GitHub or your password manager"
        case .inputTooLong(let origin, let limit):
            "\(origin.phrase) holds more than \(limit) bytes before its first line break: that is not a token"
        case .fileNotFound(let path):
            "--token-file \(path): no such file; check the path"
        case .fileIsDirectory(let path):
            "--token-file \(path) is a directory; name the file that holds the token"
        case .fileNotReadable(let path, let reason):
            "--token-file \(path) cannot be read (\(reason)); check its owner and permissions"
        case .fileTooOpen(let path, let mode):
            "--token-file \(path) has mode \(String(mode, radix: 8).leftPadded(to: 4)) and can be read by group or others; patrol refuses it, as ssh refuses an open key file; run: chmod 600 \(path)"
        case .standardInputUnreadable(let reason):
            "--token-stdin: standard input cannot be read (\(reason))"
        case .promptUnavailable(let reason):
            "cannot prompt for the token on the terminal (\(reason)); pass it with \(Self.sources)"
        case .assignmentLine(let origin, let name):
            "the token in \(origin.phrase) is a whole \(name)=… line, as pasted from a .env file or a shell: "
                + "give only the token, the part after \"\(name)=\", without quotes"
        case .quoted(let origin):
            "the token in \(origin.phrase) is in quotes: the quotes were copied with it; give the token without them"
        }
    }

    private static func name(ofWhitespace byte: UInt8) -> String {
        switch byte {
        case 0x20: "a space"
        case 0x09: "a tab"
        case 0x0A: "a line break"
        case 0x0D: "a carriage return"
        case 0x0B: "a vertical tab"
        default: "a form feed"
        }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
