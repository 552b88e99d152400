import Testing
import GitHubSimulator
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("workflow reader: the YAML shapes doctor needs, and 'could not read' with the line")
struct WorkflowReaderTests {
    func types(_ text: String) throws -> RepositoryDispatchTrigger {
        try Workflow(text: text).repositoryDispatch()
    }

    @Test func blockListQuotedAndCommented() throws {
        let trigger = try types(WorkflowCorpus.handlerBlock)
        #expect(trigger == .types([EventTypeEntry(name: "dependency_updated", line: 7), EventTypeEntry(name: "build_completed", line: 8),
                                   EventTypeEntry(name: "build_failed", line: 9)]))
        let workflow = try Workflow(text: WorkflowCorpus.handlerBlock)
        let script = try #require(workflow.root["jobs"]?.value["handle"]?.value["steps"]?.value.items?.first?["run"]?.value.scalar)
        #expect(script.contains("# not a comment for YAML") && script.contains("--mode: dry"))
        #expect(workflow.root["name"]?.value.scalar == "Handle Events")
    }

    @Test func onAsStringListOrMap() throws {
        #expect(try types(WorkflowCorpus.onString) == .anyType(line: 2))
        #expect(try types(WorkflowCorpus.onFlowList) == .anyType(line: 1))
        #expect(try types(WorkflowCorpus.onBlockListWithoutDispatch) == .absent)
        #expect(try types(WorkflowCorpus.typesSingle) == .types([EventTypeEntry(name: "dependency_updated", line: 3)]))
        #expect(try types(WorkflowCorpus.typesMultilineFlow).typeNames == ["dependency_updated", "build_completed"])
        #expect(try types(GitHubGuide.handler) .typeNames == ["dependency_updated", "build_completed", "build_failed"])
    }

    @Test func typoIsReportedWithItsLine() throws {
        #expect(try types(WorkflowCorpus.typeTypo) == .misspeltTypes(key: "type", line: 3))
    }

    @Test func dispatchStepsWithTheirInputsAndLines() throws {
        let steps = try Workflow(text: WorkflowCorpus.applicationCI).dispatchSteps()
        #expect(steps.count == 2)
        #expect(steps[0].input("repository") == DispatchInput(key: "repository", value: "garrick0/c3-platform", line: 16))
        #expect(steps[0].input("token")?.value == "${{ secrets.PAT_TOKEN }}")
        #expect(steps[0].input("client-payload")?.value.contains("${{ github.sha }}") == true)
        #expect(steps[0].name == "Notify (completed)")
        #expect(steps[1].uses == "peter-evans/repository-dispatch@v3")
        #expect(steps[1].input("event-type")?.value == "build_failed")
        #expect(steps[1].input("token")?.value == "${{ secrets.PAT_TOKEN }}")
    }

    @Test("broken files are 'could not read' at the right line", arguments: [
        (WorkflowCorpus.tabIndented, 3, "tab"),
        (WorkflowCorpus.unclosedFlowList, 4, "never closed"),
        (WorkflowCorpus.strayIndentation, 4, "matches no level"),
        (WorkflowCorpus.unclosedQuote, 3, "never closed"),
        (WorkflowCorpus.colonInPlainValue, 4, "`: `"),
        (WorkflowCorpus.duplicateKey, 3, "already set at line 1"),
        (WorkflowCorpus.missingColon, 3, "expected `key: value`"),
        (WorkflowCorpus.unknownEvent, 3, "`types` is not an event"),
        (WorkflowCorpus.anchors, 1, "anchors"),
    ])
    func broken(text: String, line: Int, reason: String) throws {
        let error = #expect(throws: WorkflowReadError.self) { try Workflow(text: text).repositoryDispatch() }
        #expect(error?.line == line, "\(String(describing: error))")
        #expect(error?.description.contains(reason) == true, "\(String(describing: error))")
        #expect(error?.description.hasPrefix("could not read line \(line)") == true)
    }

    @Test func theGuidesOwnFilesRead() throws {
        let library = try Workflow(text: GitHubGuide.library).dispatchSteps()
        #expect(library.map { $0.input("event-type")?.value } == ["dependency_updated"])
        let application = try Workflow(text: GitHubGuide.application).dispatchSteps()
        #expect(application.map { $0.input("event-type")?.value } == ["build_completed", "build_failed"])
        #expect(application.allSatisfy { $0.input("repository")?.value == "garrick0/c3-platform" })
    }
}

/// The guide's files as the simulator plants them.
enum GitHubGuide {
    static let handler = GuideWorkflows.handler(eventTypes: ["dependency_updated", "build_completed", "build_failed"])
    static let library = GuideWorkflows.libraryPublish(platform: "garrick0/c3-platform", eventType: "dependency_updated", secret: "PAT_TOKEN")
    static let application = GuideWorkflows.applicationCI(platform: "garrick0/c3-platform", completed: "build_completed",
                                                          failed: "build_failed", secret: "PAT_TOKEN")
}

extension RepositoryDispatchTrigger {
    var typeNames: [String] {
        if case .types(let entries) = self { return entries.map(\.name) }
        return []
    }
}
