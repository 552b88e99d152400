/// Masks secrets in text before patrol prints it: the exact bytes of each known token, anything shaped like a
/// GitHub token, and the credential of an `Authorization` header, whatever it is.
public struct Redactor: Sendable {
    /// What replaces a masked credential; a token keeps only its prefix in front of it.
    public static let mask = "<redacted>"
    /// Fewer characters after a prefix than this is a word like `ghp_example`, not a token.
    package static let shapedMinimum = 16

    private let tokens: [Token]

    /// A redactor that masks `tokens` exactly, on top of every token-shaped string.
    public init(tokens: [Token] = []) {
        self.tokens = tokens.filter { $0.count > 0 }
    }

    /// `text` with every secret masked: `ghp_…<redacted>`, `Authorization: Bearer <redacted>`.
    public func redact(_ text: String) -> String {
        var bytes = Array(text.utf8)
        for token in tokens {
            bytes = token.withUnsafeBytes { needle in
                let kind = TokenKind.matching(needle)
                return Self.replacing(needle, in: bytes, with: Array(((kind?.prefix ?? "") + (kind == nil ? "" : "…") + Self.mask).utf8))
            }
        }
        bytes = Self.maskingTokenShapes(in: bytes)
        bytes = Self.maskingAuthorization(in: bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `haystack` with every occurrence of `needle` replaced by `replacement`.
    package static func replacing(_ needle: UnsafeRawBufferPointer, in haystack: [UInt8], with replacement: [UInt8]) -> [UInt8] {
        guard !needle.isEmpty, haystack.count >= needle.count, let first = needle.first else { return haystack }
        var output = [UInt8]()
        output.reserveCapacity(haystack.count)
        var index = 0
        while index < haystack.count {
            if haystack[index] == first, index + needle.count <= haystack.count,
               haystack[index..<index + needle.count].elementsEqual(needle) {
                output.append(contentsOf: replacement)
                index += needle.count
            } else {
                output.append(haystack[index])
                index += 1
            }
        }
        return output
    }

    /// True when `text` holds something shaped like a GitHub token: a ``TokenKind`` prefix followed by at least
    /// ``shapedMinimum`` token characters. The one rule for both what output masks and what the command line refuses.
    public static func containsTokenShape(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return maskingTokenShapes(in: bytes) != bytes
    }

    /// Replaces `gh[pousr]_…` and `github_pat_…` runs of at least 16 token characters by their prefix and the mask.
    package static func maskingTokenShapes(in bytes: [UInt8]) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard let kind = kind(at: index, in: bytes) else {
                output.append(bytes[index])
                index += 1
                continue
            }
            let start = index + kind.prefix.utf8.count
            var end = start
            while end < bytes.count, TokenFormat.isWordCharacter(bytes[end]) || (kind == .installation && bytes[end] == UInt8(ascii: ".")) {
                end += 1
            }
            // A dot after an installation token usually ends the sentence, not the token.
            while end > start, bytes[end - 1] == UInt8(ascii: ".") { end -= 1 }
            if end - start >= shapedMinimum {
                output.append(contentsOf: Array((kind.prefix + "…" + mask).utf8))
                index = end
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    private static func kind(at index: Int, in bytes: [UInt8]) -> TokenKind? {
        guard bytes[index] == UInt8(ascii: "g") else { return nil }
        return TokenKind.allCases.first { kind in
            let prefix = kind.prefix.utf8
            return index + prefix.count <= bytes.count && bytes[index..<index + prefix.count].elementsEqual(prefix)
        }
    }

    /// Replaces the credential after `Authorization:` (or `authorization=`, or a JSON key), keeping a `Bearer`/`token`/`Basic` scheme.
    package static func maskingAuthorization(in bytes: [UInt8]) -> [UInt8] {
        let name = Array("authorization".utf8)
        var output = [UInt8]()
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard index + name.count <= bytes.count,
                  bytes[index..<index + name.count].lazy.map(lowercased).elementsEqual(name),
                  let credential = credentialRange(after: index + name.count, in: bytes) else {
                output.append(bytes[index])
                index += 1
                continue
            }
            output.append(contentsOf: bytes[index..<credential.lowerBound])
            if bytes[credential].elementsEqual(mask.utf8) || bytes[credential].reversed().starts(with: mask.utf8.reversed()) {
                output.append(contentsOf: bytes[credential])
            } else {
                output.append(contentsOf: Array(mask.utf8))
            }
            index = credential.upperBound
        }
        return output
    }

    /// Where the secret part of an authorization value starts and ends, past the separator and any scheme.
    private static func credentialRange(after nameEnd: Int, in bytes: [UInt8]) -> Range<Int>? {
        var index = nameEnd
        func skip(_ predicate: (UInt8) -> Bool) { while index < bytes.count, predicate(bytes[index]) { index += 1 } }
        skip(isQuote)
        skip(isBlank)
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") || bytes[index] == UInt8(ascii: "=") else { return nil }
        index += 1
        skip { isBlank($0) || isQuote($0) }
        let firstStart = index
        skip(isCredentialByte)
        guard index > firstStart else { return nil }
        let scheme = String(decoding: bytes[firstStart..<index].map(lowercased), as: UTF8.self)
        guard ["bearer", "token", "basic"].contains(scheme) else { return firstStart..<index }
        let schemeEnd = index
        skip(isBlank)
        let secondStart = index
        skip(isCredentialByte)
        return index > secondStart ? secondStart..<index : firstStart..<schemeEnd
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    private static func isQuote(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") }
    private static func isCredentialByte(_ byte: UInt8) -> Bool {
        !TokenFormat.isWhitespace(byte) && !isQuote(byte) && byte != UInt8(ascii: ",") && byte != UInt8(ascii: ";")
    }
}
