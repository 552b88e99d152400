import Foundation

/// ISO 8601 as GitHub writes it (`2026-11-25T10:00:00Z`), read and written with second precision.
public enum ISO8601 {
    public static func parse(_ text: String) -> Date? {
        // A fresh formatter per call: ISO8601DateFormatter is not Sendable, and these calls are rare.
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// `2027-02-23T12:00:00Z`: UTC, whole seconds (a fraction is dropped, never rounded up).
    public static func format(_ date: Date) -> String {
        let components = TokenExpiry.gregorianUTC.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ",
            components.year ?? 0, components.month ?? 0, components.day ?? 0,
            components.hour ?? 0, components.minute ?? 0, components.second ?? 0
        )
    }
}

/// The HTTP `Date` header (`Wed, 25 Nov 2026 10:00:00 GMT`).
enum HTTPDate {
    static func parse(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
