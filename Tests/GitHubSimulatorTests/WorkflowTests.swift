import Foundation
import Testing
@testable import GitHubSimulator

@Suite("repositories, contents, workflows, runs and dispatches")
struct WorkflowTests {
    static let handler = ".github/workflows/handle-events.yml"

    /// The fixture's repository wired as a platform whose handler listens for `types`.
    static func platform(types: [String] = ["dependency_updated", "build_completed"]) throws -> Fixture {
        let fixture = try Fixture()
        fixture.simulator.setFile(handler, content: GuideWorkflows.handler(eventTypes: types), in: fixture.repository)
        return fixture
    }

    static func dispatchBody(_ type: String, payload: String = #"{"repo": "octo-org/lib"}"#) -> String {
        #"{"event_type": "\#(type)", "client_payload": \#(payload)}"#
    }

    @Test func repositoryReportsDefaultBranchAndTheAccountsPermissions() throws {
        let fixture = try Fixture()
        fixture.simulator.setDefaultBranch("trunk", of: fixture.repository)
        fixture.simulator.setPermission(.write, on: fixture.repository, for: fixture.token)
        let json = try #require(try fixture.client().request("GET", "/repos/\(fixture.repository)", token: fixture.token).json)
        #expect(json["default_branch"] as? String == "trunk")
        let permissions = try #require(json["permissions"] as? [String: Bool])
        #expect(permissions["admin"] == false && permissions["push"] == true && permissions["pull"] == true)

        fixture.simulator.setPermission(.none, on: fixture.repository, for: fixture.token)
        #expect(try fixture.client().request("GET", "/repos/\(fixture.repository)", token: fixture.token).status == 404)
    }

    @Test func contentsAreBase64WithLineBreaksOnTheAskedRef() throws {
        let fixture = try Fixture()
        let text = String(repeating: "name: a long workflow line\n", count: 10)
        fixture.simulator.setFile("a/b.yml", content: text, in: fixture.repository, ref: "feature")
        let client = try fixture.client()
        #expect(try client.request("GET", "/repos/\(fixture.repository)/contents/a/b.yml", token: fixture.token).status == 404)
        let response = try client.request("GET", "/repos/\(fixture.repository)/contents/a/b.yml?ref=feature", token: fixture.token)
        let json = try #require(response.json)
        let content = try #require(json["content"] as? String)
        #expect(content.contains("\n"))
        #expect(content.split(separator: "\n").allSatisfy { $0.count <= 60 })
        let decoded = try #require(Data(base64Encoded: content.replacingOccurrences(of: "\n", with: "")))
        #expect(String(decoding: decoded, as: UTF8.self) == text)
        #expect(try client.request("GET", "/repos/\(fixture.repository)/contents/a/b.yml?ref=nope", token: fixture.token).status == 404)
    }

    @Test func dispatchStartsARunOnlyForATypeTheHandlerLists() throws {
        let fixture = try Self.platform()
        let client = try fixture.client()
        let path = "/repos/\(fixture.repository)/dispatches"
        #expect(try client.request("POST", path, token: fixture.token, body: Self.dispatchBody("dependency_updated")).status == 204)
        #expect(try client.request("POST", path, token: fixture.token, body: Self.dispatchBody("build_failed")).status == 204)
        let dispatches = fixture.simulator.dispatches(to: fixture.repository)
        #expect(dispatches.map(\.startedRuns.count) == [1, 0])
        #expect(dispatches.first?.payloadStrings["repo"] == "octo-org/lib")
        let run = try #require(fixture.simulator.runs(in: fixture.repository).first)
        #expect(run.displayTitle == "dependency_updated from octo-org/lib")

        let runs = try client.request("GET", "/repos/\(fixture.repository)/actions/workflows/handle-events.yml/runs?event=repository_dispatch",
                                      token: fixture.token)
        let listed = try #require(runs.json?["workflow_runs"] as? [[String: Any]])
        #expect(listed.count == 1)
        #expect(listed.first?["conclusion"] as? String == "success")
        #expect(listed.first?["id"] as? Int == run.id)
    }

    @Test("a handler that is only on another branch, disabled, mistyped or unparsable starts nothing",
          arguments: ["branch", "disabled", "typo", "syntax", "actions-off"])
    func handlerThatCannotStart(fault: String) throws {
        let fixture = try Self.platform()
        let simulator = fixture.simulator
        let text = GuideWorkflows.handler(eventTypes: ["dependency_updated"])
        switch fault {
        case "branch":
            simulator.removeFile(Self.handler, in: fixture.repository)
            simulator.setFile(Self.handler, content: text, in: fixture.repository, ref: "develop")
        case "disabled": simulator.setWorkflowState(.disabledManually, of: Self.handler, in: fixture.repository)
        case "typo": simulator.setFile(Self.handler, content: text.replacingOccurrences(of: "types:", with: "type:"), in: fixture.repository)
        case "syntax":
            simulator.setFile(Self.handler, content: text.replacingOccurrences(of: "dependency_updated]", with: "dependency_updated"),
                              in: fixture.repository)
        default: simulator.setActionsEnabled(false, in: fixture.repository)
        }
        let response = try fixture.client().request("POST", "/repos/\(fixture.repository)/dispatches", token: fixture.token,
                                                    body: Self.dispatchBody("dependency_updated"))
        #expect(response.status == 204)
        #expect(simulator.runs(in: fixture.repository).isEmpty)
    }

