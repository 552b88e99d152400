import Glibc

/// A whole file's bytes read with `open` and `read`, up to a limit: for the files patrol reads at start (the fleet
/// config, a CA bundle), without Foundation's file APIs.
public enum FileBytes {
    /// The file at `path`, or its first `limit + 1` bytes when it is larger (so that the caller can tell);
    /// throws the `errno` of the `open` or `read` that failed.
    public static func read(_ path: String, limit: Int) throws(FileBytesError) -> [UInt8] {
        let file = open(path, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { throw FileBytesError(code: errno) }
        defer { close(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while bytes.count <= limit {
            // why: read writes at most `chunk.count` bytes into the array.
            let count = Glibc.read(file, &chunk, min(chunk.count, limit + 1 - bytes.count))
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw FileBytesError(code: errno) }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return bytes
    }
}

/// A file that could not be opened or read: the `errno` and the system's words for it.
public struct FileBytesError: Error, CustomStringConvertible {
    public let code: Int32
    /// `Permission denied`, `Is a directory`, …
    public var description: String { String(cString: strerror(code)) }
}
