import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// The date formats GitHub writes, produced with `gmtime_r` so no locale or calendar setting can change them.
enum SimulatorTime {
    /// `2023-01-31T23:00:00Z`: ISO 8601, UTC, second precision.
    static func iso8601(_ date: Date) -> String {
        let parts = components(of: date, offsetSeconds: 0)
        return "\(parts.date)T\(parts.time)Z"
    }

    /// The HTTP `Date` header: `Wed, 25 Nov 2026 10:00:00 GMT`.
    static func httpDate(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var broken = tm()
        gmtime_r(&seconds, &broken)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let parts = components(of: date, offsetSeconds: 0)
        let day = broken.tm_mday < 10 ? "0\(broken.tm_mday)" : "\(broken.tm_mday)"
        return "\(days[Int(broken.tm_wday)]), \(day) \(months[Int(broken.tm_mon)]) \(broken.tm_year + 1900) \(parts.time) GMT"
    }

    /// The `github-authentication-token-expiration` value in the requested shape.
    static func expirationHeader(_ date: Date, format: ExpirationFormat) -> String {
        switch format {
        case .utc:
            let parts = components(of: date, offsetSeconds: 0)
            return "\(parts.date) \(parts.time) UTC"
        case .offset(let offset):
            let parts = components(of: date, offsetSeconds: offsetSeconds(offset))
            return "\(parts.date) \(parts.time) \(offset)"
        }
    }

    /// Seconds east of UTC for `+HHMM` / `-HHMM`; 0 for anything else.
    static func offsetSeconds(_ offset: String) -> Int {
        let characters = Array(offset)
        guard characters.count == 5, characters[0] == "+" || characters[0] == "-",
              let hours = Int(String(characters[1...2])), let minutes = Int(String(characters[3...4]))
        else { return 0 }
        let magnitude = hours * 3600 + minutes * 60
        return characters[0] == "-" ? -magnitude : magnitude
    }

    private static func components(of date: Date, offsetSeconds: Int) -> (date: String, time: String) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down)) + time_t(offsetSeconds)
        var broken = tm()
        gmtime_r(&seconds, &broken)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let day = "\(broken.tm_year + 1900)-\(two(broken.tm_mon + 1))-\(two(broken.tm_mday))"
        let time = "\(two(broken.tm_hour)):\(two(broken.tm_min)):\(two(broken.tm_sec))"
        return (day, time)
    }
}
