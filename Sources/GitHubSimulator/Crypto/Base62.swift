/// Base62 in GitHub's alphabet `0-9A-Za-z`.
enum Base62 {
    static let alphabet: [Character] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// `value` in base62, left-padded with `0` to `width` characters.
    static func encode(_ value: UInt32, width: Int) -> String {
        var digits: [Character] = []
        var rest = value
        repeat {
            digits.append(alphabet[Int(rest % 62)])
            rest /= 62
        } while rest > 0
        let padding = String(repeating: "0", count: max(0, width - digits.count))
        return padding + String(digits.reversed())
    }
}
