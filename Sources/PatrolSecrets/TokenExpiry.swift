import FoundationEssentials
import PatrolSupport

/// What GitHub's `GitHub-Authentication-Token-Expiration` header says about when the token stops working.
public enum TokenExpiry: Equatable, Sendable, CustomStringConvertible {
    /// No header: the token does not expire (or is of a kind GitHub reports no expiry for).
    case none
    /// The token expires at this moment.
    case at(Date)
    /// GitHub sent a date patrol does not trust; report it, do not act on it.
    case suspect(Date, reason: Suspicion)
    /// The header is there but in neither known shape; holds the header's value (a date, not a secret).
    case unreadable(String)

    /// Why an expiry date is not trusted.
    public enum Suspicion: Equatable, Sendable, CustomStringConvertible {
        /// A working token cannot have expired already.
        case inThePast
        /// GitHub once sent "now + 1 minute" for tokens by mistake.
        case withinAMinute

        public var description: String {
            switch self {
            case .inThePast: "it is in the past, yet the token still works"
            case .withinAMinute: "it is within a minute of now, a value GitHub has sent by mistake"
            }
        }
    }

    /// A date closer to now than this is suspect.
    package static let suspectWindow: TimeInterval = 60

    /// Reads the header's value; `now` is the moment the response arrived.
    public static func parse(header: String?, now: Date) -> TokenExpiry {
        guard let header else { return .none }
        let value = header.trimmingSpaces()
        guard let date = date(from: value) else { return .unreadable(value) }
        if date < now { return .suspect(date, reason: .inThePast) }
        if date.timeIntervalSince(now) <= suspectWindow { return .suspect(date, reason: .withinAMinute) }
        return .at(date)
    }

    /// The date the header states, trusted or not.
    public var date: Date? {
        switch self {
        case .at(let date), .suspect(let date, _): date
        case .none, .unreadable: nil
        }
    }

    public var description: String {
        switch self {
        case .none: "the token does not expire"
        case .at(let date): "the token expires at \(ISO8601.format(date))"
        case .suspect(let date, let reason):
            "GitHub reported an expiry of \(ISO8601.format(date)), which patrol does not trust: \(reason); check the token's expiry in GitHub's settings"
        case .unreadable(let value):
            "GitHub sent an expiry patrol cannot read (\"\(value)\"); check the token's expiry in GitHub's settings and report the value"
        }
    }

    /// Parses `2023-01-31 23:00:00 UTC` or `2023-04-26 20:23:26 +0200` (also `+02:00`, `GMT`, `Z`).
    package static func date(from value: String) -> Date? {
        var reader = DateText(value)
        guard let seconds = reader.dateAndTime(separator: " "), reader.skip(" "), let offset = reader.offset(), reader.atEnd
        else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds - offset))
    }
}
