import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// patrol reads and writes dates by hand; Foundation's formatters (ICU) are the oracle here.
@Suite("Dates: ISO 8601, the HTTP Date header, the civil calendar")
struct DatesTests {
    /// Seconds from 1601 to 2400, with the leap days, century years and the epoch's edges among them.
    static let moments: [Int] = {
        var random = CrashSafetyTests.SplitMix(state: 2026)
        let edges = [0, -1, 1, 86_399, 86_400, -86_400, 951_782_400 /* 2000-02-29 */, 4_107_542_399 /* 2100-02-28T23:59:59 */,
                     4_107_542_400, -2_203_891_200 /* 1900-03-01 */, 253_402_300_799 /* 9999-12-31T23:59:59 */]
        return edges + (0..<2000).map { _ in Int.random(in: -11_644_473_600...13_569_465_600, using: &random) }
    }()

    static func oracle(_ format: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.dateFormat = format
        return formatter
    }

    @Test("ISO8601.format and parse agree with Foundation's formatter on 2,000 moments from 1601 to 2400 and the edges")
    func iso8601AgreesWithFoundation() {
        let foundation = Self.oracle("yyyy-MM-dd'T'HH:mm:ss'Z'")
        for seconds in Self.moments {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let text = ISO8601.format(date)
            #expect(text == foundation.string(from: date), "\(seconds)")
            #expect(ISO8601.parse(text) == date, "\(text)")
        }
    }

    @Test("the HTTP Date header is read as Foundation reads it")
    func httpDateAgreesWithFoundation() {
        let foundation = Self.oracle("EEE, dd MMM yyyy HH:mm:ss 'GMT'")
        for seconds in Self.moments where seconds >= 0 {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let text = foundation.string(from: date)
            #expect(HTTPDate.parse(text) == date, "\(text)")
        }
    }

    @Test("offsets, fractions (dropped when written, never rounded up) and GitHub's expiry shapes")
    func shapes() {
        let noon = Date(timeIntervalSince1970: 1_803_643_200)  // 2027-02-26T12:00:00Z
        #expect(ISO8601.parse("2027-02-26T12:00:00Z") == noon)
        #expect(ISO8601.parse("2027-02-26T14:00:00+02:00") == noon)
        #expect(ISO8601.parse("2027-02-26T06:30:00-0530") == noon)
        #expect(ISO8601.parse("2027-02-26T12:00:00.250Z") == noon.addingTimeInterval(0.25))
        #expect(ISO8601.format(noon.addingTimeInterval(0.999)) == "2027-02-26T12:00:00Z")
        #expect(ISO8601.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59Z")
        #expect(TokenExpiry.date(from: "2027-02-26 12:00:00 UTC") == noon)
        #expect(TokenExpiry.date(from: "2027-02-26 14:00:00 +0200") == noon)
        #expect(TokenExpiry.date(from: "2027-02-26 14:00:00 +02:00") == noon)
        #expect(HTTPDate.parse("Fri, 26 Feb 2027 12:00:00 GMT") == noon)
    }

    @Test("what is not a date is refused, not guessed", arguments: [
        "", "2027-02-26", "2027-02-26T12:00:00", "2027-02-30T12:00:00Z", "2026-02-29T00:00:00Z", "2027-13-01T00:00:00Z",
        "2027-02-26T24:00:00Z", "2027-02-26T12:60:00Z", "2027-02-26T12:00:60Z", "2027-02-26T12:00:00+15:00",
        "2027-02-26T12:00:00.Z", "2027-02-26T12:00:00Z ", "27-02-26T12:00:00Z", "2027-2-26T12:00:00Z", "２０２７-02-26T12:00:00Z",
    ])
    func refused(text: String) {
        #expect(ISO8601.parse(text) == nil)
        #expect(HTTPDate.parse(text) == nil)
    }

    @Test("HTTP dates in another shape are refused", arguments: [
        "Fri, 26 Feb 2027 12:00:00 PST", "Fri, 26 Feb 2027 12:00:00", "Friday, 26-Feb-27 12:00:00 GMT", "Fri, 26 Fbr 2027 12:00:00 GMT",
        "Fri, 30 Feb 2027 12:00:00 GMT", "Fri 26 Feb 2027 12:00:00 GMT", "Fri, 6 Feb 2027 12:00:00 GMT",
    ])
    func httpDateRefused(text: String) {
        #expect(HTTPDate.parse(text) == nil)
    }

    @Test("2000 was a leap year and 2100 is not; the days from 1970 run without a gap for 800 years")
    func civilCalendar() {
        #expect(CivilTime.seconds(year: 2000, month: 2, day: 29, hour: 0, minute: 0, second: 0) != nil)
        #expect(CivilTime.seconds(year: 2100, month: 2, day: 29, hour: 0, minute: 0, second: 0) == nil)
        var expected = CivilTime.daysSince1970(year: 1601, month: 1, day: 1)
        for year in 1601...2400 {
            for month in 1...12 {
                for day in 1...CivilTime.daysIn(month: month, year: year) {
                    let days = CivilTime.daysSince1970(year: year, month: month, day: day)
                    guard days == expected, CivilTime.date(daysSince1970: days) == (year, month, day) else {
                        Issue.record("\(year)-\(month)-\(day): \(days), expected \(expected)")
                        return
                    }
                    expected += 1
                }
            }
        }
    }
}
