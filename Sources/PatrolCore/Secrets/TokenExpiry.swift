import Foundation

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

    /// The header GitHub sends on every response to a token that expires (any case).
    public static let headerName = "GitHub-Authentication-Token-Expiration"
    /// A date closer to now than this is suspect.
    static let suspectWindow: TimeInterval = 60

    /// Reads the header's value; `now` is the moment the response arrived.
    public static func parse(header: String?, now: Date) -> TokenExpiry {
        guard let header else { return .none }
        let value = header.trimmingCharacters(in: .whitespaces)
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

    /// A Gregorian calendar in UTC with the POSIX locale, so the user's settings change no date.
    static let gregorianUTC: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.locale = Locale(identifier: "en_US_POSIX")
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        return calendar
    }()

    /// Parses `2023-01-31 23:00:00 UTC` or `2023-04-26 20:23:26 +0200` (also `+02:00`, `GMT`, `Z`).
    static func date(from value: String) -> Date? {
        let fields = value.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 3 else { return nil }
        let day = fields[0].split(separator: "-", omittingEmptySubsequences: false)
        let time = fields[1].split(separator: ":", omittingEmptySubsequences: false)
        guard day.count == 3, time.count == 3,
              let year = number(day[0], digits: 4), let month = number(day[1], digits: 2), let dayOfMonth = number(day[2], digits: 2),
              let hour = number(time[0], digits: 2), let minute = number(time[1], digits: 2), let second = number(time[2], digits: 2),
              hour < 24, minute < 60, second < 60,
              let offset = offsetSeconds(fields[2]) else { return nil }
        let components = DateComponents(calendar: gregorianUTC, year: year, month: month, day: dayOfMonth, hour: hour, minute: minute, second: second)
        guard components.isValidDate, let local = gregorianUTC.date(from: components) else { return nil }
        return local.addingTimeInterval(TimeInterval(-offset))
    }

    private static func number(_ text: Substring, digits: Int) -> Int? {
        guard text.count == digits, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }

    /// Seconds east of UTC for `UTC`, `GMT`, `Z`, `+0200`, `-0530` or `+02:00`.
    private static func offsetSeconds(_ zone: Substring) -> Int? {
        if ["UTC", "GMT", "Z"].contains(zone) { return 0 }
        guard let sign = zone.first, sign == "+" || sign == "-" else { return nil }
        let digits = zone.dropFirst().filter { $0 != ":" }
        guard digits.count == 4, zone.dropFirst().count == 4 || zone.dropFirst().dropFirst(2).first == ":",
              let hours = number(digits.prefix(2), digits: 2), let minutes = number(digits.suffix(2), digits: 2),
              hours <= 14, minutes < 60 else { return nil }
        return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
    }
}
