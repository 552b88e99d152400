import FoundationEssentials
import Glibc
internal import CCurl

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
}
