import Foundation

extension FileHandle {
    /// What arrives on this handle (a child's stdout or stderr) until `done` holds for the text so far, or the writer
    /// closes its end; the text so far either way, so the caller can say which happened. Blocks while nothing comes.
    public func readText(until done: (String) -> Bool) -> String {
        var bytes = Data()
        var text = ""
        while !done(text) {
            let chunk = availableData
            if chunk.isEmpty { break }
            // Decoded whole each time: a chunk can end inside a UTF-8 sequence.
            bytes += chunk
            text = String(decoding: bytes, as: UTF8.self)
        }
        return text
    }
}
