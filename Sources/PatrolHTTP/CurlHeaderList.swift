import FoundationEssentials
import Glibc
internal import CCurl
internal import CSodium

/// Owns one `curl_slist` of request header lines; frees it (after zeroing each line) when released.
package final class CurlHeaderList {
    /// The list's head, handed to `CURLOPT_HTTPHEADER`; nil while empty.
    private(set) var head: UnsafeMutablePointer<curl_slist>?

    package init() {}

    /// Appends one `Name: value` line; curl copies it.
    package func append(_ line: String) -> Bool {
        line.withCString { append(cString: $0) }
    }

    /// Appends one NUL-terminated line; curl copies it, so the caller may wipe its buffer afterwards.
    package func append(cString line: UnsafePointer<CChar>) -> Bool {
        // curl_slist_append returns the new head, or NULL leaving the old list intact when out of memory.
        guard let newHead = curl_slist_append(head, line) else { return false }
        head = newHead
        return true
    }

    deinit {
        var node = head
        while let current = node {
            // Why unsafe: each node's `data` is the NUL-terminated copy curl made; wiping it keeps the
            // Authorization line out of freed heap memory.
            if let data = current.pointee.data { sodium_memzero(data, strlen(data)) }
            node = current.pointee.next
        }
        curl_slist_free_all(head)
    }
}

@available(*, unavailable, message: "a header list belongs to the transfer thread that built it")
extension CurlHeaderList: Sendable {}
