import FoundationEssentials
internal import CCurl

/// One libcurl multi handle: runs many transfers at once and keeps their connection cache. Lives on the transport's thread.
package final class CurlMulti {
    private let handle: UnsafeMutableRawPointer

    /// Creates the handle with connection limits of `maxConnections`; nil when libcurl cannot.
    package init?(maxConnections: Int) {
        guard let handle = curl_multi_init() else { return nil }
        self.handle = handle
        // HTTP/2 multiplexing where the server offers it; the cache keeps connections open for reuse.
        // - SeeAlso: https://curl.se/libcurl/c/CURLMOPT_PIPELINING.html
        _ = CCurl_multi_setopt_long(handle, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX)
        // - SeeAlso: https://curl.se/libcurl/c/CURLMOPT_MAX_TOTAL_CONNECTIONS.html
        _ = CCurl_multi_setopt_long(handle, CURLMOPT_MAX_TOTAL_CONNECTIONS, maxConnections)
        _ = CCurl_multi_setopt_long(handle, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnections)
        // - SeeAlso: https://curl.se/libcurl/c/CURLMOPT_MAXCONNECTS.html
        _ = CCurl_multi_setopt_long(handle, CURLMOPT_MAXCONNECTS, maxConnections)
    }

    deinit {
        curl_multi_cleanup(handle)
    }

    /// The one multi call that other threads may make.
    package var waker: CurlWaker { CurlWaker(handle: handle) }

    /// Starts driving `easy`; false when curl refuses it.
    package func add(_ easy: CurlEasy) -> Bool {
        curl_multi_add_handle(handle, easy.handle) == CURLM_OK
    }

    /// Stops driving `easy` (done or cancelled); must precede its cleanup.
    package func remove(_ easy: CurlEasy) {
        _ = curl_multi_remove_handle(handle, easy.handle)
    }

    /// Moves every transfer forward as far as it can go without waiting.
    package func perform() {
        var running: Int32 = 0
        _ = curl_multi_perform(handle, &running)
    }

    /// Waits until a socket is ready, `curl_multi_wakeup` is called, curl's own next timeout, or `timeoutMilliseconds`.
    package func poll(timeoutMilliseconds: Int32) {
        var ready: Int32 = 0
        _ = curl_multi_poll(handle, nil, 0, timeoutMilliseconds, &ready)
    }

    /// The transfers that finished since the last call: their easy handle and result.
    func finished() -> [(handle: UnsafeMutableRawPointer, result: CURLcode)] {
        var done: [(handle: UnsafeMutableRawPointer, result: CURLcode)] = []
        var remaining: Int32 = 0
        // Why unsafe: each message stays valid until the next curl call on this multi handle; we copy its two fields out at once.
        while let message = curl_multi_info_read(handle, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            done.append((easy, message.pointee.data.result))
        }
        return done
    }
}

@available(*, unavailable, message: "a curl multi handle stays on the transport's thread")
extension CurlMulti: Sendable {}

/// Wakes a multi handle's `curl_multi_poll` from any thread.
package struct CurlWaker: @unchecked Sendable {
    // @unchecked Sendable: only `curl_multi_wakeup` is called through this pointer, which libcurl documents as safe
    // from any thread. The transport calls it only under its state lock while the loop has not yet closed, and
    // the loop clears the waker under that same lock before the multi handle is cleaned up.
    package let handle: UnsafeMutableRawPointer

    package func wake() {
        _ = curl_multi_wakeup(handle)
    }

    package init(handle: UnsafeMutableRawPointer) {
        self.handle = handle
    }
}
