import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("Token expiry header")
struct TokenExpiryTests {
    /// 2023-01-01T00:00:00Z.
    let now = Date(timeIntervalSince1970: 1_672_531_200)

    @Test("the UTC shape parses to that moment")
    func utcShape() {
        let expiry = TokenExpiry.parse(header: "2023-01-31 23:00:00 UTC", now: now)
        #expect(expiry == .at(Date(timeIntervalSince1970: 1_675_206_000)))
        #expect(expiry.date.map(ISO8601.format) == "2023-01-31T23:00:00Z")
    }

    @Test("the offset shape parses to the same absolute moment", arguments: [
        ("2023-04-26 20:23:26 +0200", "2023-04-26T18:23:26Z"),
        ("2023-04-26 20:23:26 -0530", "2023-04-27T01:53:26Z"),
        ("2023-04-26 20:23:26 +02:00", "2023-04-26T18:23:26Z"),
        ("  2023-04-26 18:23:26 GMT ", "2023-04-26T18:23:26Z"),
        ("2024-02-29 00:00:00 UTC", "2024-02-29T00:00:00Z"),
    ])
    func offsetShape(header: String, expected: String) throws {
        let date = try #require(TokenExpiry.parse(header: header, now: now).date)
        #expect(ISO8601.format(date) == expected)
        #expect(TokenExpiry.parse(header: header, now: now) == .at(date))
    }

    @Test("no header means no expiry")
    func absent() {
        #expect(TokenExpiry.parse(header: nil, now: now) == .none)
        #expect(TokenExpiry.parse(header: nil, now: now).date == nil)
    }

    @Test("a date in the past is suspect")
    func past() {
        let expiry = TokenExpiry.parse(header: "2022-12-31 23:59:00 UTC", now: now)
        #expect(expiry == .suspect(now.addingTimeInterval(-60), reason: .inThePast))
        #expect(expiry.description.contains("does not trust"))
    }

    @Test("a date within a minute of now is suspect; just beyond is trusted")
    func withinAMinute() {
        #expect(TokenExpiry.parse(header: "2023-01-01 00:01:00 UTC", now: now) == .suspect(now.addingTimeInterval(60), reason: .withinAMinute))
        #expect(TokenExpiry.parse(header: "2023-01-01 00:00:00 UTC", now: now) == .suspect(now, reason: .withinAMinute))
        #expect(TokenExpiry.parse(header: "2023-01-01 00:01:01 UTC", now: now) == .at(now.addingTimeInterval(61)))
    }

    @Test("garbage is unreadable, and says what it was", arguments: [
        "", "tomorrow", "2023-01-31T23:00:00Z", "2023-02-30 10:00:00 UTC", "2023-01-31 24:00:00 UTC",
        "2023-01-31 23:00:00 CET", "2023-01-31 23:00:00 +2", "2023-1-31 23:00:00 UTC", "2023-01-31 23:00:00 +1500",
    ])
    func garbage(header: String) {
        let expiry = TokenExpiry.parse(header: header, now: now)
        #expect(expiry == .unreadable(header.trimmingCharacters(in: .whitespaces)))
        #expect(expiry.date == nil)
    }

    @Test("ISO-8601 output is UTC with whole seconds")
    func iso8601() {
        #expect(ISO8601.format(Date(timeIntervalSince1970: 1_803_124_800.75)) == "2027-02-20T12:00:00Z")
        #expect(ISO8601.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
    }
}
