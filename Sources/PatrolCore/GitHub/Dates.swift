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

    public static func format(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
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
