import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// Damaged and hostile token values: each is refused before a single request, with a message that does not
/// quote the value.
@Suite("hostile tokens")
struct HostileTokenTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let value: String
        /// A phrase the refusal must contain.
        let says: String
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        let good = TestTokens.classic()
        let fine = TestTokens.fineGrained()
        return [
            Case(name: "leading space", value: " " + good, says: "space"),
            Case(name: "inner tab", value: String(good.prefix(10)) + "\t" + String(good.dropFirst(10)), says: "tab"),
            Case(name: "CR inside", value: String(good.prefix(12)) + "\r" + String(good.dropFirst(12)), says: "carriage return"),
            Case(name: "two lines", value: good + "\n" + good, says: "line"),
            Case(name: "non-breaking space", value: good + "\u{00A0}", says: "ASCII"),
            Case(name: "zero-width space", value: String(good.prefix(8)) + "\u{200B}" + String(good.dropFirst(8)), says: "ASCII"),
            Case(name: "Cyrillic lookalike", value: "ghp_" + "а" + String(good.dropFirst(5)), says: "ASCII"),
            Case(name: "emoji", value: good + "🔑", says: "ASCII"),
            Case(name: "right-to-left override", value: "\u{202E}" + good, says: "ASCII"),
            Case(name: "NUL inside", value: String(good.prefix(20)) + "\0" + String(good.dropFirst(20)), says: "NUL"),
            Case(name: "NUL at the end", value: good + "\0", says: "NUL"),
            Case(name: "10 KB", value: "ghp_" + TestTokens.random(10_240), says: "more than the"),
            Case(name: "10 KB installation-style", value: "ghs_" + TestTokens.random(10_240), says: "more than the"),
            Case(name: "wrong prefix gh_", value: "gh_" + String(good.dropFirst(4)), says: "prefix"),
            Case(name: "upper-case prefix", value: "GHP_" + String(good.dropFirst(4)), says: "prefix"),
            Case(name: "Bearer pasted in", value: "Bearer" + good, says: "prefix"),
            Case(name: "no prefix", value: TestTokens.random(40), says: "prefix"),
            Case(name: "bad checksum", value: TestTokens.mistyped(good), says: "checksum"),
            Case(name: "checksum of another token", value: String(good.prefix(34)) + String(TestTokens.classic().suffix(6)), says: "checksum"),
            Case(name: "truncated by one", value: TestTokens.truncated(good), says: "40"),
            Case(name: "prefix alone", value: "ghp_", says: "40"),
            Case(name: "fine-grained prefix alone", value: "github_pat_", says: "truncated copy"),
            Case(name: "installation prefix and 5 characters", value: "ghs_abcde", says: "truncated copy"),
            Case(name: "fine-grained with a space", value: String(fine.prefix(30)) + " " + String(fine.dropFirst(30)), says: "space"),
            Case(name: "punctuation inside", value: String(good.prefix(30)) + "$(id)" + String(good.suffix(5)), says: "character"),
            Case(name: "quotes around", value: "\"" + good + "\"", says: "is in quotes"),
            Case(name: "a pasted PAT_TOKEN= line", value: "PAT_TOKEN=" + good, says: "a whole PAT_TOKEN=… line"),
        ]
    }()

    @Test("each is refused before any request, without echoing it", arguments: cases)
    func refused(_ hostile: Case) async throws {
        let fleet = try FleetHarness()
        let run = await fleet.run(["rollout"], environment: ["PAT_TOKEN": hostile.value])
        #expect(run.code != 0)
        #expect(fleet.simulator.requests.isEmpty, "\(fleet.simulator.requests.map(\.path))")
        #expect(run.stderr.contains(hostile.says), "\(run.output)")
        #expect(!run.output.contains(hostile.value))
        #expect(!FileManager.default.fileExists(atPath: fleet.ledgerPath))
    }

    @Test("the same values on --token-stdin are refused the same way", arguments: stdinCases)
    func refusedOnStandardInput(_ hostile: Case) async throws {
        let fleet = try FleetHarness()
        let run = await fleet.run(["rollout", "--token-stdin"], standardInput: hostile.value + "\n")
        #expect(run.code != 0)
        #expect(fleet.simulator.requests.isEmpty)
        #expect(!run.output.contains(hostile.value))
    }

    @Test("regression: a prefix with too little after it is refused offline, for every kind without a checksum",
          arguments: TokenKind.allCases.filter { $0 != .classic })
    func prefixAloneIsTooShort(_ kind: TokenKind) {
        #expect(throws: TokenFormatError.tooShort(kind: kind, count: kind.prefix.count + 3)) {
            try TokenFormat.check(bytes: Array((kind.prefix + "abc").utf8))
        }
        #expect(throws: Never.self) { try TokenFormat.check(bytes: Array(TestTokens.of(kind).utf8)) }
    }

    /// On standard input a line ends at its line feed and a CRLF is trimmed, so those two cases mean something else there.
    static let stdinCases = cases.filter { !$0.value.contains("\n") && !$0.value.hasSuffix("\r") }

    /// Inputs this suite tries.
    static let inputCount = cases.count + stdinCases.count + (TokenKind.allCases.count - 1)
}
