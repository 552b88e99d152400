import FoundationEssentials

/// The workflow files of the c3 fleet as the Phase 2 setup guide describes them: the platform's event
/// handler, each library's `publish.yml` and each application's `ci.yml` with their
/// `peter-evans/repository-dispatch@v2` steps. Tests plant variations of these texts to make faults.
public enum GuideWorkflows {
    /// `.github/workflows/handle-events.yml` of the platform repository.
    public static func handler(eventTypes: [String]) -> String {
        """
        name: Handle Events
        run-name: ${{ github.event.action }} from ${{ github.event.client_payload.repo }}

        on:
          repository_dispatch:
            types: [\(eventTypes.joined(separator: ", "))]
          workflow_dispatch:

        permissions:
          contents: write

        jobs:
          handle-event:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4

              - uses: actions/setup-node@v4
                with:
                  node-version: 20

              - name: Process event
                run: node scripts/process-event.js
                env:
                  EVENT_TYPE: ${{ github.event.action }}
                  PAYLOAD: ${{ toJson(github.event.client_payload) }}

              - name: Update dependency graph
                if: github.event.action == 'dependency_updated'
                run: node scripts/update-dependency-graph.js

              - name: Identify downstream repositories (dry run)
                run: node scripts/trigger-downstream.js
                env:
                  ENABLE_TRIGGERS: 'false'

              - name: Commit event log
                run: |
                  git config user.name "c3-platform-bot"
                  git add logs/ config/dependency-graph.json
                  git commit -m "Log ${{ github.event.action }}: ${{ github.event.client_payload.repo }}" || echo "nothing to commit"
                  git push

        """
    }

    /// A library's `.github/workflows/publish.yml`, notifying the platform after a successful publish.
    public static func libraryPublish(platform: String, eventType: String, secret: String) -> String {
        """
        name: Publish

        on:
          push:
            tags: ['v*']
          workflow_dispatch:

        jobs:
          publish:
            runs-on: ubuntu-latest
            permissions:
              contents: read
              packages: write
            steps:
              - uses: actions/checkout@v4

              - uses: actions/setup-node@v4
                with:
                  node-version: 20
                  registry-url: https://npm.pkg.github.com

              - run: npm ci
              - run: npm test

              - name: Publish package
                id: publish
                run: |
                  npm publish
                  echo "version=$(node -p "require('./package.json').version")" >> "$GITHUB_OUTPUT"
                env:
                  NODE_AUTH_TOKEN: ${{ secrets.GITHUB_TOKEN }}

              # Phase 2: tell the platform that a new version is out
              - name: Notify platform
                if: success()
                uses: peter-evans/repository-dispatch@v2
                with:
                  token: ${{ secrets.\(secret) }}
                  repository: \(platform)
                  event-type: \(eventType)
                  client-payload: '{"repo": "${{ github.repository }}", "version": "${{ steps.publish.outputs.version }}", "sha": "${{ github.sha }}", "workflow_run_id": "${{ github.run_id }}"}'

        """
    }

    /// An application's `.github/workflows/ci.yml`, notifying the platform of a finished or failed build on
    /// pushes to main.
    public static func applicationCI(platform: String, completed: String, failed: String, secret: String) -> String {
        """
        name: CI

        on:
          push:
            branches: [main]
          pull_request:

        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - uses: actions/setup-node@v4
                with:
                  node-version: 20
              - run: npm ci
              - run: npm run build
              - run: npm test

              - name: Notify platform (build completed)
                if: success() && github.event_name == 'push' && github.ref == 'refs/heads/main'
                uses: peter-evans/repository-dispatch@v2
                with:
                  token: ${{ secrets.\(secret) }}
                  repository: \(platform)
                  event-type: \(completed)
                  client-payload: |
                    {
                      "repo": "${{ github.repository }}",
                      "sha": "${{ github.sha }}",
                      "workflow_run_id": "${{ github.run_id }}"
                    }

              - name: Notify platform (build failed)
                if: failure() && github.event_name == 'push' && github.ref == 'refs/heads/main'
                uses: peter-evans/repository-dispatch@v2
                with:
                  token: ${{ secrets.\(secret) }}
                  repository: \(platform)
                  event-type: \(failed)
                  client-payload: '{"repo": "${{ github.repository }}", "sha": "${{ github.sha }}", "workflow_run_id": "${{ github.run_id }}"}'

        """
    }
}

extension GitHubSimulator {
    /// Wires a fleet as the setup guide describes: the platform's handler listening for `eventTypes`, each
    /// library's publish workflow dispatching the first type, each application's CI dispatching the second
    /// (build completed) and third (build failed), all with `secrets.<secret>`. Names are `name` (under
    /// `owner`) or `owner/name`; repositories not in the simulator yet are added.
    public func wireFleetAsGuideDescribes(
        owner: String, libraries: [String], applications: [String], platform: String,
        eventTypes: [String] = ["dependency_updated", "build_completed", "build_failed"], secret: String = "PAT_TOKEN",
        handlerPath: String = ".github/workflows/handle-events.yml",
        libraryWorkflowPath: String = ".github/workflows/publish.yml",
        applicationWorkflowPath: String = ".github/workflows/ci.yml"
    ) {
        let full = { (name: String) in name.contains("/") ? name : "\(owner)/\(name)" }
        let platformName = full(platform)
        for name in libraries + applications + [platform] where repository(full(name)) == nil {
            addRepository(full(name))
        }
        let type = { (index: Int) in eventTypes.isEmpty ? "dependency_updated" : eventTypes[index % eventTypes.count] }
        setFile(handlerPath, content: GuideWorkflows.handler(eventTypes: eventTypes), in: platformName)
        for library in libraries {
            setFile(libraryWorkflowPath, content: GuideWorkflows.libraryPublish(platform: platformName, eventType: type(0), secret: secret),
                    in: full(library))
        }
        for application in applications {
            setFile(applicationWorkflowPath,
                    content: GuideWorkflows.applicationCI(platform: platformName, completed: type(1), failed: type(2), secret: secret),
                    in: full(application))
        }
    }
}
