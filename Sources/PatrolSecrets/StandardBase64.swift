/// Base64 in the standard alphabet (RFC 4648 §4) with `=` padding, decoded strictly: GitHub's keys and
/// sealed values use exactly this form, and a lenient decoder would hide a damaged key.
package enum StandardBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let values: [UInt8?] = {
        var table = [UInt8?](repeating: nil, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }()

    /// Why a text is not strict standard base64.
    package enum DecodingError: Error, Equatable {
        case empty
        case whitespace(position: Int)
        case urlSafeAlphabet
        case invalidCharacter(position: Int)
        case missingPadding(length: Int)
        case misplacedPadding(position: Int)
        case nonCanonical
    }

    /// The standard base64 of `bytes`, padded with `=`.
    package static func encode(_ bytes: some Collection<UInt8>) -> String {
        var output = [UInt8]()
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let group = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            output.append(alphabet[Int(group >> 18 & 0x3F)])
            output.append(alphabet[Int(group >> 12 & 0x3F)])
            output.append(second == nil ? UInt8(ascii: "=") : alphabet[Int(group >> 6 & 0x3F)])
            output.append(third == nil ? UInt8(ascii: "=") : alphabet[Int(group & 0x3F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes `text` encodes; throws on anything but canonical, padded, standard-alphabet base64.
    package static func decode(_ text: String) throws(DecodingError) -> [UInt8] {
        let characters = Array(text.utf8)
        guard !characters.isEmpty else { throw .empty }
        var sextets = [UInt8]()
        sextets.reserveCapacity(characters.count)
        var padding = 0
        for (offset, character) in characters.enumerated() {
            let position = offset + 1
            if character == UInt8(ascii: "=") {
                padding += 1
                continue
            }
            if TokenFormat.isWhitespace(character) { throw .whitespace(position: position) }
            if character == UInt8(ascii: "-") || character == UInt8(ascii: "_") { throw .urlSafeAlphabet }
            guard let value = values[Int(character)] else { throw .invalidCharacter(position: position) }
            if padding > 0 { throw .misplacedPadding(position: position - padding) }
            sextets.append(value)
        }
        guard characters.count % 4 == 0 else { throw .missingPadding(length: characters.count) }
        guard padding <= 2, sextets.count % 4 != 1 else { throw .misplacedPadding(position: sextets.count + 1) }
        var bytes = [UInt8]()
        bytes.reserveCapacity(sextets.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for sextet in sextets {
            accumulator = accumulator << 6 | UInt32(sextet)
            bits += 6
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        // Leftover bits must be zero, or two different texts would decode to the same key.
        guard accumulator & ((1 << UInt32(bits)) - 1) == 0 else { throw .nonCanonical }
        return bytes
    }
}
