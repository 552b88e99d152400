import FoundationEssentials
import Glibc
import PatrolSupport
import PatrolSecrets

/// Where patrol writes: results to stdout, progress and diagnostics to stderr. Every line passes
/// through the ``Redactor`` first, so a token can never be printed, whatever a message contains.
public final class Console: Sendable {
    /// Writes raw text to a stream; injected so commands run in tests without a process.
    public typealias Sink = @Sendable (String) -> Void

    private let stdout: Sink
    private let stderr: Sink
    /// Show a live progress line (stderr is a terminal and not --quiet/--json).
    public let showsProgress: Bool
    public let quiet: Bool
    public let verbose: Bool
    public let color: Bool
    private let state = Locked(State())

    private struct State {
        package var redactor = Redactor(tokens: [])
        package var redacted: [Token] = []
        package var progressShown = false
        /// Standard output's (or standard error's) reader has gone (EPIPE): from then on patrol prints nothing.
        package var outputClosed = false
    }

    public init(stdout: @escaping Sink, stderr: @escaping Sink, stderrIsTerminal: Bool = false,
                quiet: Bool = false, verbose: Bool = false, color: Bool = false) {
        self.stdout = stdout
        self.stderr = stderr
        self.showsProgress = stderrIsTerminal && !quiet
        self.quiet = quiet
        self.verbose = verbose
        self.color = color
    }

    /// The process's own streams, written with `write(2)` as each line is known (no buffer holds a line back
    /// from a pipe). A closed standard output (EPIPE: `patrol status | head -1`) silences the console
    /// instead of trapping, as `FileHandle.write(_:)` would; ``outputClosed`` then says so.
    public static func process(quiet: Bool, verbose: Bool, noColor: Bool, environment: [String: String]) -> Console {
        let colorAllowed = !noColor && environment["NO_COLOR"] == nil && isatty(1) == 1 && environment["TERM"] != "dumb"
        // The sinks reach the console they belong to through this box, set once it exists. (It lives as long as the
        // process, so the reference cycle it makes is moot.)
        let closed = Locked<Console?>(nil)
        let console = Console(stdout: { text in
                                  if !StandardStream.write(text, to: 1) { closed.withLock { $0 }?.closeOutput() }
                              },
                              stderr: { text in
                                  if !StandardStream.write(text, to: 2) { closed.withLock { $0 }?.closeOutput() }
                              },
                              stderrIsTerminal: isatty(2) == 1, quiet: quiet, verbose: verbose, color: colorAllowed)
        closed.withLock { $0 = console }
        return console
    }

    /// True once standard output's reader has gone; the command should stop starting work and end quietly.
    public var outputClosed: Bool { state.withLock { $0.outputClosed } }

    /// Marks standard output as gone: nothing more is written, on either stream.
    public func closeOutput() { state.withLock { $0.outputClosed = true } }

    /// Clears the live progress line, if one is shown, so the shell's prompt starts on a clean line.
    public func clearProgress() {
        let shown = state.withLock { state in
            defer { state.progressShown = false }
            return state.progressShown && !state.outputClosed
        }
        if shown { stderr("\r\u{1B}[2K") }
    }

    /// From now on, mask these tokens wherever they appear.
    public func redact(_ tokens: [Token]) {
        state.withLock { state in
            state.redacted = tokens
            state.redactor = Redactor(tokens: tokens)
        }
    }

    /// Masks these too, from now on: credentials made during the run (an App's JWTs and installation tokens).
    public func redactAlso(_ tokens: [Token]) {
        state.withLock { state in
            state.redacted += tokens
            state.redactor = Redactor(tokens: state.redacted)
        }
    }

    /// A result line on stdout.
    public func result(_ line: String) { emit(line, to: stdout) }

    /// A JSON document on stdout as one line, written in pieces (``JSONDocument/write(pieceSize:to:)``) so that it is
    /// never held whole; each piece passes through the redactor.
    public func result(_ document: JSONDocument) {
        document.write { piece in emit(piece, to: stdout, ending: "") }
        emit("", to: stdout)
    }

    /// A result line on stdout that skips the redactor. Only `patrol simulator` uses it, to print the
    /// throw-away token its simulator accepts; nothing else may.
    public func unredactedResult(_ line: String) { if !outputClosed { stdout(line + "\n") } }

    /// A diagnostic on stderr, kept even with --quiet (errors and warnings).
    public func error(_ line: String) { emit(line, to: stderr) }

    /// Narration on stderr, dropped with --quiet.
    public func note(_ line: String) { if !quiet { emit(line, to: stderr) } }

    /// A request line for --verbose.
    public func trace(_ line: String) { if verbose { emit(line, to: stderr) } }

    /// Replaces the live progress line (only on a terminal).
    public func progress(_ line: String) {
        guard showsProgress else { return }
        let text = state.withLock { state -> String? in
            guard !state.outputClosed else { return nil }
            state.progressShown = true
            return state.redactor.redact(line)
        }
        if let text { stderr("\r\u{1B}[2K" + text) }
    }

    /// Paints `text` in an ANSI colour when colour is on.
    public func paint(_ text: String, _ colour: Colour) -> String {
        color ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }

    public enum Colour: Int, Sendable { case red = 31, green = 32, yellow = 33, dim = 2, bold = 1 }

    private func emit(_ line: String, to sink: Sink, ending: String = "\n") {
        let printed = state.withLock { state -> (text: String, clear: Bool)? in
            guard !state.outputClosed else { return nil }
            defer { state.progressShown = false }
            return (state.redactor.redact(line), state.progressShown)
        }
        guard let printed else { return }
        if printed.clear { stderr("\r\u{1B}[2K") }
        sink(printed.text + ending)
    }
}
