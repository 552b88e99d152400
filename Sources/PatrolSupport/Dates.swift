import FoundationEssentials

// GitHub's dates are read and written here by hand, in UTC on the proleptic Gregorian calendar. Foundation's
// formatters would do it through ICU, which costs several MiB of memory once loaded, and the `Date` header is
// read on every response.

/// ISO 8601 as GitHub writes it (`2026-11-25T10:00:00Z`), read and written with second precision.
public enum ISO8601 {
    /// Reads `YYYY-MM-DDTHH:MM:SS`, an optional fraction (`.123`), and `Z` or an offset (`+02:00`, `-0530`).
    public static func parse(_ text: String) -> Date? {
        var reader = DateText(text)
        guard let seconds = reader.dateAndTime(separator: "T") else { return nil }
        var fraction = 0.0
        if reader.skip(".") {
            let digits = reader.digits()
            guard !digits.isEmpty, digits.count <= 9 else { return nil }
            fraction = Double(Int(digits)!) / Double((0..<digits.count).reduce(1) { power, _ in power * 10 })
        }
        guard let offset = reader.offset(), reader.atEnd else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds - offset) + fraction)
    }

    /// `2027-02-23T12:00:00Z`: UTC, whole seconds (a fraction is dropped, never rounded up).
    public static func format(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let (days, time) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let (day, secondOfDay) = time < 0 ? (days - 1, time + 86_400) : (days, time)
        let civil = CivilTime.date(daysSince1970: day)
        return "\(pad(civil.year, 4))-\(pad(civil.month, 2))-\(pad(civil.day, 2))T"
            + "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// The HTTP `Date` header (`Wed, 25 Nov 2026 10:00:00 GMT`, RFC 9110's IMF-fixdate).
package enum HTTPDate {
    package static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    package static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    package static func parse(_ text: String) -> Date? {
        var reader = DateText(text)
        guard let weekday = reader.word(), weekdays.contains(weekday), reader.skip(", "),
              let day = reader.number(digits: 2), reader.skip(" "),
              let monthName = reader.word(), let month = months.firstIndex(of: monthName), reader.skip(" "),
              let year = reader.number(digits: 4), reader.skip(" "),
              let hour = reader.number(digits: 2), reader.skip(":"), let minute = reader.number(digits: 2), reader.skip(":"),
              let second = reader.number(digits: 2), reader.skip(" "),
              let zone = reader.word(), zone == "GMT" || zone == "UTC", reader.atEnd,
              let seconds = CivilTime.seconds(year: year, month: month + 1, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}

/// Days and seconds of the proleptic Gregorian calendar in UTC (Howard Hinnant's `days_from_civil` and
/// `civil_from_days`, exact for every year patrol can meet).
package enum CivilTime {
    /// Seconds since 1970-01-01T00:00:00Z; nil for a day that does not exist (February 30) or a time out of range.
    package static func seconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int? {
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              (0..<24).contains(hour), (0..<60).contains(minute), (0..<60).contains(second)
        else { return nil }
        return daysSince1970(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    package static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    package static func date(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
    }

    package static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// A cursor over the ASCII bytes of a date, for the readers above.
package struct DateText {
    private let bytes: [UInt8]
    private var index = 0

    package init(_ text: String) { bytes = Array(text.utf8) }

    package var atEnd: Bool { index == bytes.count }

    /// Consumes `literal` if the text continues with it.
    package mutating func skip(_ literal: String) -> Bool {
        let expected = Array(literal.utf8)
        guard bytes[index...].starts(with: expected) else { return false }
        index += expected.count
        return true
    }

    /// `YYYY-MM-DD`, `separator`, `HH:MM:SS`, as seconds since 1970 in UTC; nil unless the day and time exist.
    package mutating func dateAndTime(separator: String) -> Int? {
        guard let year = number(digits: 4), skip("-"), let month = number(digits: 2), skip("-"), let day = number(digits: 2),
              skip(separator),
              let hour = number(digits: 2), skip(":"), let minute = number(digits: 2), skip(":"), let second = number(digits: 2)
        else { return nil }
        return CivilTime.seconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// Exactly `digits` ASCII digits, as a number.
    package mutating func number(digits: Int) -> Int? {
        guard index + digits <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<index + digits] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        index += digits
        return value
    }

    /// The ASCII digits from here on (possibly none).
    package mutating func digits() -> String {
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// The ASCII letters from here on; nil when there are none.
    package mutating func word() -> String? {
        let start = index
        while index < bytes.count, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[index])
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[index]) { index += 1 }
        return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
    }

    /// Seconds east of UTC for `Z`, `UTC`, `GMT`, `+0200`, `-0530` or `+02:00`; nil for anything else.
    package mutating func offset() -> Int? {
        if skip("Z") || skip("UTC") || skip("GMT") { return 0 }
        let sign: Int
        if skip("+") { sign = 1 } else if skip("-") { sign = -1 } else { return nil }
        guard let hours = number(digits: 2) else { return nil }
        _ = skip(":")
        guard let minutes = number(digits: 2), hours <= 14, minutes < 60 else { return nil }
        return sign * (hours * 3600 + minutes * 60)
    }
}
