import Glibc

/// C's `printf` conversions for numbers (`%.1f`, `%.2g`), through `vsnprintf`: what `String(format:)` wrote,
/// digit for digit, without Foundation's formatter (patrol links only FoundationEssentials; docs/architecture.md).
public enum CFormat {
    /// `format` applied to `arguments`, e.g. `CFormat.string("%.1f", 2.25)` is `2.2`.
    public static func string(_ format: String, _ arguments: any CVarArg...) -> String {
        withVaList(arguments) { list in
            var buffer = [CChar](repeating: 0, count: 64)
            // why: vsnprintf writes at most `buffer.count` bytes, the terminating zero included, into the array.
            let needed = Int(vsnprintf(&buffer, buffer.count, format, list))
            guard needed >= buffer.count else { return String(decoding: buffer.prefix(max(needed, 0)).map { UInt8(bitPattern: $0) }, as: UTF8.self) }
            return withVaList(arguments) { again in
                buffer = [CChar](repeating: 0, count: needed + 1)
                // why: as above, with room for the whole result.
                _ = vsnprintf(&buffer, buffer.count, format, again)
                return String(decoding: buffer.prefix(needed).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
    }
}
