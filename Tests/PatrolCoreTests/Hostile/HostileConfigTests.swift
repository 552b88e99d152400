import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// Broken and adversarial config files: every one is a ``ConfigError`` naming what is wrong, never a crash.
@Suite("hostile config files")
struct HostileConfigTests {
    /// One config file's bytes and a phrase its error must contain.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let says: String
        var testDescription: String { name }
    }

    /// A minimal config around `repositories` (the JSON text of the `repositories` object's lists).
    static func config(owner: String = #""garrick0""#, secret: String = #""PAT_TOKEN""#,
                       libraries: String = #"["c3-shared"]"#, applications: String = "[]", extra: String = "") -> [UInt8] {
        Array(#"{"owner": \#(owner), "secret": \#(secret), "repositories": {"libraries": \#(libraries), "applications": \#(applications)}\#(extra)}"#.utf8)
    }

    static func text(_ string: String) -> [UInt8] { Array(string.utf8) }

    static let hundredThousand = 100_000

    static let cases: [Case] = [
        // Wrong types.
        Case(name: "owner a number", bytes: config(owner: "5"), says: "owner"),
        Case(name: "owner null", bytes: config(owner: "null"), says: "owner"),
        Case(name: "secret true", bytes: config(secret: "true"), says: "secret"),
        Case(name: "secret an array", bytes: config(secret: #"["PAT_TOKEN"]"#), says: "secret"),
        Case(name: "libraries a string", bytes: config(libraries: #""c3-shared""#), says: "repositories.libraries"),
        Case(name: "libraries an object", bytes: config(libraries: "{}"), says: "repositories.libraries"),
        Case(name: "a library a number", bytes: config(libraries: "[1]"), says: "repositories.libraries[0]"),
        Case(name: "a library an object", bytes: config(libraries: #"[{"name": "x"}]"#), says: "repositories.libraries[0]"),
        Case(name: "repositories an array", bytes: text(#"{"owner": "garrick0", "secret": "PAT_TOKEN", "repositories": []}"#),
             says: "repositories"),
        Case(name: "rotationDays a string", bytes: config(extra: #", "policy": {"rotationDays": "90"}"#), says: "policy.rotationDays"),
        Case(name: "rotationDays huge", bytes: config(extra: #", "policy": {"rotationDays": 1e308}"#), says: "policy.rotationDays"),
        Case(name: "rotationDays past Int", bytes: config(extra: #", "policy": {"rotationDays": 99999999999999999999999}"#),
             says: "policy.rotationDays"),
        Case(name: "rotationDays negative", bytes: config(extra: #", "policy": {"rotationDays": -1}"#), says: "policy.rotationDays"),
        Case(name: "allowNoExpiration a string", bytes: config(extra: #", "policy": {"allowNoExpiration": "no"}"#),
             says: "policy.allowNoExpiration"),
        Case(name: "eventTypes a number", bytes: config(extra: #", "platform": {"eventTypes": 3}"#), says: "platform.eventTypes"),
        Case(name: "top level an array", bytes: text("[]"), says: "top level"),
        Case(name: "top level a string", bytes: text(#""fleet""#), says: "top level"),
        Case(name: "unknown key", bytes: config(extra: #", "owners": "x""#), says: "owners"),
        // Huge arrays.
        Case(name: "100k numbers in libraries",
             bytes: config(libraries: "[" + Array(repeating: "1", count: hundredThousand).joined(separator: ",") + "]"),
             says: "repositories.libraries[0]"),
        Case(name: "100k copies of one repository",
             bytes: config(libraries: "[" + Array(repeating: #""c3-shared""#, count: hundredThousand).joined(separator: ",") + "]"),
             says: "listed twice"),
        Case(name: "100k scopes", bytes: config(extra: #", "policy": {"requiredScopes": ["# + Array(repeating: #""nope""#, count: hundredThousand).joined(separator: ",") + "]}"),
             says: "policy.requiredScopes"),
        // Deep nesting.
        Case(name: "100k [", bytes: [UInt8](repeating: UInt8(ascii: "["), count: hundredThousand), says: "nested more than"),
        Case(name: "100k {\"a\":", bytes: Array(String(repeating: #"{"a":"#, count: hundredThousand).utf8), says: "nested more than"),
        Case(name: "100k [ inside libraries", bytes: config(libraries: String(repeating: "[", count: hundredThousand)),
             says: "nested more than"),
        Case(name: "100k ] alone", bytes: [UInt8](repeating: UInt8(ascii: "]"), count: hundredThousand), says: "expected a value"),
        // Invalid names.
        Case(name: "owner with a slash", bytes: config(owner: #""garrick0/x""#), says: "owner"),
        Case(name: "owner empty", bytes: config(owner: #""""#), says: "owner"),
        Case(name: "owner 1000 characters", bytes: config(owner: "\"" + String(repeating: "a", count: 1000) + "\""), says: "owner"),
        Case(name: "repository ..", bytes: config(libraries: #"[".."]"#), says: "repositories.libraries[0]"),
        Case(name: "repository path traversal", bytes: config(libraries: #"["../../etc/passwd"]"#), says: "repositories.libraries[0]"),
        Case(name: "repository with a space", bytes: config(libraries: #"["c3 shared"]"#), says: "repositories.libraries[0]"),
        Case(name: "repository empty", bytes: config(libraries: #"[""]"#), says: "repositories.libraries[0]"),
        Case(name: "repository with NUL escape", bytes: config(libraries: #"["c3\u0000shared"]"#), says: "repositories.libraries[0]"),
        Case(name: "repository with a query", bytes: config(libraries: #"["c3-shared?x=1"]"#), says: "repositories.libraries[0]"),
        Case(name: "repository of 101 characters", bytes: config(libraries: "[\"" + String(repeating: "a", count: 101) + "\"]"),
             says: "repositories.libraries[0]"),
        Case(name: "repository with emoji", bytes: config(libraries: #"["c3-🚀"]"#), says: "repositories.libraries[0]"),
        // Duplicates.
        Case(name: "duplicate library", bytes: config(libraries: #"["c3-shared", "c3-shared"]"#), says: "listed twice"),
        Case(name: "duplicate across lists", bytes: config(applications: #"["garrick0/c3-shared"]"#), says: "listed twice"),
        Case(name: "duplicate differing in case", bytes: config(libraries: #"["c3-shared", "C3-Shared"]"#), says: "listed twice"),
        Case(name: "platform listed", bytes: config(libraries: #"["c3-platform"]"#), says: "platform repository"),
        Case(name: "duplicate key", bytes: text(#"{"owner": "a", "owner": "b", "secret": "PAT_TOKEN", "repositories": {"libraries": ["x"]}}"#),
             says: "owner"),
        // Secret names.
        Case(name: "secret GITHUB_X", bytes: config(secret: #""GITHUB_X""#), says: "GITHUB_"),
        Case(name: "secret github_token", bytes: config(secret: #""github_token""#), says: "secret"),
        Case(name: "secret starting with a digit", bytes: config(secret: #""1PAT""#), says: "secret"),
        Case(name: "secret with a dash", bytes: config(secret: #""PAT-TOKEN""#), says: "secret"),
        Case(name: "secret empty", bytes: config(secret: #""""#), says: "secret"),
        Case(name: "secret with a newline escape", bytes: config(secret: #""PAT\nTOKEN""#), says: "secret"),
        // NUL bytes and invalid UTF-8.
        Case(name: "NUL between tokens", bytes: config() + [0], says: "0x00"),
        Case(name: "NUL inside a string", bytes: text(#"{"owner": "garr"#) + [0] + text(#"ick0"}"#), says: "control character"),
        Case(name: "only NUL bytes", bytes: [UInt8](repeating: 0, count: 4096), says: "0x00"),
        Case(name: "invalid UTF-8 inside a string", bytes: text(#"{"owner": "garr"#) + [0xC3, 0x28] + text(#""}"#), says: "UTF-8"),
        Case(name: "lone continuation byte in a key", bytes: text(#"{""#) + [0x80] + text(#"": 1}"#), says: "UTF-8"),
        Case(name: "overlong encoding of /", bytes: text(#"{"owner": ""#) + [0xC0, 0xAF] + text(#""}"#), says: "UTF-8"),
        Case(name: "invalid UTF-8 outside strings", bytes: [0xFF, 0xFE] + config(), says: "0xFF"),
        Case(name: "UTF-16 file", bytes: [0xFF, 0xFE] + Array("{}".utf16.flatMap { [UInt8($0), 0] }), says: "0xFF"),
        // Broken syntax.
        Case(name: "empty file", bytes: [], says: "empty"),
        Case(name: "truncated", bytes: Array(config().prefix(30)), says: "end of file"),
        Case(name: "trailing garbage", bytes: config() + text(" {}"), says: "after the end"),
        Case(name: "lone high surrogate", bytes: text(#"{"owner": "\ud800"}"#), says: "surrogate"),
        Case(name: "bad escape", bytes: text(#"{"owner": "\x41"}"#), says: "escape"),
        Case(name: "single quotes", bytes: text("{'owner': 'x'}"), says: "double quotes"),
        Case(name: "comment", bytes: text("// fleet\n{}"), says: "comments"),
        Case(name: "number with leading zeros", bytes: config(extra: #", "policy": {"rotationDays": 090}"#), says: "leading zeros"),
        Case(name: "a million-digit number", bytes: config(extra: #", "policy": {"rotationDays": "# + String(repeating: "9", count: 1_000_000) + "}"),
             says: "policy.rotationDays"),
        Case(name: "a 5 MB string", bytes: config(owner: #""garrick0/""#,
                                                   extra: #", "tokenDescription": ""# + String(repeating: "x", count: 5_000_000) + "\""),
             says: "owner"),
    ]

    @Test("each broken or adversarial config is refused with an error naming the problem", arguments: cases)
    func refused(_ hostile: Case) {
        do {
            let config = try FleetConfig.parse(hostile.bytes, path: "hostile.json")
            Issue.record("accepted: \(config.repositories.count) repositories")
        } catch {
            #expect(error.description.contains(hostile.says), "\(error.description.prefix(300))")
            #expect(error.description.hasPrefix("hostile.json"), "\(error.description.prefix(300))")
        }
    }

    @Test("100k distinct valid repositories are read in order")
    func hundredThousandRepositories() throws {
        let names = (0..<Self.hundredThousand).map { "\"r\($0)\"" }.joined(separator: ",")
        let config = try FleetConfig.parse(Self.config(libraries: "[\(names)]"), path: "big.json")
        #expect(config.repositories.count == Self.hundredThousand)
        #expect(config.repositories.last?.name == "r99999")
    }

    @Test("a 50 MB config file is refused by size before it is read")
    func fiftyMegabytes() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("patrol-huge-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(Self.config())))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 50_000_000)
        try handle.close()
        do {
            _ = try FleetConfig.load(path: path)
            Issue.record("a 50 MB config was accepted")
        } catch {
            #expect(error.description.contains("larger than"), "\(error.description.prefix(300))")
        }
    }

    /// Inputs this suite tries.
    static let inputCount = cases.count + 2
}
