import Foundation
import Synchronization
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// The CA file (`--ca-file`, `$PATROL_CA_FILE`, `$SSL_CERT_FILE`) is checked before any request; a wrong API
/// path and an unreachable host say what is wrong and where the URL came from (spec §3, §4).
@Suite("trust, API URL mistakes, unreachable hosts")
struct TrustAndAPIURLTests {
    /// A PEM file with `count` blocks shaped like certificates (a DER SEQUENCE); enough for the offline check.
    static func pemFile(certificates count: Int, in folder: String, name: String = "ca.pem") throws -> String {
        let der = [UInt8(0x30), 0x82, 0x01, 0x00] + [UInt8](repeating: 0x02, count: 96)
        let block = "-----BEGIN CERTIFICATE-----\n\(Data(der).base64EncodedString(options: .lineLength64Characters))\n-----END CERTIFICATE-----\n"
        let path = folder + "/" + name
        try (String(repeating: block, count: count) + (count == 0 ? "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" : ""))
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("--ca-file wins over PATROL_CA_FILE, which wins over SSL_CERT_FILE; none means the system store")
    func precedence() throws {
        let fleet = try FleetHarness()
        let a = try Self.pemFile(certificates: 1, in: fleet.folder, name: "a.pem")
        let b = try Self.pemFile(certificates: 2, in: fleet.folder, name: "b.pem")
        let c = try Self.pemFile(certificates: 3, in: fleet.folder, name: "c.pem")
        let all = ["PATROL_CA_FILE": b, "SSL_CERT_FILE": c]
        #expect(try CAFile.resolve(flag: a, environment: all) == CAFile(path: a, source: "--ca-file"))
        #expect(try CAFile.resolve(flag: nil, environment: all)?.source == "$PATROL_CA_FILE")
        #expect(try CAFile.resolve(flag: nil, environment: ["PATROL_CA_FILE": "", "SSL_CERT_FILE": c])?.certificates == 3)
        #expect(try CAFile.resolve(flag: nil, environment: [:]) == nil)
    }

    @Test("a CA file that does not exist, or holds no certificate: exit 2, naming the file, its source and the options; nothing sent")
    func badCAFile() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        let missing = fleet.folder + "/no-such-ca.pem"
        let flag = await fleet.run(["rollout", "--ca-file", missing], environment: ["PAT_TOKEN": token])
        #expect(flag.code == 2, "\(flag.output)")
        #expect(flag.stderr.contains("the CA file \(missing) (from --ca-file) does not exist"), "\(flag.stderr)")
        let empty = try Self.pemFile(certificates: 0, in: fleet.folder)
        for command in ["rollout", "status", "doctor"] {
            let run = await fleet.run([command], environment: ["PAT_TOKEN": token, "PATROL_CA_FILE": empty])
            #expect(run.code == 2, "\(command): \(run.output)")
            #expect(run.stderr.contains("the CA file \(empty) (from $PATROL_CA_FILE) holds no PEM certificate"), "\(run.stderr)")
            #expect(run.stderr.contains("--ca-file PATH, PATROL_CA_FILE or SSL_CERT_FILE"))
        }
        #expect(fleet.simulator.requests.isEmpty)
        // The ledger-only expiry check needs no network, so a CA file does not concern it.
        #expect(await fleet.run(["expiry"], environment: ["SSL_CERT_FILE": missing]).stderr.contains("CA file") == false)
    }

    @Test("patrol help documents --ca-file and its fallbacks")
    func help() async throws {
        let fleet = try FleetHarness()
        let run = await fleet.run(["help"])
        let text = run.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("--ca-file PATH trust the CA certificates in this PEM file too"))
        #expect(text.contains("$PATROL_CA_FILE, else $SSL_CERT_FILE, else the system store only"))
    }

    @Test("GET /user answered 404: the API URL is wrong, named with where it came from; exit 2", arguments: [
        ("--api-url", true), ("$GITHUB_API_URL", false),
    ])
    func wrongAPIPath(source: String, asFlag: Bool) async throws {
        let fleet = try FleetHarness()
        let wrong = fleet.apiURL + "/api/v3"
        let token = fleet.mint()
        let run = asFlag
            ? await fleet.run(["rollout", "--api-url", wrong], environment: ["PAT_TOKEN": token])
            : await fleet.run(["rollout"], environment: ["PAT_TOKEN": token, "GITHUB_API_URL": wrong])
        #expect(run.code == 2, "\(run.output)")
        #expect(run.stderr.contains("GET \(wrong)/user answered 404: the API URL \(wrong) (from \(source)) is wrong"), "\(run.stderr)")
        #expect(run.stderr.contains("/api/v3"))
        #expect(run.stderr.contains("Fix \(source)"))
        #expect(!run.stderr.contains("the repository does not exist"))
        // The public keys ride with the preflight (spec §8), so they may have been asked for too; nothing was written.
        #expect(fleet.simulator.requests.map(\.path).contains("/api/v3/user"))
        #expect(fleet.simulator.requests.allSatisfy { $0.method == "GET" }, "\(fleet.simulator.requests.map(\.path))")
    }

    @Test("the wrong-API-URL message fits the URL: github.com's, Enterprise Server's /api/v3, and where it came from")
    func wrongAPIURLText() throws {
        let dotCom = WrongAPIURLError(base: .gitHubDotCom).description
        #expect(dotCom.contains("https://api.github.com (the default;") && dotCom.hasSuffix("Fix --api-url, GITHUB_API_URL or apiURL in the config"))
        let root = WrongAPIURLError(base: try APIBase.resolve(flag: nil, environment: [:], config: "https://ghe.example.com")).description
        #expect(root.contains("(from apiURL in the config)") && root.contains("ends in /api/v3 (https://HOST/api/v3)"))
        #expect(root.hasSuffix("Fix apiURL in the config"))
        let v3 = WrongAPIURLError(base: try APIBase("https://ghe.example.com/api/v3", source: "$GITHUB_API_URL")).description
        #expect(v3.contains("try the URL without /api/v3") && v3.hasSuffix("Fix $GITHUB_API_URL"))
    }

    @Test("an unreachable host: each retry is announced on stderr as it happens; the advice names the URL's source")
    func unreachableHost() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        let closed = "http://127.0.0.1:1"
        let err = Mutex("")
        let console = Console(stdout: { _ in }, stderr: { text in err.withLock { $0 += text } })
        let environment = ["PAT_TOKEN": token, "GITHUB_API_URL": closed]
        let context = Context(environment: environment, console: console,
                              tokenInputs: TokenInputs(environment: environment, standardInput: ""),
                              retryPolicy: RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(5), maxDelay: .milliseconds(20)))
        let code = await Patrol.run(arguments: ["rollout", "--config", fleet.configPath], context: context)
        let stderr = err.withLock { $0 }
        #expect(code == 1, "\(stderr)")
        for attempt in 2...5 {
            #expect(stderr.contains("patrol: cannot reach 127.0.0.1 (") && stderr.contains("(attempt \(attempt)/5)"), "\(stderr)")
        }
        #expect(stderr.contains("could not connect to 127.0.0.1"))
        #expect(stderr.contains("the API URL from $GITHUB_API_URL"))
        #expect(!stderr.contains("--api-url"))
    }
}
