import FoundationEssentials
import Glibc
internal import CCurl
import PatrolSupport

/// libcurl's process-wide set-up, done once.
package enum CurlGlobal {
    /// `curl_global_init` runs once, on first use (a `static let` is initialised lazily and atomically), before the
    /// first transport starts its thread. This libcurl is built "threadsafe" (7.84+), so the init itself is safe
    /// even though Swift's own threads already exist. SIGPIPE is ignored here too: a peer that closes a socket
    /// mid-write must give an error, not kill patrol.
    package static let ready: Bool = {
        signal(SIGPIPE, SIG_IGN)
        return CCurl_global_init_all() == CURLE_OK
    }()

    /// Runs `body` while ``ready`` is set up on a thread of its own, when `needed`: a command that will send requests
    /// reads its config, token and ledger meanwhile instead of waiting for `curl_global_init` (OpenSSL's start, about a
    /// millisecond) when its first transport starts. Returns only once the set-up has ended, so that it never runs
    /// while the process exits (OpenSSL's exit handlers race live threads).
    package static func warming<Result>(if needed: Bool, _ body: () async throws -> Result) async rethrows -> Result {
        guard needed else { return try await body() }
        DetachedThread.start { _ = ready }
        // A `static let`'s initialiser runs once; a second reader waits for it to end.
        defer { _ = ready }
        return try await body()
    }
}
