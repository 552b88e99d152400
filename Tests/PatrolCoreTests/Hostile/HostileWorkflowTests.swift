import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// Workflow files doctor may fetch that are deeply nested, huge or binary: "could not read line N", never a
/// crash or a hang.
@Suite("hostile workflow files")
struct HostileWorkflowTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        var testDescription: String { name }
    }

    static let many = 100_000

    /// Bytes that are not UTF-8 text, decoded the way a fetched file is.
    static let binary = String(decoding: (0..<65_536).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }, as: UTF8.self)

    static let unreadable: [Case] = [
        Case(name: "2000 levels of nested maps by indentation",
             text: (0..<2000).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n") + " x"),
        Case(name: "100k nested list dashes on one line", text: "on:\n" + String(repeating: "- ", count: many) + "x"),
        Case(name: "100k [ in a flow list", text: "on: " + String(repeating: "[", count: many) + String(repeating: "]", count: many)),
        Case(name: "100k {a: in a flow map", text: "on: " + String(repeating: "{a: ", count: many) + "b" + String(repeating: "}", count: many)),
        Case(name: "a flow list never closed over 100k lines", text: "on: [\n" + String(repeating: "  push,\n", count: many)),
        Case(name: "100k keys, the last a duplicate", text: (0..<many).map { "k\($0): v" }.joined(separator: "\n") + "\nk0: again"),
        Case(name: "binary bytes", text: "on: push\n" + binary),
        Case(name: "NUL bytes and tabs", text: "on:\n\t\0\0\0: x\n"),
        Case(name: "a 2 MB line of colons", text: "on: " + String(repeating: ": ", count: 1_000_000)),
        Case(name: "an unclosed quote of 1 MB", text: "on: \"" + String(repeating: "x", count: 1_000_000)),
        Case(name: "anchors and aliases", text: "on: &a [push]\njobs: *a\n"),
        Case(name: "a top-level list", text: "- on\n- push\n"),
    ]

    @Test("each is 'could not read line N', not a crash", arguments: unreadable)
    func couldNotRead(_ hostile: Case) {
        do {
            _ = try Workflow(text: hostile.text)
            Issue.record("read without complaint")
        } catch {
            #expect(error.description.hasPrefix("could not read line"), "\(error.description.prefix(200))")
        }
    }

    @Test("huge but well-formed files still read: 100k keys, 100k list items, a 1.6 MB block scalar")
    func hugeButValid() throws {
        let keys = try Workflow(text: (0..<Self.many).map { "k\($0): v" }.joined(separator: "\n"))
        #expect(keys.root.entries?.count == Self.many)
        let items = try Workflow(text: "on:\n" + String(repeating: "  - push\n", count: Self.many))
        #expect(items.root.entries?.first?.value.items?.count == Self.many)
        let scalar = try Workflow(text: "run: |\n" + String(repeating: "  echo hi\n", count: 200_000))
        #expect(scalar.root.entries?.first?.value.scalar?.count == 200_000 * 8 - 1)
    }

    @Test("63 levels of flow nesting still read; 64 is the limit")
    func depthBoundary() throws {
        let ok = try Workflow(text: "on: " + String(repeating: "[", count: 63) + String(repeating: "]", count: 63))
        #expect(ok.root.entries?.count == 1)
        #expect(throws: WorkflowReadError.self) {
            try Workflow(text: "on: " + String(repeating: "[", count: 64) + "x" + String(repeating: "]", count: 64))
        }
    }

    /// Inputs this suite tries.
    static let inputCount = unreadable.count + 3 + 2
}
