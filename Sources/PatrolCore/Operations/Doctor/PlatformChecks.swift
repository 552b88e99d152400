import FoundationEssentials
import PatrolSupport
import PatrolSecrets
import PatrolGitHub

/// `platform.access`, `platform.handler`, `platform.handler.state`, `platform.handler.types`, `platform.events`.
extension DoctorRun {
    /// What the platform checks found, for the live test and `platform.events`.
    package struct PlatformFindings: Sendable {
        package let defaultBranch: String
        /// The handler's file name, which the workflows API takes as its id.
        package let handlerFile: String
        /// Access, handler, state and types all passed: a test event can start a run.
        package let ready: Bool

        package init(defaultBranch: String, handlerFile: String, ready: Bool) {
            self.defaultBranch = defaultBranch
            self.handlerFile = handlerFile
            self.ready = ready
        }
    }

    package var handlerPath: String { config.platform.handlerWorkflow }
    package var handlerFile: String { String(handlerPath.split(separator: "/").last ?? Substring(handlerPath)) }

    /// The platform's checks but `platform.events`; nil when the handler cannot be looked at.
    package func checkPlatform(kind: TokenKind, login: String) async -> PlatformFindings? {
        let later = [CheckID.platformHandler, CheckID.platformHandlerState, CheckID.platformHandlerTypes, CheckID.platformEvents, CheckID.dispatchLive]
        guard let result = await lockout.call({ try await client.repository(platform) }) else { return nil }
        let info: RepositoryInfo
        switch result {
        case .success(let found): info = found
        case .failure(let error as GitHubError) where error.ssoURL != nil:
            noteSSO(error, repository: platform, checks: [CheckID.platformAccess] + later)
            return nil
        case .failure(let error):
            if lockout.error != nil { return nil }
            let missing = (error as? GitHubError)?.status == 404
            book.fail(CheckID.platformAccess, missing
                        ? "GET /repos/\(platform.fullName) answered 404: it does not exist, or \(login) cannot see it — guide: \"Ensure PAT_TOKEN belongs to account with repo access\""
                        : Self.describe(error),
                      fix: missing ? "check platform.repository in \(config.path), and give \(login) write access to \(platform.fullName)" : Self.fix(for: error))
            book.skip(later, because: "platform.access failed", fix: "fix platform.access first")
            return nil
        }

        let canDispatch = await checkPlatformAccess(info, kind: kind, login: login)
        if !canDispatch { book.skip([CheckID.dispatchLive], because: "platform.access failed", fix: "fix platform.access first") }

        // platform.handler: the file on the default branch.
        let branch = info.defaultBranch
        guard let fetched = await lockout.call({ try await client.fileText(handlerPath, in: platform, ref: branch) }) else { return nil }
        let text: String
        switch fetched {
        case .success(.some(let found)):
            text = found
            book.pass(CheckID.platformHandler, "\(handlerPath) is on the default branch \(branch)")
        case .success(.none):
            book.fail(CheckID.platformHandler, "\(handlerPath) is not on the default branch \(branch) — guide: \"Verify event handler workflow is on main branch\"; GitHub starts repository_dispatch workflows only from the default branch",
                      fix: "merge \(handlerPath) into \(branch) of \(platform.fullName) (or check platform.handlerWorkflow in \(config.path))")
            book.skip(Array(later.dropFirst()), because: "platform.handler failed", fix: "fix platform.handler first")
            return nil
        case .failure(let error):
            noteMissingPermission(error, on: platform)
            book.fail(CheckID.platformHandler, "cannot read \(handlerPath): \(Self.describe(error))", fix: permissionFix(for: error, on: platform))
            book.skip(Array(later.dropFirst()), because: "platform.handler failed", fix: "fix platform.handler first")
            return nil
        }

        let active = await checkHandlerState()
        let listens = checkHandlerTypes(text, branch: branch)
        if !active || !listens {
            book.skip([CheckID.dispatchLive], because: active ? "platform.handler.types failed" : "platform.handler.state failed",
                      fix: active ? "fix platform.handler.types first" : "fix platform.handler.state first")
        }
        return PlatformFindings(defaultBranch: branch, handlerFile: handlerFile, ready: canDispatch && active && listens)
    }

