import Foundation
import LoopbackTLS
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// The built binary through nginx as a TLS + HTTP/2 front of the simulator, with a CA made for the test:
/// trust by `--ca-file`, `PATROL_CA_FILE` and `SSL_CERT_FILE`, HTTP/2 on the wire, the plaintext at the
/// far end, the certificate error without the CA, and a CONNECT proxy on the way (spec §4).
@Suite("TLS + HTTP/2 front (nginx) and a CONNECT proxy, built binary", .enabled(if: TLSFront.isAvailable, "\(TLSFront.missing)"))
struct TLSFrontTests {
    /// A fleet in a simulator, nginx in front of it, and the arguments that reach the fleet through nginx.
    struct Setup {
        let fleet: FleetHarness
        let front: TLSFront
        var arguments: [String] { ["--config", fleet.configPath, "--api-url", front.url] }

        init() throws {
            fleet = try FleetHarness()
            front = try TLSFront(upstream: fleet.apiURL, folder: fleet.folder)
        }

        /// Every request nginx served was HTTP/2, and there was at least one.
        func allHTTP2() -> Bool {
            let log = front.accessLog
            return !log.isEmpty && log.allSatisfy { $0.contains(" HTTP/2.0 ") }
        }
    }

    @Test("rollout through TLS + HTTP/2, the CA given three ways: nine secrets decrypt to the token", arguments: [
        "--ca-file", "PATROL_CA_FILE", "SSL_CERT_FILE",
    ])
    func rollout(trust: String) throws {
        let setup = try Setup()
        defer { setup.front.stop() }
        let token = setup.fleet.mint()
        var environment = ["PAT_TOKEN": token]
        var arguments = ["rollout"] + setup.arguments
        if trust == "--ca-file" { arguments += ["--ca-file", setup.front.caPath] } else { environment[trust] = setup.front.caPath }
        let run = try PatrolBinary.run(arguments, environment: environment)
        #expect(run.code == 0, "\(run.stdout)\(run.stderr)")
        #expect(setup.fleet.delivered().values.allSatisfy { $0 == token }, "\(setup.fleet.delivered())")
        #expect(setup.allHTTP2(), "\(setup.front.accessLog)")
        #expect(setup.front.accessLog.contains("PUT /repos/garrick0/c3-shared/actions/secrets/PAT_TOKEN HTTP/2.0 201"))
        #expect(!(run.stdout + run.stderr).contains(token))
    }

    @Test("doctor --send-test-event through TLS + HTTP/2: every check passes and the probe's dispatch arrives",
          arguments: ["--ca-file", "SSL_CERT_FILE"])
    func doctor(trust: String) async throws {
        let setup = try Setup()
        defer { setup.front.stop() }
        let token = setup.fleet.mint()
        try await setup.fleet.rolledOut(token)
        let before = setup.fleet.simulator.dispatches(to: FleetHarness.platform).count
        var environment = ["PAT_TOKEN": token]
        var arguments = ["doctor", "--send-test-event", "--wait", "10"] + setup.arguments
        if trust == "--ca-file" { arguments += ["--ca-file", setup.front.caPath] } else { environment[trust] = setup.front.caPath }
        let run = try PatrolBinary.run(arguments, environment: environment)
        #expect(run.code == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains(" 0 failed"), "\(run.stdout)")
        let dispatches = setup.fleet.simulator.dispatches(to: FleetHarness.platform)
        #expect(dispatches.count == before + 1)
        #expect(dispatches.last?.payloadStrings["version"] == "0.0.0-patrol-probe")
        #expect(setup.allHTTP2(), "\(setup.front.accessLog)")
        #expect(setup.front.accessLog.contains { $0.hasPrefix("POST /repos/garrick0/c3-platform/dispatches HTTP/2.0 204") })
    }

