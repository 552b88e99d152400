import Glibc

/// Whole-text writes to a standard stream with `write(2)`: unbuffered, so a line reaches a pipe when it is
/// printed, and without Foundation's `FileHandle.write(_:)`, which traps on EPIPE once SIGPIPE is ignored.
package enum StandardStream {
    /// Writes all of `text` to `descriptor`, resuming after short writes and EINTR. False when the reader has
    /// gone (EPIPE) or the stream failed otherwise; what was not written is dropped.
    package static func write(_ text: String, to descriptor: Int32) -> Bool {
        Array(text.utf8).withUnsafeBytes { write($0, to: descriptor) }
    }

    /// Writes all of `bytes` to `descriptor`, resuming after short writes and EINTR; false as for text.
    package static func write(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            // why unsafe: writing from the caller's buffer, within its bounds.
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }
}
