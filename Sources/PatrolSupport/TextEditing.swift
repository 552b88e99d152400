// The string edits patrol used from Foundation's NSString, which FoundationEssentials does not have (patrol links
// only that; docs/architecture.md). Each works on Unicode scalars, as NSString did on UTF-16 units, so that `\r\n`
// (one Swift `Character`) still holds a `\r` and a `\n` to find.

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (Foundation's `trimmingCharacters(in: .whitespaces)`: Unicode's
    /// white space except the line breaks).
    public func trimmingSpaces() -> String {
        trimmingScalars { $0.properties.isWhitespace && !TextEditing.lineBreaks.contains($0.value) }
    }

    /// Without leading and trailing scalars of `set` (Foundation's `trimmingCharacters(in: CharacterSet(charactersIn:))`).
    public func trimming(scalarsIn set: String) -> String {
        let scalars = Set(set.unicodeScalars)
        return trimmingScalars { scalars.contains($0) }
    }

    /// Every occurrence of `target` replaced by `replacement`, left to right (Foundation's `replacingOccurrences(of:with:)`).
    public func replacingEvery(_ target: String, with replacement: String) -> String {
        let pattern = Array(target.unicodeScalars)
        let scalars = Array(unicodeScalars)
        guard !pattern.isEmpty, scalars.count >= pattern.count else { return String(self) }
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if index + pattern.count <= scalars.count, scalars[index..<index + pattern.count].elementsEqual(pattern) {
                out.append(contentsOf: replacement.unicodeScalars)
                index += pattern.count
            } else {
                out.append(scalars[index])
                index += 1
            }
        }
        return String(out)
    }

    /// Padded with spaces, or cut, to `width` UTF-16 units (Foundation's `padding(toLength:withPad: " ", startingAt: 0)`).
    public func padded(toWidth width: Int) -> String {
        let length = utf16.count
        if length >= width {
            return length == width ? String(self) : String(String(self).utf16.prefix(width)) ?? String(prefix(width))
        }
        return String(self) + String(repeating: " ", count: width - length)
    }

    private func trimmingScalars(_ drop: (Unicode.Scalar) -> Bool) -> String {
        let scalars = Array(unicodeScalars)
        guard let first = scalars.firstIndex(where: { !drop($0) }), let last = scalars.lastIndex(where: { !drop($0) }) else { return "" }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[first...last])
        return String(view)
    }
}

/// What the edits above share.
enum TextEditing {
    /// The line breaks that Unicode counts as white space, which `trimmingSpaces()` keeps: LF, VT, FF, CR, NEL, LS, PS.
    static let lineBreaks: Set<UInt32> = [0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029]
}
