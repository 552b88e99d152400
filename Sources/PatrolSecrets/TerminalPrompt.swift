import FoundationEssentials
import Glibc
import PatrolSupport

/// Asks for the token on the controlling terminal with echo off, and always gives the terminal back as it was.
package enum TerminalPrompt {
    /// Shows `prompt` on stderr, reads one line from `/dev/tty` without echo, then restores the terminal.
    package static func readWithoutEcho(prompt: String) throws(TokenSourceError) -> [UInt8] {
        let terminal = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard terminal >= 0 else { throw .promptUnavailable(reason: "/dev/tty: \(String(cString: strerror(errno)))") }
        defer { close(terminal) }
        var saved = termios()
        guard tcgetattr(terminal, &saved) == 0 else {
            throw .promptUnavailable(reason: "/dev/tty is not a terminal: \(String(cString: strerror(errno)))")
        }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO | ECHONL)
        interrupted = (terminal, saved)
        // A Ctrl-C at the prompt must not leave the shell without echo: restore, then die of the signal as usual.
        let previousInterrupt = signal(SIGINT, restoreAndReraise)
        let previousTerminate = signal(SIGTERM, restoreAndReraise)
        defer {
            tcsetattr(terminal, TCSAFLUSH, &saved)
            signal(SIGINT, previousInterrupt)
            signal(SIGTERM, previousTerminate)
            interrupted = nil
        }
        guard tcsetattr(terminal, TCSAFLUSH, &silent) == 0 else {
            throw .promptUnavailable(reason: "cannot turn off echo: \(String(cString: strerror(errno)))")
        }
        // A prompt the user cannot see is no reason to stop: what the stream refuses is dropped.
        _ = StandardStream.write(prompt, to: STDERR_FILENO)
        defer { _ = StandardStream.write("\n", to: STDERR_FILENO) }
        do throws(TokenSource.ReadFailure) {
            return try TokenSource.readAll(terminal, stoppingAtLineFeed: true, origin: .prompt)
        } catch {
            throw error.sourceError { .promptUnavailable(reason: $0) }
        }
    }
}

// Why nonisolated(unsafe): a signal handler can capture nothing, so it finds the terminal to restore here.
// Written only by the one thread that prompts, before the handler is installed and after it is removed.
nonisolated(unsafe) private var interrupted: (descriptor: Int32, attributes: termios)?


/// Restores the terminal saved in `interrupted`, then re-raises the signal with its default action.
private func restoreAndReraise(_ signalNumber: Int32) {
    if var state = interrupted {
        tcsetattr(state.descriptor, TCSANOW, &state.attributes)
    }
    signal(signalNumber, SIG_DFL)
    raise(signalNumber)
}
