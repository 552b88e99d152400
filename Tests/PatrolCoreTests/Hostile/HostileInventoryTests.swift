import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// The count of hostile inputs the suites under `Hostile/` try, printed for `docs/security.md`.
@Suite("hostile input inventory")
struct HostileInventoryTests {
    static let counts: [(category: String, inputs: Int)] = [
        ("API answers", HostileAPITests.inputCount),
        ("config files", HostileConfigTests.inputCount),
        ("tokens", HostileTokenTests.inputCount),
        ("ledgers", HostileLedgerTests.inputCount),
        ("workflow files", HostileWorkflowTests.inputCount),
    ]

    @Test("every category tries inputs; the total is logged")
    func total() {
        let total = Self.counts.map(\.inputs).reduce(0, +)
        for (category, inputs) in Self.counts { #expect(inputs >= 10, "\(category)") }
        print("hostile inputs tried: \(total) (" + Self.counts.map { "\($0.category) \($0.inputs)" }.joined(separator: ", ") + ")")
        #expect(total >= 150)
    }
}
