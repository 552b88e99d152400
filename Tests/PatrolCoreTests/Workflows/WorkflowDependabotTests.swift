import Testing
import GitHubSimulator
@testable import PatrolSupport
@testable import PatrolGitHub
@testable import PatrolCore

@Suite("workflow reader: Dependabot-triggered events and secret reads (dependabot.needed)")
struct WorkflowDependabotTests {
    @Test func theGuidesWorkflowsAreStartedByDependabotAndReadTheSecret() throws {
        let ci = try Workflow(text: GuideWorkflows.applicationCI(platform: "garrick0/c3-platform", completed: "build_completed",
                                                                   failed: "build_failed", secret: "PAT_TOKEN"))
        #expect(try ci.dependabotTriggers() == ["push", "pull_request"])
        #expect(!ci.lines(reading: "PAT_TOKEN").isEmpty)
        #expect(ci.lines(reading: "pat_token") == ci.lines(reading: "PAT_TOKEN"))
        #expect(ci.lines(reading: "PAT").isEmpty, "a prefix of the name is another secret")
        let handler = try Workflow(text: GuideWorkflows.handler(eventTypes: ["build_completed"]))
        #expect(try handler.dependabotTriggers().isEmpty, "repository_dispatch only")
    }

    @Test(arguments: [
        ("on: push\njobs: {}\n", ["push"]),
        ("on: [workflow_dispatch, pull_request_target]\n", ["pull_request_target"]),
        ("on:\n  schedule:\n    - cron: '0 0 * * *'\n  pull_request_review:\n", ["pull_request_review"]),
        ("on: [issues, workflow_dispatch]\n", [String]()),
    ])
    func triggers(_ text: String, _ expected: [String]) throws {
        #expect(try Workflow(text: text).dependabotTriggers() == expected)
    }

    @Test func secretReadsInEveryFormOutsideComments() throws {
        let text = """
        on: push
        jobs:
          a:
            steps:
              # uses ${{ secrets.PAT_TOKEN }} in a comment
              - run: echo "${{ secrets['PAT_TOKEN'] }}"
              - run: echo "${{ secrets.PAT_TOKEN_OLD }}"
              - env:
                  T: ${{ secrets.Pat_Token}}
        """
        #expect(try Workflow(text: text).lines(reading: "PAT_TOKEN") == [6, 9])
    }
}
