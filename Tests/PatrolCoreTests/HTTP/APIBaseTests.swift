import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("APIBase")
struct APIBaseTests {
    @Test(arguments: [
        ("https://api.github.com", "https://api.github.com"),
        ("https://api.github.com/", "https://api.github.com"),
        ("HTTPS://API.GitHub.com//", "https://api.github.com"),
        ("https://ghe.example.com/api/v3", "https://ghe.example.com/api/v3"),
        ("https://ghe.example.com:8443/api/v3/", "https://ghe.example.com:8443/api/v3"),
        ("http://127.0.0.5", "http://127.0.0.5"),
        ("http://127.0.0.1:4010/", "http://127.0.0.1:4010"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("http://localhost", "http://localhost"),
        ("http://LOCALHOST:9000/api", "http://localhost:9000/api"),
    ])
    func accepts(raw: String, normalized: String) throws {
        #expect(try APIBase(raw).url == normalized)
    }

    @Test(arguments: [
        ("http://example.com", APIBaseError.Reason.plainHTTPOffLoopback),
        ("http://128.0.0.1", .plainHTTPOffLoopback),
        ("http://10.0.0.1:8080", .plainHTTPOffLoopback),
        ("http://[::2]", .plainHTTPOffLoopback),
        ("http://localhost.example.com", .plainHTTPOffLoopback),
        ("ftp://api.github.com", .unsupportedScheme),
        ("api.github.com", .unsupportedScheme),
        ("https://user:pw@host.example", .userInfo),
        ("https://token@api.github.com", .userInfo),
        ("https://api.github.com/?x=1", .queryOrFragment),
        ("https://api.github.com#top", .queryOrFragment),
        ("https://", .missingHost),
        ("https:///api/v3", .missingHost),
        ("https://api.github.com:0", .invalidPort),
        ("https://api.github.com:70000", .invalidPort),
        ("https://api.github.com:http", .invalidPort),
        ("https://api github.com", .invalidHost),
        ("https://[::1", .invalidHost),
        ("", .empty),
    ])
    func refuses(raw: String, reason: APIBaseError.Reason) {
        #expect(throws: APIBaseError(value: raw, reason: reason)) { try APIBase(raw) }
    }

    @Test func plainHTTPRefusalSaysWhyAndWhatToUse() {
        let error = APIBaseError(value: "http://example.com", reason: .plainHTTPOffLoopback, source: "--api-url")
        #expect(error.description.hasPrefix("--api-url \"http://example.com\""))
        #expect(error.description.contains("in clear"))
        #expect(error.description.contains("https://"))
    }

    @Test(arguments: [
        ("https://api.github.com", "github.com"),
        ("https://ghe.example.com/api/v3", "ghe.example.com"),
        ("https://ghe.example.com:8443/api/v3", "ghe.example.com:8443"),
        ("https://api.octo.ghe.com", "octo.ghe.com"),
        ("http://127.0.0.1:4010", "127.0.0.1:4010"),
    ])
    func webHost(raw: String, host: String) throws {
        #expect(try APIBase(raw).webHost == host)
    }

    @Test func flags() throws {
        #expect(try APIBase("https://api.github.com").isGitHubDotCom)
        #expect(try !APIBase("https://ghe.example.com/api/v3").isGitHubDotCom)
        #expect(try APIBase("http://[::1]:1").isLoopback)
        #expect(try APIBase("https://localhost").isLoopback)
        #expect(try !APIBase("https://api.github.com").isLoopback)
    }

    @Test func joinsPaths() throws {
        let base = try APIBase("https://ghe.example.com/api/v3/")
        #expect(base.url("/repos/o/r") == "https://ghe.example.com/api/v3/repos/o/r")
        #expect(base.url("user") == "https://ghe.example.com/api/v3/user")
    }

    @Test func precedenceIsFlagThenEnvironmentThenConfigThenGitHub() throws {
        let environment = ["GITHUB_API_URL": "https://env.example/api/v3"]
        #expect(try APIBase.resolve(flag: "http://127.0.0.1:1", environment: environment, config: "https://cfg.example").url == "http://127.0.0.1:1")
        #expect(try APIBase.resolve(flag: nil, environment: environment, config: "https://cfg.example").url == "https://env.example/api/v3")
        #expect(try APIBase.resolve(flag: nil, environment: ["GITHUB_API_URL": ""], config: "https://cfg.example").url == "https://cfg.example")
        #expect(try APIBase.resolve(flag: nil, environment: [:], config: nil) == .gitHubDotCom)
    }

    @Test func resolveNamesTheSourceOfABadURL() {
        #expect(throws: APIBaseError(value: "http://evil.example", reason: .plainHTTPOffLoopback, source: "$GITHUB_API_URL")) {
            try APIBase.resolve(flag: nil, environment: ["GITHUB_API_URL": "http://evil.example"], config: nil)
        }
    }
}
