import FoundationEssentials
import PatrolSupport
import PatrolGitHub

/// `dispatch.target` per library and application, and `dispatch.live`.
extension DoctorRun {
    /// The repository's workflow dispatches to the platform, with a known event type, using `secrets.<secret>`
    /// (guide: "Verify repository name in dispatch call"). A problem names the exact line.
    package func checkDispatchTarget(_ repository: RepositoryName, info: RepositoryInfo) async {
        guard let path = config.workflowPath(of: repository) else { return }
        let branch = info.defaultBranch
        let location = "\(path) of \(repository.fullName)"
        let step = "uses: peter-evans/repository-dispatch@v2 with token: ${{ secrets.\(config.secret) }}, repository: \(platform.fullName)"
        guard let result = await lockout.call({ try await client.fileText(path, in: repository, ref: branch) }) else { return }
        let text: String
        switch result {
        case .success(.some(let found)): text = found
        case .success(.none):
            book.fail(CheckID.dispatchTarget, repository, "\(path) is not on the default branch \(branch), so it never notifies the platform",
                      fix: "add the guide's notification step (\(step)) to \(path) on \(branch)")
            return
        case .failure(let error):
            noteMissingPermission(error, on: repository)
            book.fail(CheckID.dispatchTarget, repository, "cannot read \(path): \(Self.describe(error))", fix: permissionFix(for: error, on: repository))
            return
        }
        let workflow: Workflow
        let steps: [DispatchStep]
        do {
            workflow = try Workflow(text: text)
            steps = try workflow.dispatchSteps()
        } catch {
            book.fail(CheckID.dispatchTarget, repository, "\(path): \(error)", fix: "fix line \(error.line) of \(location)")
            return
        }
        guard !steps.isEmpty else {
            book.fail(CheckID.dispatchTarget, repository, "\(path) has no peter-evans/repository-dispatch step, so it never notifies the platform",
                      fix: "add the guide's notification step (\(step)) to \(location)")
            return
        }
        var warnings: [(String, String)] = []
        for dispatch in steps {
            switch problem(in: dispatch, workflow: workflow, repository: repository, location: location) {
            case .none: continue
            case .warn(let detail, let fix): warnings.append((detail, fix))
            case .fail(let detail, let fix):
                book.fail(CheckID.dispatchTarget, repository, "\(path) " + detail, fix: fix)
                return
            }
        }
        if let (detail, fix) = warnings.first {
            book.warn(CheckID.dispatchTarget, repository, "\(path) " + detail, fix: fix)
            return
        }
        let types = steps.compactMap { $0.input("event-type")?.value }.uniqued()
        let usesApp = steps.contains { $0.input("token").flatMap { AppTokenStep.stepID(in: $0.value) } != nil }
        // With an App in the config, a step still on the PAT passes, with the news that the App could replace it (spec §10).
        let credential = usesApp ? "the App's token (actions/create-github-app-token; the App needs Contents: write on \(platform.fullName))"
            : "secrets.\(config.secret)" + (config.app != nil ? "; the config's GitHub App is available to replace it (docs/github-app.md)" : "")
        book.pass(CheckID.dispatchTarget, repository,
                  "\(path): \(steps.count) dispatch step\(steps.count == 1 ? " sends" : "s send") \(types.joined(separator: ", ")) to \(platform.fullName) with \(credential) (line\(steps.count == 1 ? "" : "s") \(steps.map { String($0.line) }.joined(separator: ", ")))")
    }

    private enum StepProblem {
        case none
        case warn(String, String)
        case fail(String, String)
    }

    /// The first thing wrong with one dispatch step.
    private func problem(in step: DispatchStep, workflow: Workflow, repository: RepositoryName, location: String) -> StepProblem {
        func quote(_ line: Int) -> String { "line \(line): `\(workflow.line(line).trimmingSpaces())`" }
        for input in step.inputs where !Workflow.dispatchInputs.contains(input.key) {
            let hint = Suggestion.closest(to: input.key, among: Workflow.dispatchInputs).map { " (did you mean `\($0)`?)" } ?? ""
            return .fail("\(quote(input.line)) — `\(input.key)` is not an input of peter-evans/repository-dispatch\(hint)",
                         "change line \(input.line) of \(location)" + (hint.isEmpty ? "" : " to use `\(Suggestion.closest(to: input.key, among: Workflow.dispatchInputs)!)`"))
        }

        guard let target = step.input("repository") else {
            return .fail("line \(step.line): the dispatch step sets no `repository:`, so it dispatches to \(repository.fullName) itself",
                         "add `repository: \(platform.fullName)` to the step's `with:` (line \(step.line) of \(location))")
        }
        if Self.isExpression(target.value) {
            return .warn("\(quote(target.line)) — an expression patrol cannot check; it must come to \(platform.fullName)",
                         "write `repository: \(platform.fullName)` at line \(target.line) of \(location)")
        }
        if target.value.lowercased() != platform.fullName.lowercased() {
            return .fail("\(quote(target.line)) — dispatches to \(target.value), not \(platform.fullName) (guide: \"Verify repository name in dispatch call\")",
                         "change line \(target.line) of \(location) to `repository: \(platform.fullName)`")
        }

        let known = config.platform.eventTypes
        guard let type = step.input("event-type") else {
            return .fail("line \(step.line): the dispatch step sets no `event-type:`",
                         "add `event-type: \(known.first ?? "dependency_updated")` to the step (line \(step.line) of \(location))")
        }
        if Self.isExpression(type.value) {
            return .warn("\(quote(type.line)) — an expression patrol cannot check against \(known.joined(separator: ", "))",
                         "write one of \(known.joined(separator: ", ")) at line \(type.line) of \(location)")
        }
        if !known.contains(type.value) {
            let hint = Suggestion.closest(to: type.value, among: known).map { " (did you mean \($0)?)" } ?? ""
            return .fail("\(quote(type.line)) — `\(type.value)` is not an event type the platform handles (\(known.joined(separator: ", ")))\(hint)",
                         "change line \(type.line) of \(location) to one of \(known.joined(separator: ", ")), or add it to platform.eventTypes and the handler's `types:`")
        }

        guard let credential = step.input("token") else {
            return .fail("line \(step.line): the dispatch step sets no `token:`, so it uses GITHUB_TOKEN, which cannot dispatch to another repository",
                         "add `token: ${{ secrets.\(config.secret) }}` to the step (line \(step.line) of \(location))")
        }
        // A token made by actions/create-github-app-token from the App's credentials (`App/AppTokenStep.swift`).
        if let id = AppTokenStep.stepID(in: credential.value) {
            guard let found = AppTokenStep.problem(stepID: id, in: workflow, platform: platform, location: location, names: config.appNames) else { return .none }
            return found.fails ? .fail(found.detail, found.fix) : .warn(found.detail, found.fix)
        }
        guard let secret = Self.secretName(in: credential.value) else {
            return .warn("\(quote(credential.line)) — patrol cannot tell which secret this is",
                         "write `token: ${{ secrets.\(config.secret) }}` at line \(credential.line) of \(location)")
        }
        if secret.uppercased() == "GITHUB_TOKEN" {
            return .fail("\(quote(credential.line)) — GITHUB_TOKEN cannot dispatch to another repository",
                         "change line \(credential.line) of \(location) to `token: ${{ secrets.\(config.secret) }}`")
        }
        if secret.uppercased() != config.secret.uppercased() {
            return .fail("\(quote(credential.line)) — uses secrets.\(secret), not secrets.\(config.secret), the secret patrol keeps",
                         "change line \(credential.line) of \(location) to `token: ${{ secrets.\(config.secret) }}`")
        }
        return .none
    }

