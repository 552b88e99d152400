import Foundation
import Testing
@testable import PatrolCore
@testable import PatrolCLI

/// `app rollout`'s options beside `rollout`'s: one `--concurrency` declaration, one default (the write burst), the same in
/// the parsed options, the help and the man page; `--targets` and `--dry-run` as `rollout` has them.
@Suite struct AppOptionsTests {
    /// The entry of the help `text` that describes `--concurrency`: its line and the indented lines that continue it.
    static func concurrencyLines(_ text: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("  --concurrency") }) else { return [] }
        return [lines[start]] + lines[(start + 1)...].prefix { $0.hasPrefix("      ") }
    }

    @Test func concurrencyHasOneDefault() throws {
        #expect(try Invocation.parse(["app", "rollout"], as: AppArguments.self).app.concurrency == Rollout.defaultConcurrency)
        #expect(try Invocation.parse(["rollout"], as: RolloutArguments.self).rollout.concurrency == Rollout.defaultConcurrency)
        let app = Self.concurrencyLines(HelpText.command(.app)), rollout = Self.concurrencyLines(HelpText.command(.rollout))
        #expect(!app.isEmpty && app == rollout, "\(app) \(rollout)")
        #expect(app.joined(separator: " ").contains("(default: \(Rollout.defaultConcurrency))"), "\(app)")
        let pages = ManPages.pages(date: Date(timeIntervalSince1970: 0))
        func manEntry(_ command: String) -> [String] {
            // A man page's option entry starts at `.TP`: the one that names --concurrency, with its help and default.
            (pages.first { $0.fileName == "patrol-\(command).1" }?.text ?? "").components(separatedBy: ".TP").filter { $0.contains("concurrency") && $0.contains("1 to 64") }
                .map { $0.components(separatedBy: ".SS")[0] }
        }
        #expect(manEntry("app").count == 1 && manEntry("app") == manEntry("rollout"), "\(manEntry("app")) \(manEntry("rollout"))")
        #expect(manEntry("app").first?.contains("\(Rollout.defaultConcurrency)") == true)
    }

    @Test func targetsAndDryRun() throws {
        let invocation = try Invocation.parse(["app", "rollout", "--targets", "environment,organization", "--dry-run"], as: AppArguments.self)
        #expect(invocation.app.targets == [.environment, .organization])
        #expect(invocation.app.dryRun)
    }
}