    /// Push permission (classic) or Contents: write (fine-grained, probed with an empty dispatch that GitHub refuses).
    private func checkPlatformAccess(_ info: RepositoryInfo, kind: TokenKind, login: String) async -> Bool {
        let guide = "guide: \"Ensure PAT_TOKEN belongs to account with repo access\""
        if kind == .fineGrained {
            guard let probe = await lockout.call({ try await client.probeDispatch(to: platform) }) else { return false }
            switch probe {
            case .success(true):
                book.pass(CheckID.platformAccess, "Contents: write on \(platform.fullName) (probed: an empty dispatch refused with 422), so the token can dispatch to it")
                return true
            case .success(false):
                notes.state.withLock { $0.missingPermissions.append("contents=write on \(platform.fullName)") }
                book.fail(CheckID.platformAccess, "the token cannot dispatch to \(platform.fullName): a test dispatch answered 403 (GitHub asks for contents=write) — \(guide)",
                          fix: "give the token Contents: Read and write on \(platform.fullName) at \(webHostPage("/settings/personal-access-tokens"))")
                return false
            case .failure(let error):
                book.fail(CheckID.platformAccess, "the dispatch probe failed: \(Self.describe(error))", fix: Self.fix(for: error))
                return false
            }
        }
        if info.push {
            book.pass(CheckID.platformAccess, "\(login) can push to \(platform.fullName), so the token can dispatch to it")
            return true
        }
        book.fail(CheckID.platformAccess, "\(login) can only read \(platform.fullName); sending repository_dispatch events needs push (write) access — \(guide)",
                  fix: "give \(login) write access to \(platform.fullName) (Settings → Collaborators and teams), or make the token on an account that has it")
        return false
    }

    /// `platform.handler.state`: `active`, not `disabled_manually` / `disabled_inactivity`.
    private func checkHandlerState() async -> Bool {
        guard let result = await lockout.call({ try await client.workflow(handlerFile, in: platform) }) else { return false }
        let enable = "enable it: `gh workflow enable \(handlerFile) --repo \(platform.fullName)`, or \(webPage(platform, "/actions/workflows/\(handlerFile)")) → Enable workflow"
        switch result {
        case .success(.some(let workflow)) where workflow.state == "active":
            book.pass(CheckID.platformHandlerState, "\"\(workflow.name)\" is active")
            return true
        case .success(.some(let workflow)):
            let why = switch workflow.state {
            case "disabled_manually": "someone disabled it"
            case "disabled_inactivity": "GitHub disabled it after 60 days without activity"
            case "disabled_fork": "workflows of forks are disabled until enabled"
            default: "it starts nothing in this state"
            }
            book.fail(CheckID.platformHandlerState, "\"\(workflow.name)\" is \(workflow.state): \(why); events are accepted and start nothing",
                      fix: workflow.state == "deleted" ? "restore \(handlerPath) on the default branch" : enable)
            return false
        case .success(.none):
            book.fail(CheckID.platformHandlerState, "GitHub knows no workflow \(handlerFile) in \(platform.fullName)",
                      fix: "push \(handlerPath) to the default branch; GitHub registers workflows from there")
            return false
        case .failure(let error):
            noteMissingPermission(error, on: platform)
            book.fail(CheckID.platformHandlerState, "cannot read the workflow's state: \(Self.describe(error))",
                      fix: permissionFix(for: error, on: platform))
            return false
        }
    }

