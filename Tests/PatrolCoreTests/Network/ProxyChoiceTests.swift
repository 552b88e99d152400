import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// Which proxy a request goes through (curl's rules, as `--verbose` names them), and plain loopback http never through one.
@Suite("proxy choice")
struct ProxyChoiceTests {
    @Test("https_proxy before HTTPS_PROXY before ALL_PROXY; credentials never shown")
    func precedence() {
        let api = "https://api.github.com/user"
        #expect(ProxyChoice(for: api, environment: ["https_proxy": "http://a:1", "HTTPS_PROXY": "http://b:2"]).proxy == "http://a:1")
        #expect(ProxyChoice(for: api, environment: ["HTTPS_PROXY": "http://b:2", "ALL_PROXY": "http://c:3"]).variable == "HTTPS_PROXY")
        #expect(ProxyChoice(for: api, environment: ["ALL_PROXY": "http://c:3"]).proxy == "http://c:3")
        let secret = ProxyChoice(for: api, environment: ["HTTPS_PROXY": "http://user:hunter2@proxy.corp:3128"])
        #expect(secret.proxy == "http://proxy.corp:3128")
        #expect(!secret.description.contains("hunter2"))
        #expect(ProxyChoice(for: api, environment: [:]).proxy == nil)
    }

    @Test("NO_PROXY: a listed name, its subdomains, a leading dot, *; not a mere suffix of another name", arguments: [
        ("api.github.com", "github.com", true), ("api.github.com", ".github.com", true), ("api.github.com", "example.com, github.com", true),
        ("api.github.com", "*", true), ("api.github.com", "hub.com", false), ("ghe.example.com", "example.org", false),
    ])
    func noProxy(host: String, list: String, bypassed: Bool) {
        let choice = ProxyChoice(for: "https://\(host)/user", environment: ["HTTPS_PROXY": "http://p:1", "NO_PROXY": list])
        #expect((choice.proxy == nil) == bypassed)
        if bypassed { #expect(choice.description == "proxy: none for \(host) (listed in NO_PROXY)") }
    }

    @Test("plain http to the simulator with every proxy variable set: no request reaches the proxy, which would read Authorization in clear")
    func loopbackHTTPNeverProxied() throws {
        let fleet = try FleetHarness()
        let proxy = try ConnectProxy()
        defer { proxy.stop() }
        let token = fleet.mint()
        let run = try PatrolBinary.run(["rollout", "--verbose", "--config", fleet.configPath],
                                       environment: ["PAT_TOKEN": token, "http_proxy": proxy.url, "HTTPS_PROXY": proxy.url, "ALL_PROXY": proxy.url])
        #expect(run.code == 0, "\(run.stdout)\(run.stderr)")
        #expect(proxy.heads.isEmpty, "\(proxy.heads)")
        #expect(fleet.delivered().values.allSatisfy { $0 == token })
        #expect(run.stderr.contains("proxy: none for 127.0.0.1 (plain http:// to this machine never goes through a proxy)"), "\(run.stderr)")
    }
}
