import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("Repository names")
struct RepositoryNameTests {
    @Test("valid names parse under the default owner or their own", arguments: [
        ("c3-shared", "garrick0/c3-shared"),
        ("acme/c3.web_2", "acme/c3.web_2"),
        ("A-1/.github", "A-1/.github"),
        ("x/...", "x/..."),
    ])
    func valid(text: String, fullName: String) throws {
        #expect(try RepositoryName(parsing: text, defaultOwner: "garrick0").fullName == fullName)
    }

    @Test("invalid names are refused", arguments: [
        "c3 shared", ".", "..", "", "a/b/c", "/c3", "-owner/c3", "own_er/c3", "c3/", "c3@web", "é/x",
        String(repeating: "o", count: 40) + "/x",
    ])
    func invalid(text: String) {
        #expect(throws: RepositoryNameError.self) { try RepositoryName(parsing: text, defaultOwner: "garrick0") }
    }

    @Test("equality, hashing and order ignore case; the spelling is kept")
    func caseInsensitive() throws {
        let lower = try RepositoryName(owner: "garrick0", name: "c3-web")
        let upper = try RepositoryName(owner: "Garrick0", name: "C3-Web")
        #expect(lower == upper)
        #expect(Set([lower, upper]).count == 1)
        #expect(upper.description == "Garrick0/C3-Web")
        #expect(try RepositoryName(owner: "a", name: "B") < RepositoryName(owner: "a", name: "c"))
    }

    @Test("Codable as the string owner/name")
    func codable() throws {
        let name = try RepositoryName(owner: "garrick0", name: "c3-cli")
        let data = try JSONEncoder().encode([name])
        #expect(String(decoding: data, as: UTF8.self) == #"["garrick0\/c3-cli"]"#)
        #expect(try JSONDecoder().decode([RepositoryName].self, from: data) == [name])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([RepositoryName].self, from: Data(#"["c3-cli"]"#.utf8)) }
    }
}