    /// `platform.handler.types`: `on.repository_dispatch.types` covers every configured event type.
    private func checkHandlerTypes(_ text: String, branch: String) -> Bool {
        let wanted = config.platform.eventTypes
        let location = "\(handlerPath) on \(branch)"
        let trigger: RepositoryDispatchTrigger
        let workflow: Workflow
        do {
            workflow = try Workflow(text: text)
            trigger = try workflow.repositoryDispatch()
        } catch {
            book.fail(CheckID.platformHandlerTypes, "\(handlerFile): \(error) — guide: \"Look for syntax errors in handle-events.yml\"; GitHub runs no workflow it cannot parse",
                      fix: "fix line \(error.line) of \(location), then run `patrol doctor` again")
            return false
        }
        switch trigger {
        case .absent:
            book.fail(CheckID.platformHandlerTypes, "\(handlerFile) does not listen for repository_dispatch (no `repository_dispatch` under `on:`)",
                      fix: "add to \(location): `on: { repository_dispatch: { types: [\(wanted.joined(separator: ", "))] } }`")
            return false
        case .anyType(let line):
            book.pass(CheckID.platformHandlerTypes, "repository_dispatch with no `types:` (line \(line)): every event type starts it")
            return true
        case .misspeltTypes(let key, let line):
            book.fail(CheckID.platformHandlerTypes, "line \(line): `\(workflow.line(line).trimmingSpaces())` — `\(key):` is not a key GitHub reads under repository_dispatch (it wants `types:`), so no event type starts the workflow",
                      fix: "change `\(key):` to `types:` at line \(line) of \(location)")
            return false
        case .types(let entries):
            let names = entries.map(\.name)
            let missing = wanted.filter { !names.contains($0) }
            let line = entries.first?.line ?? 0
            guard missing.isEmpty else {
                let typos = missing.compactMap { type in
                    Suggestion.closest(to: type, among: names.filter { !wanted.contains($0) }).map { typo in
                        "`\(typo)` at line \(entries.first { $0.name == typo }!.line) looks like a typo of \(type)"
                    }
                }
                book.fail(CheckID.platformHandlerTypes, "types [\(names.joined(separator: ", "))] (line \(line)) do not include \(missing.joined(separator: ", "))"
                            + (typos.isEmpty ? "" : "; " + typos.joined(separator: "; ")) + " — guide: \"Check repository_dispatch types match\"",
                          fix: "list \(missing.joined(separator: ", ")) under `types:` at line \(line) of \(location)")
                return false
            }
            book.pass(CheckID.platformHandlerTypes, "types cover \(wanted.joined(separator: ", ")) (line \(line))")
            return true
        }
    }

    /// `platform.events`: recent `repository_dispatch` runs and the last one's conclusion (guide: "Check c3-platform workflow runs").
    package func checkEvents(_ findings: PlatformFindings, probeRun: Int?) async {
        guard let result = await lockout.call({
            try await client.workflowRuns(findings.handlerFile, in: platform, event: "repository_dispatch", perPage: 10)
        }) else { return }
        let runsPage = webPage(platform, "/actions/workflows/\(findings.handlerFile)")
        switch result {
        case .success(let runs):
            guard let last = runs.first else {
                book.warn(CheckID.platformEvents, "no repository_dispatch runs of \(findings.handlerFile) yet (a new setup?) — guide: \"Check c3-platform workflow runs\"",
                          fix: "send a test event with `patrol doctor --send-test-event`, then look at \(runsPage)")
                return
            }
            let title = (last.displayTitle.map { "\"\($0)\"" } ?? "#\(last.id)") + (last.id == probeRun ? ", patrol's test event" : "")
            let when = last.createdAt.map { " at \(ISO8601.format($0))" } ?? ""
            let count = "\(runs.count)\(runs.count == 10 ? "+" : "") recent run\(runs.count == 1 ? "" : "s")"
            switch last.conclusion {
            case "success":
                book.pass(CheckID.platformEvents, "\(count); the last (\(title)\(when)) succeeded")
            case .some(let conclusion):
                book.warn(CheckID.platformEvents, "\(count); the last (\(title)\(when)) concluded \(conclusion): \(last.htmlURL ?? runsPage)",
                          fix: "open \(last.htmlURL ?? runsPage) to see why the handler failed")
            case .none:
                book.pass(CheckID.platformEvents, "\(count); the last (\(title)\(when)) is \(last.status ?? "queued")")
            }
        case .failure(let error):
            noteMissingPermission(error, on: platform)
            book.fail(CheckID.platformEvents, "cannot list the handler's runs: \(Self.describe(error))",
                      fix: permissionFix(for: error, on: platform))
        }
    }
}
