/// Realistic workflow files, kept as string literals so the test target needs no resources.
enum WorkflowCorpus {
    /// A handler in block style, with comments, quoted types and a block-scalar script full of colons.
    static let handlerBlock = #"""
    # Receives the fleet's events
    name: "Handle Events"

    'on':
      repository_dispatch:   # from the libraries and applications
        types:
          - dependency_updated
          - "build_completed"
          - 'build_failed'   # failures too
      workflow_dispatch: {}

    jobs:
      handle:
        runs-on: ubuntu-latest
        steps:
          - name: Process
            run: |
              echo "event: ${{ github.event.action }}"
              # not a comment for YAML: part of the script
              node scripts/process-event.js --mode: dry
          - uses: actions/checkout@v4
    """#

    /// `on:` as a single string: every type starts it.
    static let onString = """
    name: Any event
    on: repository_dispatch
    jobs: {}
    """

    /// `on:` as a flow list.
    static let onFlowList = """
    on: [push, "repository_dispatch"]
    """

    /// `on:` as a block list without repository_dispatch.
    static let onBlockListWithoutDispatch = """
    on:
      - push
      - pull_request
    """

    /// `types:` as a single string, and a flow list spread over three lines.
    static let typesSingle = """
    on:
      repository_dispatch:
        types: dependency_updated
    """
    static let typesMultilineFlow = """
    on:
      repository_dispatch:
        types: [
          dependency_updated,
          build_completed  # trailing comment
        ]
      push:
        branches: [main]
    """

    /// An application's CI with two dispatch steps, one of them with a folded `if:` over two lines.
    static let applicationCI = #"""
    name: CI
    on:
      push:
        branches: [main]
    jobs:
      build:
        runs-on: ubuntu-latest
        steps:
          - run: npm test
          - name: Notify (completed)
            if: success() &&
              github.ref == 'refs/heads/main'
            uses: peter-evans/repository-dispatch@v2
            with:
              token: ${{ secrets.PAT_TOKEN }}
              repository: garrick0/c3-platform
              event-type: build_completed
              client-payload: |
                {"repo": "${{ github.repository }}", "sha": "${{ github.sha }}"}
          -   name: Notify (failed)
              if: failure()
              uses: "peter-evans/repository-dispatch@v3"
              with: {token: "${{ secrets.PAT_TOKEN }}", repository: garrick0/c3-platform, event-type: build_failed}
    """#

    // MARK: Broken files

    static let tabIndented = "on:\n  repository_dispatch:\n\ttypes: [a]\n"
    static let unclosedFlowList = """
    name: Handle Events
    on:
      repository_dispatch:
        types: [dependency_updated, build_completed
    jobs: {}
    """
    static let strayIndentation = """
    on:
      repository_dispatch:
        types: [a]
       push: {}
    """
    static let unclosedQuote = """
    on:
      repository_dispatch:
        types: ["dependency_updated]
    """
    static let colonInPlainValue = """
    jobs:
      build:
        steps:
          - run: echo "version: 1"
    """
    static let duplicateKey = """
    on: push
    name: a
    on: repository_dispatch
    """
    static let missingColon = """
    on:
      repository_dispatch:
        types [dependency_updated]
    """
    static let typeTypo = """
    on:
      repository_dispatch:
        type: [dependency_updated]
    """
    static let unknownEvent = """
    on:
      repository_dispatch:
      types: [dependency_updated]
    """
    static let anchors = """
    on: &trigger
      repository_dispatch:
    """
}
