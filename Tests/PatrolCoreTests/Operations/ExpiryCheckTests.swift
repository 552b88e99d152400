import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("expiry check (pure)")
struct ExpiryCheckTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let thresholds = ExpiryThresholds(warnDays: 14, criticalDays: 7, rotationDays: 90)

    func at(days: Double) -> Date { now.addingTimeInterval(days * 86_400) }

    @Test("each status from a date, at the thresholds' edges", arguments: [
        (30.0, ExpiryStatus.ok, 30), (14.5, .warning, 14), (8.0, .warning, 8), (7.9, .critical, 7), (0.5, .critical, 0),
        (-0.5, .expired, -1), (-3.0, .expired, -3),
    ])
    func fromDate(days: Double, status: ExpiryStatus, left: Int) {
        let verdict = ExpiryCheck.evaluate(.expires(at(days: days)), firstSeen: now, thresholds: thresholds, now: now)
        #expect(verdict.status == status)
        #expect(verdict.daysLeft == left)
        #expect(!verdict.tooOld)
    }

    @Test("never, rejected, untrusted and no token")
    func otherEvidence() {
        #expect(ExpiryCheck.evaluate(.never, firstSeen: now, thresholds: thresholds, now: now).status == .noExpiration)
        let rejected = ExpiryCheck.evaluate(.rejected(lastKnownExpiry: at(days: 20)), firstSeen: nil, thresholds: thresholds, now: now)
        #expect(rejected.status == .expired && rejected.daysLeft == 20)
        #expect(rejected.reasons.first?.contains("401") == true)
        #expect(ExpiryCheck.evaluate(.untrusted(reason: "x"), firstSeen: nil, thresholds: thresholds, now: now).status == .unknown)
        let none = ExpiryCheck.evaluate(.noToken(reason: "there is no ledger"), firstSeen: nil, thresholds: thresholds, now: now)
        #expect(none.status == .unknown && none.daysLeft == nil && none.reasons == ["there is no ledger"])
    }

    @Test("older than rotationDays: at least warning, with the reason, even without a date")
    func tooOld() {
        let old = at(days: -91)
        let far = ExpiryCheck.evaluate(.expires(at(days: 200)), firstSeen: old, thresholds: thresholds, now: now)
        #expect(far.status == .warning && far.tooOld && far.ageDays == 91)
        #expect(far.reasons.contains { $0.contains("91 days ago") && $0.contains("rotation period of 90 days") })
        let untrusted = ExpiryCheck.evaluate(.untrusted(reason: "unreadable"), firstSeen: old, thresholds: thresholds, now: now)
        #expect(untrusted.status == .warning)
        // Age never lowers a worse status, and 90 days exactly is not yet "older than".
        #expect(ExpiryCheck.evaluate(.expires(at(days: 3)), firstSeen: old, thresholds: thresholds, now: now).status == .critical)
        #expect(!ExpiryCheck.evaluate(.expires(at(days: 200)), firstSeen: at(days: -90), thresholds: thresholds, now: now).tooOld)
    }

    @Test("exit codes: 0 ok, 3 warning and no-expiration, 4 critical and expired, 1 unknown")
    func exitCodes() {
        let codes = Dictionary(uniqueKeysWithValues: ExpiryStatus.allCases.map { ($0, $0.exitCode.rawValue) })
        #expect(codes == [.ok: 0, .warning: 3, .noExpiration: 3, .critical: 4, .expired: 4, .unknown: 1])
        #expect(ExpiryStatus.allCases.filter(\.needsAttention) == [.warning, .critical, .expired, .noExpiration])
    }

    @Test("flags override the policy's thresholds, each on its own")
    func thresholdsFromFlags() {
        let policy = TokenPolicy.default
        #expect(ExpiryThresholds(policy: policy) == ExpiryThresholds(warnDays: 14, criticalDays: 7, rotationDays: 90))
        #expect(ExpiryThresholds(policy: policy, warnDays: 30) == ExpiryThresholds(warnDays: 30, criticalDays: 7, rotationDays: 90))
        #expect(ExpiryThresholds(policy: policy, criticalDays: 3).criticalDays == 3)
    }

    @Test("workflow annotation: %, CR and LF escaped in the message; also : and , in the title")
    func annotationEscaping() {
        let annotation = WorkflowAnnotation(level: .warning, title: "a: b, c%", message: "50% done\r\nnext: line, two")
        #expect(annotation.line == "::warning title=a%3A b%2C c%25::50%25 done%0D%0Anext: line, two")
        #expect(WorkflowAnnotation.escapeData("a\nb\rc") == "a%0Ab%0Dc")
    }
}
