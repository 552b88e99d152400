import PatrolSupport

/// A `--json` report as an object whose long arrays are made one element at a time: written out in pieces, it gives
/// exactly the text of ``value`` (`JSONValue.text`: compact, `", "` and `": "` between items), without the tree of
/// every row or the whole text ever being held — at 1,000 repositories that tree is a few hundred KB of small
/// allocations. The rows themselves come from what the command keeps anyway (its outcomes, in the fleet's order).
public struct JSONDocument: Sendable {
    /// One member's value.
    public enum Member: Sendable {
        /// A value written whole.
        case value(JSONValue)
        /// An array of `count` elements, each made (by `element`, from its index) only when it is written.
        case rows(count: Int, element: @Sendable (Int) -> JSONValue)
    }

    /// The members in the document's order.
    public var members: [(key: String, member: Member)]

    public init(_ members: [(key: String, member: Member)]) {
        self.members = members
    }

    /// Adds `key: value` after the members there are.
    public mutating func append(_ key: String, _ value: JSONValue) {
        members.append((key, .value(value)))
    }

    /// The whole document as one value (tests, and a caller that needs the tree).
    public var value: JSONValue {
        .object(members.map { key, member in
            switch member {
            case .value(let value): (key, value)
            case .rows(let count, let element): (key, .array((0..<count).map(element)))
            }
        })
    }

    /// Writes the document's text through `emit`, in pieces of a little over `pieceSize` bytes at most (each a run of
    /// whole members or elements), and no line break: the concatenation is `value.text`.
    public func write(pieceSize: Int = 16 << 10, to emit: (String) -> Void) {
        var piece = "{"
        func flushIfFull() {
            guard piece.utf8.count >= pieceSize else { return }
            emit(piece)
            piece = ""
        }
        for (index, (key, member)) in members.enumerated() {
            if index > 0 { piece += ", " }
            piece += JSONValue.string(key).text + ": "
            switch member {
            case .value(let value):
                piece += value.text
            case .rows(let count, let element):
                piece += "["
                for row in 0..<count {
                    if row > 0 { piece += ", " }
                    piece += element(row).text
                    flushIfFull()
                }
                piece += "]"
            }
            flushIfFull()
        }
        piece += "}"
        emit(piece)
    }
}