    @Test func dispatchesOverGitHubsLimitsAre422() throws {
        let fixture = try Self.platform()
        let client = try fixture.client()
        let path = "/repos/\(fixture.repository)/dispatches"
        let elevenKeys = "{" + (1...11).map { #""k\#($0)": "v""# }.joined(separator: ", ") + "}"
        let huge = #"{"blob": ""# + String(repeating: "x", count: 70_000) + #""}"#
        for body in [Self.dispatchBody(""), Self.dispatchBody(String(repeating: "a", count: 101)),
                     Self.dispatchBody("dependency_updated", payload: elevenKeys), Self.dispatchBody("dependency_updated", payload: huge)] {
            #expect(try client.request("POST", path, token: fixture.token, body: body).status == 422)
        }
        #expect(try client.request("POST", path, token: fixture.token, body: Self.dispatchBody(String(repeating: "a", count: 100))).status == 204)
        #expect(fixture.simulator.runs(in: fixture.repository).isEmpty)
    }

    @Test func workflowStateAndMissingWorkflow() throws {
        let fixture = try Self.platform()
        fixture.simulator.setWorkflowState(.disabledInactivity, of: Self.handler, in: fixture.repository)
        let client = try fixture.client()
        let json = try #require(try client.request("GET", "/repos/\(fixture.repository)/actions/workflows/handle-events.yml", token: fixture.token).json)
        #expect(json["state"] as? String == "disabled_inactivity")
        #expect(json["name"] as? String == "Handle Events")
        #expect(try client.request("GET", "/repos/\(fixture.repository)/actions/workflows/other.yml", token: fixture.token).status == 404)
    }

    @Test func fineGrainedTokensGet403WithTheAcceptedPermission() throws {
        let fixture = try Self.platform()
        let token = fixture.simulator.mintToken(login: "octo", kind: .fineGrained)
        fixture.simulator.setFineGrainedPermissions([.secrets: .read, .contents: .read], on: fixture.repository, for: token)
        let client = try fixture.client()
        let dispatch = try client.request("POST", "/repos/\(fixture.repository)/dispatches", token: token, body: Self.dispatchBody("dependency_updated"))
        #expect(dispatch.status == 403)
        #expect(dispatch.header("x-accepted-github-permissions") == "contents=write")
        #expect(dispatch.json?["message"] as? String == "Resource not accessible by personal access token")
        #expect(dispatch.header("x-oauth-scopes") == nil)
        let secret = try client.request("PUT", "/repos/\(fixture.repository)/actions/secrets/PROBE", token: token, body: "{}")
        #expect(secret.status == 403)
        #expect(secret.header("x-accepted-github-permissions") == "secrets=write")
        #expect(try client.request("GET", "/repos/\(fixture.repository)/contents/\(Self.handler)", token: token).status == 200)
    }

    @Test func samlSSOAnswers403WithTheAuthorizationURLUntilAuthorized() throws {
        let fixture = try Fixture()
        fixture.simulator.requireSingleSignOn(for: "octo-org")
        let client = try fixture.client()
        let blocked = try client.request("GET", "/repos/\(fixture.repository)", token: fixture.token)
        #expect(blocked.status == 403)
        let header = try #require(blocked.header("x-github-sso"))
        #expect(header.hasPrefix("required; url=https://github.com/orgs/octo-org/sso?authorization_request="))
        #expect(try client.request("GET", "/user", token: fixture.token).status == 200)
        fixture.simulator.authorizeSingleSignOn(fixture.token)
        #expect(try client.request("GET", "/repos/\(fixture.repository)", token: fixture.token).status == 200)
    }

    @Test func rateLimitCostsNothing() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        _ = try client.request("GET", "/user", token: fixture.token)
        let first = try #require(try client.request("GET", "/rate_limit", token: fixture.token).json?["resources"] as? [String: Any])
        let second = try #require(try client.request("GET", "/rate_limit", token: fixture.token).json?["resources"] as? [String: Any])
        #expect((first["core"] as? [String: Any])?["remaining"] as? Int == 4999)
        #expect((second["core"] as? [String: Any])?["remaining"] as? Int == 4999)
    }
}
