/// Hexadecimal digits of a number, zero-padded: what `String(format: "%04x")` wrote, without Foundation's
/// formatter (patrol links only FoundationEssentials; docs/architecture.md).
public enum Hex {
    /// `value` in base 16, at least `width` digits (`Hex.padded(0x1f, width: 4)` is `001f`).
    public static func padded(_ value: some BinaryInteger, width: Int, uppercase: Bool = false) -> String {
        let digits = String(value, radix: 16, uppercase: uppercase)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