    package static func isExpression(_ value: String) -> Bool { value.contains("${{") }

    /// `X` in `${{ secrets.X }}`, or nil for anything else.
    package static func secretName(in value: String) -> String? {
        let text = value.trimmingSpaces()
        guard text.hasPrefix("${{"), text.hasSuffix("}}") else { return nil }
        let inner = text.dropFirst(3).dropLast(2).trimmingSpaces()
        guard inner.hasPrefix("secrets.") else { return nil }
        let name = inner.dropFirst("secrets.".count)
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        return String(name)
    }

    /// `dispatch.live`: sends a probe event and waits for the handler's run. Returns the run's id.
    package func checkLive(_ findings: PlatformFindings) async -> Int? {
        guard findings.ready, book.result(CheckID.dispatchLive, nil) == nil else { return nil }
        let settings = doctor.settings
        let type = settings.eventType ?? config.platform.eventTypes.first ?? "dependency_updated"
        let file = findings.handlerFile
        let runsPage = webPage(platform, "/actions/workflows/\(file)")
        guard let before = await lockout.call({
            try await client.workflowRuns(file, in: platform, event: "repository_dispatch", perPage: 20)
        }) else { return nil }
        let seen = Set((try? before.get())?.map(\.id) ?? [])
        let nonce = doctor.makeNonce()
        let payload = JSONValue.object([
            ("repo", .string(platform.fullName)), ("version", "0.0.0-patrol-probe"), ("patrol_probe", .string(nonce)),
        ])
        guard let sent = await lockout.call({ try await client.dispatch(eventType: type, payload: payload, to: platform) }) else { return nil }
        let acceptedAt: Date?
        switch sent {
        case .success(let date): acceptedAt = date
        case .failure(let error):
            book.fail(CheckID.dispatchLive, "GitHub refused the test event \(type): \(Self.describe(error))", fix: Self.fix(for: error))
            return nil
        }

        let started = doctor.timing.now()
        while true {
            guard let polled = await lockout.call({
                try await client.workflowRuns(file, in: platform, event: "repository_dispatch", perPage: 20)
            }) else { return nil }
            let fresh = ((try? polled.get()) ?? []).filter { run in
                !seen.contains(run.id) && (acceptedAt == nil || run.createdAt == nil || run.createdAt! >= acceptedAt!.addingTimeInterval(-1))
            }
            if let run = fresh.first(where: { $0.displayTitle?.contains(nonce) == true }) ?? fresh.first {
                let waited = Int(doctor.timing.now().timeIntervalSince(started).rounded())
                let link = run.htmlURL ?? runsPage
                if let conclusion = run.conclusion, conclusion != "success" {
                    book.warn(CheckID.dispatchLive, "test event \(type) started run \(run.id) after \(waited) s, which concluded \(conclusion): \(link)",
                              fix: "open \(link) to see why the handler failed on the test payload")
                } else {
                    book.pass(CheckID.dispatchLive, "test event \(type) (patrol_probe \(nonce)) started run \(run.id) after \(waited) s: \(link)")
                }
                return run.id
            }
            if doctor.timing.now().timeIntervalSince(started) >= Double(settings.waitSeconds) { break }
            await doctor.timing.sleep(.seconds(1))
        }
        book.fail(CheckID.dispatchLive, "GitHub accepted the test event \(type) (204), but no run of \(file) appeared within \(settings.waitSeconds) s",
                  fix: "check that Actions is enabled for \(platform.fullName) (Settings → Actions → General) and look at \(runsPage); run again with a longer --wait if GitHub is slow")
        return nil
    }
}

extension Array where Element: Hashable {
    /// The elements in order, each once.
    package func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
