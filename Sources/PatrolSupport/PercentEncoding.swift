/// Percent-encoding of URL pieces (RFC 3986), done here rather than by Foundation's `addingPercentEncoding`,
/// which FoundationEssentials does not have (patrol links only that; docs/architecture.md).
public enum PercentEncoding {
    /// `text` with every UTF-8 byte percent-encoded (`%2F`) except ASCII letters, digits and the characters of `keeping`.
    public static func encode(_ text: String, keeping: String) -> String {
        let kept = Set(keeping.utf8)
        var out = ""
        for byte in text.utf8 {
            let isAlphanumeric = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            if isAlphanumeric || kept.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + Hex.padded(byte, width: 2, uppercase: true)
            }
        }
        return out
    }

    /// `text` with every `%XX` decoded; nil when a `%` is not followed by two hex digits or the bytes are not UTF-8.
    public static func decode(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
