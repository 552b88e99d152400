/// A fault queued by `failNext` or `dropNext`.
struct Fault: Sendable {
    enum Kind: Sendable, Equatable {
        case fail(status: Int)
        case drop
    }

    let kind: Kind
    var remaining: Int
    /// Only requests whose path starts with this are affected; `nil` affects all.
    let pathPrefix: String?

    func matches(_ path: String) -> Bool {
        remaining > 0 && (pathPrefix.map { path.hasPrefix($0) } ?? true)
    }
}
