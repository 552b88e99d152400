import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("TransportError")
struct TransportErrorTests {
    func error(_ kind: TransportError.Kind, detail: String = "Failed to connect", code: Int = 7) -> TransportError {
        TransportError(kind: kind, curlCode: code, curlMessage: "Couldn't connect to server", detail: detail,
                       method: "PUT", url: "https://ghe.example.com:8443/api/v3/repos/o/r/actions/secrets/PAT_TOKEN")
    }

    @Test func connectNamesTheHostAndWhatToCheck() {
        let text = error(.connect).description
        #expect(text == "could not connect to ghe.example.com: Failed to connect (curl error 7) — check the network, the proxy (HTTPS_PROXY) or the API URL from --api-url")
    }

    @Test("the advice names where the API URL came from, and a TLS failure names the host, curl's reason and the CA options")
    func adviceNamesTheSource() {
        var connect = error(.connect)
        connect.apiURLSource = "$GITHUB_API_URL"
        #expect(connect.description.hasSuffix("the API URL from $GITHUB_API_URL"))
        #expect(!connect.description.contains("--api-url"))
        var tls = error(.tls, detail: "SSL certificate problem: unable to get local issuer certificate", code: 60)
        tls.apiURLSource = "apiURL in the config"
        let text = tls.description
        #expect(text.hasPrefix("the TLS connection to ghe.example.com failed: SSL certificate problem: unable to get local issuer certificate (curl error 60)"))
        for option in ["--ca-file PATH", "PATROL_CA_FILE", "SSL_CERT_FILE", "the system store only", "apiURL in the config"] {
            #expect(text.contains(option), "\(option)")
        }
        var byDefault = error(.timeout)
        byDefault.apiURLSource = APIBase.defaultSource
        #expect(byDefault.description.hasSuffix("the API URL from the default (change it with --api-url, GITHUB_API_URL or apiURL in the config)"))
    }

    @Test func anEmptyErrorBufferFallsBackToCurlsMessage() {
        #expect(error(.connect, detail: "").detail == "Couldn't connect to server")
    }

    @Test(arguments: [
        (TransportError.Kind.timeout, "timed out"),
        (.tls, "never turns verification off"),
        (.connectionLost, "broke during PUT"),
        (.tooLarge, "too large"),
        (.cancelled, "was cancelled"),
        (.invalidRequest, "cannot be sent"),
        (.other, "failed"),
    ])
    func everyKindSaysWhatHappened(kind: TransportError.Kind, phrase: String) {
        #expect(error(kind).description.contains(phrase))
    }

    @Test func onlyNetworkFailuresAreTransientAndOnlyConnectNeverReachedTheServer() {
        let transient = [TransportError.Kind.connect, .timeout, .connectionLost, .other].map { error($0).isTransient }
        let permanent = [TransportError.Kind.tls, .tooLarge, .cancelled, .invalidRequest].map { error($0).isTransient }
        #expect(transient.allSatisfy { $0 })
        #expect(permanent.allSatisfy { !$0 })
        #expect(error(.connect).neverReachedServer)
        #expect(!error(.timeout).neverReachedServer)
    }
}
