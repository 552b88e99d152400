import Foundation
import Testing
@testable import GitHubSimulator

@Suite("Secondary limits and conditional requests")
struct RateLimitTests {
    var keyPath: String { "/repos/octo-org/app/actions/secrets/public-key" }

    @Test func publicKeysCarryAnETagAndA304CostsNoQuota() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let first = try client.request("GET", keyPath, token: fixture.token)
        let etag = try #require(first.header("etag"))
        let used = try #require(first.header("x-ratelimit-used"))
        let again = try client.request("GET", keyPath, token: fixture.token, headers: ["If-None-Match": etag])
        #expect(again.status == 304)
        #expect(again.body.isEmpty)
        #expect(again.header("etag") == etag)
        #expect(again.header("x-ratelimit-used") == used)
        #expect(fixture.simulator.counters.notModified == 1)
        #expect(fixture.simulator.requests.last?.ifNoneMatch == etag)
    }

    @Test func aRotatedKeyNoLongerMatchesItsOldETag() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let etag = try #require(try client.request("GET", keyPath, token: fixture.token).header("etag"))
        fixture.simulator.rotatePublicKey(of: "octo-org/app")
        let fresh = try client.request("GET", keyPath, token: fixture.token, headers: ["If-None-Match": etag])
        #expect(fresh.status == 200)
        #expect(fresh.header("etag") != etag)
    }

    @Test func goingOverThePointsAnswersLikeGitHubAndBlocksUntilRetryAfter() throws {
        let fixture = try Fixture()
        fixture.simulator.setSecondaryLimits(SecondaryLimits(pointsPerWindow: 3, writesPerWindow: nil, window: 60, maxConcurrent: nil,
                                                            retryAfter: 30, status: 429))
        let client = try fixture.client()
        for _ in 0..<3 { #expect(try client.request("GET", "/user", token: fixture.token).status == 200) }
        let limited = try client.request("GET", "/user", token: fixture.token)
        #expect(limited.status == 429)
        #expect(limited.header("retry-after") == "30")
        #expect(String(decoding: limited.body, as: UTF8.self).contains("You have exceeded a secondary rate limit"))
        // Still blocked after the window has room again: the penalty holds until retry-after.
        fixture.simulator.advanceClock(by: 20)
        #expect(try client.request("GET", "/user", token: fixture.token).status == 429)
        fixture.simulator.advanceClock(by: 61)
        #expect(try client.request("GET", "/user", token: fixture.token).status == 200)
        let answers = fixture.simulator.limitAnswers
        #expect(answers.count == 2)
        #expect(fixture.simulator.counters.secondaryLimitAnswers == 2)
        #expect(answers[0].pauseEnds.timeIntervalSince(answers[0].time) == 30)
    }

    @Test func writesCostFivePointsAndHaveTheirOwnLimit() throws {
        let fixture = try Fixture()
        fixture.simulator.setSecondaryLimits(SecondaryLimits(pointsPerWindow: 100, writesPerWindow: 1, window: 60, maxConcurrent: nil, retryAfter: 1))
        let client = try fixture.client()
        let body = try fixture.sealedBody("value", client: client)
        #expect(try client.request("PUT", "/repos/octo-org/app/actions/secrets/ONE", token: fixture.token, body: body).status == 201)
        let second = try client.request("PUT", "/repos/octo-org/app/actions/secrets/TWO", token: fixture.token, body: body)
        #expect(second.status == 403)
        #expect(fixture.simulator.secret("TWO", in: "octo-org/app") == nil)
    }
}
