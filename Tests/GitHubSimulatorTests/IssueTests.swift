import Foundation
import Testing
@testable import GitHubSimulator

@Suite("simulator: issues, comments and the webhook sink")
struct IssueTests {
    func array(_ response: RawClient.Response) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]])
    }

    @Test("create → 201 with number and html_url; list filters by state and every label; newest first")
    func createAndList() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let path = "/repos/\(fixture.repository)/issues"
        let first = try client.request("POST", path, token: fixture.token, body: #"{"title": "one", "body": "b1", "labels": ["alert", "x"]}"#)
        #expect(first.status == 201)
        #expect(first.json?["number"] as? Int == 1)
        #expect(first.json?["html_url"] as? String == "https://github.com/\(fixture.repository)/issues/1")
        _ = try client.request("POST", path, token: fixture.token, body: #"{"title": "two", "labels": ["alert"]}"#)
        _ = try client.request("POST", path, token: fixture.token, body: #"{"title": "three"}"#)
        #expect(try client.request("POST", path, token: fixture.token, body: #"{"body": "no title"}"#).status == 422)

        #expect(try array(client.request("GET", path, token: fixture.token)).map { $0["number"] as? Int } == [3, 2, 1])
        #expect(try array(client.request("GET", "\(path)?labels=alert", token: fixture.token)).map { $0["number"] as? Int } == [2, 1])
        #expect(try array(client.request("GET", "\(path)?labels=alert,x", token: fixture.token)).map { $0["number"] as? Int } == [1])
        #expect(try array(client.request("GET", "\(path)?per_page=1", token: fixture.token)).count == 1)

        let closed = try client.request("PATCH", "\(path)/2", token: fixture.token, body: #"{"state": "closed", "title": "2!"}"#)
        #expect(closed.status == 200)
        #expect(closed.json?["state_reason"] as? String == "completed" && closed.json?["title"] as? String == "2!")
        #expect(try array(client.request("GET", "\(path)?state=open", token: fixture.token)).map { $0["number"] as? Int } == [3, 1])
        #expect(try array(client.request("GET", "\(path)?state=closed", token: fixture.token)).map { $0["number"] as? Int } == [2])
        #expect(try client.request("PATCH", "\(path)/9", token: fixture.token, body: "{}").status == 404)
        #expect(fixture.simulator.openIssues(in: fixture.repository).map(\.title) == ["one", "three"])
    }

    @Test("comments: 201 on POST, listed oldest first; a read-only token cannot write; no token is 401")
    func commentsAndAccess() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let path = "/repos/\(fixture.repository)/issues"
        _ = try client.request("POST", path, token: fixture.token, body: #"{"title": "t"}"#)
        #expect(try client.request("POST", "\(path)/1/comments", token: fixture.token, body: #"{"body": "first"}"#).status == 201)
        _ = try client.request("POST", "\(path)/1/comments", token: fixture.token, body: #"{"body": "second"}"#)
        #expect(try array(client.request("GET", "\(path)/1/comments", token: fixture.token)).map { $0["body"] as? String } == ["first", "second"])
        #expect(fixture.simulator.issues(in: fixture.repository).first?.comments.map(\.body) == ["first", "second"])

        fixture.simulator.setPermission(.read, on: fixture.repository)
        #expect(try client.request("POST", path, token: fixture.token, body: #"{"title": "x"}"#).status == 403)
        #expect(try client.request("GET", path, token: fixture.token).status == 200)
        #expect(try client.request("GET", path).status == 401)
    }

    @Test("the webhook sink records the body, needs no Authorization, and notes one when sent")
    func webhookSink() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let response = try client.request("POST", "/hooks/alerts", body: #"{"text": "hello"}"#)
        #expect(response.status == 200)
        #expect(fixture.simulator.webhookPosts == [WebhookPost(path: "/hooks/alerts", body: #"{"text": "hello"}"#, authorization: nil)])
        #expect(fixture.simulator.webhookPosts.first?.text == "hello")
        #expect(fixture.simulator.webhookURL("x") == fixture.url + "/hooks/x")
    }
}
