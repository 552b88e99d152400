import PatrolSupport

/// Offline checks of a token's shape: prefix, characters, length and, for classic tokens, the CRC-32 checksum.
///
/// A failure here means the copy is damaged (truncated, mistyped, pasted with extra text), so nothing is sent to GitHub.
public enum TokenFormat {
    /// Characters in a classic token: `ghp_` + 30 random + 6 checksum.
    package static let classicLength = 40
    /// Characters of a classic token's checksum, at its end.
    package static let checksumLength = 6
    /// GitHub's documented ceiling for token length.
    package static let maximumLength = 255
    /// The fewest characters after the prefix of any real token (the shortest kinds carry 36).
    package static let minimumBodyLength = 20
    /// Installation tokens (since 2026 about 520 characters, with dots) get more room.
    package static let maximumInstallationLength = 1024

    private static let base62Alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// Checks `token` and returns its kind, or says what is wrong without quoting the token.
    public static func check(_ token: Token) throws(TokenFormatError) -> TokenKind {
        try token.withUnsafeBytes { bytes throws(TokenFormatError) in try check(bytes: bytes) }
    }

    /// The check on plain bytes, for tests and for values not yet held in a ``Token``.
    package static func check(bytes: some Collection<UInt8>) throws(TokenFormatError) -> TokenKind {
        // Array.withUnsafeBytes only rethrows untyped errors, so the typed one travels in a Result.
        let result = Array(bytes).withUnsafeBytes { buffer in
            Result { () throws(TokenFormatError) in try check(bytes: buffer) }
        }
        return try result.get()
    }

    /// The six base62 characters that end a classic token whose 30 random characters are `body`.
    public static func classicChecksum(of body: some Collection<UInt8>) -> String {
        base62(CRC32.checksum(body))
    }

    /// `value` in base62 (`0-9A-Za-z`), left-padded with `0` to six digits.
    package static func base62(_ value: UInt32) -> String {
        var remaining = value
        var digits = [UInt8](repeating: base62Alphabet[0], count: checksumLength)
        var index = checksumLength
        // 62^6 > 2^32, so six digits always hold a CRC-32; the largest is 4gfFC3.
        while remaining > 0 {
            index -= 1
            digits[index] = base62Alphabet[Int(remaining % 62)]
            remaining /= 62
        }
        return String(decoding: digits, as: UTF8.self)
    }

    package static func check(bytes: UnsafeRawBufferPointer) throws(TokenFormatError) -> TokenKind {
        guard !bytes.isEmpty else { throw .empty }
        for (offset, byte) in bytes.enumerated() {
            let position = offset + 1
            if byte == 0 { throw .containsNUL(position: position) }
            if byte >= 0x80 { throw .nonASCII(position: position) }
            if isWhitespace(byte) { throw .containsWhitespace(position: position) }
        }
        guard let kind = TokenKind.matching(bytes) else { throw .unknownPrefix }
        let limit = kind == .installation ? maximumInstallationLength : maximumLength
        guard bytes.count <= limit else { throw .tooLong(count: bytes.count, limit: limit) }
        for (offset, byte) in bytes.enumerated().dropFirst(kind.prefix.utf8.count) {
            let allowed = isWordCharacter(byte) || (kind == .installation && byte == UInt8(ascii: "."))
            if !allowed { throw .invalidCharacter(position: offset + 1, byte: byte) }
        }
        if bytes.count - kind.prefix.utf8.count < minimumBodyLength, kind != .classic {
            throw .tooShort(kind: kind, count: bytes.count)
        }
        if kind == .classic {
            guard bytes.count == classicLength else {
                throw .wrongLength(kind: kind, expected: classicLength, actual: bytes.count)
            }
            let body = bytes[kind.prefix.utf8.count..<(classicLength - checksumLength)]
            let expected = classicChecksum(of: body)
            guard bytes.suffix(checksumLength).elementsEqual(expected.utf8) else { throw .badChecksum }
        }
        return kind
    }

    /// Space, tab, line feed, vertical tab, form feed, carriage return.
    package static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    /// `[A-Za-z0-9_]`.
    package static func isWordCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }
}

/// Why a token's shape is wrong. Messages never quote the token; positions count characters from 1.
public enum TokenFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case containsWhitespace(position: Int)
    case nonASCII(position: Int)
    case containsNUL(position: Int)
    case tooLong(count: Int, limit: Int)
    case unknownPrefix
    /// `byte` is the offending character; it is never a letter or digit, so naming it reveals nothing.
    case invalidCharacter(position: Int, byte: UInt8)
    case wrongLength(kind: TokenKind, expected: Int, actual: Int)
    /// A token of a kind without a fixed length that is too short to be real: a prefix alone, or a truncated copy.
    case tooShort(kind: TokenKind, count: Int)
    case badChecksum

    public var description: String {
        switch self {
        case .empty:
            "the token is empty: copy the token again from where you saved it"
        case .containsWhitespace(let position):
            "the token contains whitespace at position \(position): copy the token alone, without spaces or line breaks"
        case .nonASCII(let position):
            "the token contains a non-ASCII character at position \(position): GitHub tokens are plain letters, digits and underscores; copy it again, not from a word processor or chat that changes characters"
        case .containsNUL(let position):
            "the token contains a NUL byte at position \(position): the input is binary or damaged; copy the token again"
        case .tooLong(let count, let limit):
            "the token has \(count) characters, more than the \(limit) GitHub allows: something else was pasted with it"
        case .unknownPrefix:
            "the token does not start with a known GitHub prefix (\(TokenKind.allCases.map(\.prefix).joined(separator: ", "))): check that you copied the token itself, not its name or note"
        case .invalidCharacter(let position, let byte):
            "the token contains \(Self.describe(byte)) at position \(position), but GitHub tokens hold only letters, digits and underscores: copy the token alone"
        case .wrongLength(let kind, let expected, let actual):
            "a \(kind == .classic ? "classic" : kind.displayName) token has \(expected) characters; this one has \(actual) — "
                + (actual < expected ? "a truncated copy? copy the token again" : "extra characters pasted with it? copy the token alone")
        case .tooShort(let kind, let count):
            "a \(kind.displayName) has far more than \(count) characters: a truncated copy? copy the token again"
        case .badChecksum:
            "the checksum does not match: the copy is truncated or mistyped; copy the token again from where you saved it"
        }
    }

    private static func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "the character '\(Character(Unicode.Scalar(byte)))'" : "the control character 0x" + Hex.padded(byte, width: 2, uppercase: true)
    }
}