    @Test("an Enterprise Server layout (https://HOST/api/v3, a company CA, GHES shapes): a renamed repository is delivered and named; the URL without /api/v3 is called wrong, with its source")
    func enterpriseServer() throws {
        let fleet = try FleetHarness()
        fleet.simulator.serveEnterpriseShapes()
        let front = try TLSFront(upstream: fleet.apiURL, folder: fleet.folder, prefix: "/api/v3")
        defer { front.stop() }
        #expect(fleet.simulator.renameRepository("garrick0/c3-bff", to: "garrick0/c3-gateway"))
        let token = fleet.mint()
        let environment = ["PAT_TOKEN": token, "GITHUB_API_URL": front.url, "PATROL_CA_FILE": front.caPath]
        let run = try PatrolBinary.run(["rollout", "--config", fleet.configPath], environment: environment)
        #expect(run.code == 0, "\(run.stdout)\(run.stderr)")
        #expect(fleet.delivered().filter { $0.key != "garrick0/c3-bff" }.values.allSatisfy { $0 == token })
        #expect(fleet.simulator.secret("PAT_TOKEN", in: "garrick0/c3-gateway")?.plaintext == token)
        #expect(run.stderr.contains("warning: garrick0/c3-bff is now garrick0/c3-gateway: update \(fleet.configPath)"), "\(run.stderr)")
        // GitHub's redirect stayed under /api/v3 on the same host, and was followed over HTTP/2 with the token.
        #expect(front.accessLog.contains { $0.hasPrefix("PUT /api/v3/repos/garrick0/c3-bff/actions/secrets/PAT_TOKEN HTTP/2.0 307") }, "\(front.accessLog)")
        #expect(front.accessLog.contains { $0.hasPrefix("PUT /api/v3/repositories/") && $0.hasSuffix("HTTP/2.0 201") })

        let root = String(front.url.dropLast("/api/v3".count))
        let wrong = try PatrolBinary.run(["rollout", "--config", fleet.configPath],
                                         environment: environment.merging(["GITHUB_API_URL": root]) { $1 })
        #expect(wrong.code == 2, "\(wrong.stderr)")
        #expect(wrong.stderr.contains("GET \(root)/user answered 404: the API URL \(root) (from $GITHUB_API_URL) is wrong"), "\(wrong.stderr)")
        #expect(wrong.stderr.contains("For GitHub Enterprise Server it ends in /api/v3"))
    }

    @Test("without the CA: exit 1, the error names the host, curl's certificate reason and the three options; nothing reached the simulator")
    func untrusted() throws {
        let setup = try Setup()
        defer { setup.front.stop() }
        let token = setup.fleet.mint()
        let run = try PatrolBinary.run(["rollout"] + setup.arguments, environment: ["PAT_TOKEN": token])
        #expect(run.code == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("the TLS connection to localhost failed: SSL certificate problem"), "\(run.stderr)")
        #expect(run.stderr.contains("(curl error 60)"))
        #expect(run.stderr.contains("--ca-file PATH, PATROL_CA_FILE or SSL_CERT_FILE"))
        #expect(run.stderr.contains("the API URL from --api-url"))
        #expect(setup.fleet.simulator.requests.isEmpty)
        #expect(setup.fleet.delivered().values.allSatisfy { $0 == nil })
    }

    @Test("through a CONNECT proxy (HTTPS_PROXY): the proxy sees only the CONNECT line, never the token or an Authorization line; --verbose names it; NO_PROXY bypasses it")
    func proxy() throws {
        let setup = try Setup()
        defer { setup.front.stop() }
        let proxy = try ConnectProxy()
        defer { proxy.stop() }
        let token = setup.fleet.mint()
        let run = try PatrolBinary.run(["rollout", "--verbose", "--ca-file", setup.front.caPath] + setup.arguments,
                                       environment: ["PAT_TOKEN": token, "HTTPS_PROXY": proxy.url])
        #expect(run.code == 0, "\(run.stdout)\(run.stderr)")
        #expect(setup.fleet.delivered().values.allSatisfy { $0 == token })
        #expect(run.stderr.contains("proxy: \(proxy.url) (from HTTPS_PROXY) for localhost"), "\(run.stderr)")
        let heads = proxy.heads
        #expect(!heads.isEmpty)
        #expect(heads.allSatisfy { $0.hasPrefix("CONNECT localhost:\(setup.front.port) HTTP/1.1\r\n") }, "\(heads)")
        let seen = Array(heads.joined().utf8) + proxy.relayed
        #expect(seen.count > 1000, "the tunnel carried nothing")
        #expect(!seen.containsIgnoringCase("authorization"))
        #expect(!seen.containsIgnoringCase(token))
        #expect(!seen.containsIgnoringCase("PATROLMARK"))
        #expect(setup.allHTTP2(), "\(setup.front.accessLog)")

        let direct = try PatrolBinary.run(["status", "--verbose", "--ca-file", setup.front.caPath] + setup.arguments,
                                          environment: ["PAT_TOKEN": token, "HTTPS_PROXY": proxy.url, "NO_PROXY": "example.com,localhost"])
        #expect(direct.code == 0, "\(direct.stdout)\(direct.stderr)")
        #expect(direct.stderr.contains("proxy: none for localhost (listed in NO_PROXY)"), "\(direct.stderr)")
        #expect(proxy.heads.count == heads.count, "NO_PROXY was not honoured")
    }
}
