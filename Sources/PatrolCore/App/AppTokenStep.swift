import PatrolGitHub
/// A dispatch step whose token comes from `actions/create-github-app-token` (`token: ${{ steps.ID.outputs.token }}`),
/// as doctor's `dispatch.target` judges it (spec §10): the step `ID` must exist, use that action, and take the
/// App's id from `vars.APP_ID` and its key from `secrets.APP_PRIVATE_KEY` (what `patrol app rollout` puts there, or the
/// config's `app.variable` and `app.secret`);
/// a token limited to other repositories cannot dispatch to the platform.
enum AppTokenStep {
    static let action = "actions/create-github-app-token"

    /// `ID` in `${{ steps.ID.outputs.token }}`, or nil for anything else.
    static func stepID(in value: String) -> String? {
        let text = value.trimmingSpaces()
        guard text.hasPrefix("${{"), text.hasSuffix("}}") else { return nil }
        let inner = text.dropFirst(3).dropLast(2).trimmingSpaces()
        let parts = inner.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "steps", parts[2] == "outputs", parts[3] == "token", !parts[1].isEmpty else { return nil }
        return String(parts[1])
    }

    /// What is wrong with the App-token step a dispatch's `token:` names, or nil when it is right.
    /// Returns `(fails, detail, fix)`: `fails` false is a warning.
    static func problem(stepID id: String, in workflow: Workflow, platform: RepositoryName, location: String,
                        names: AppCredentialNames = .standard) -> (fails: Bool, detail: String, fix: String)? {
        let variable = "${{ vars.\(names.variable) }}", secret = "${{ secrets.\(names.secret) }}"
        let example = "uses: \(action)@<SHA> with app-id: \(variable), private-key: \(secret)"
        guard let step = try? workflow.step(id: id) else {
            return (true, "the dispatch takes its token from step `\(id)`, which is not in the workflow",
                    "add a step with `id: \(id)` (\(example)) before the dispatch in \(location)")
        }
        guard step.uses.lowercased().hasPrefix(action + "@") else {
            return (true, "line \(step.line): step `\(id)` uses \(step.uses), not \(action)", "make step `\(id)` in \(location): \(example)")
        }
        let appID = step.input("app-id") ?? step.input("app_id") ?? step.input("client-id")
        guard let appID else {
            return (true, "line \(step.line): step `\(id)` sets no `app-id:`", "add `app-id: \(variable)` to step `\(id)` in \(location)")
        }
        guard let key = step.input("private-key") ?? step.input("private_key") else {
            return (true, "line \(step.line): step `\(id)` sets no `private-key:`",
                    "add `private-key: \(secret)` to step `\(id)` in \(location)")
        }
        if let owner = step.input("owner")?.value, !owner.contains("${{"), owner.lowercased() != platform.owner.lowercased() {
            return (true, "line \(step.line): step `\(id)` makes a token for `\(owner)`, not \(platform.owner), so it cannot dispatch to \(platform.fullName)",
                    "set `owner: \(platform.owner)` in step `\(id)` of \(location)")
        }
        if let repositories = step.input("repositories")?.value, !repositories.contains("${{") {
            let names = repositories.split(whereSeparator: { $0 == "," || $0 == "\n" || $0 == " " }).map { $0.lowercased() }
            if !names.isEmpty, !names.contains(platform.name.lowercased()), !names.contains(platform.fullName.lowercased()) {
                return (true, "line \(step.line): step `\(id)` limits its token to \(repositories), which leaves out \(platform.fullName)",
                        "add \(platform.name) to `repositories:` of step `\(id)` in \(location)")
            }
        }
        // GitHub's variable and secret names are case-insensitive.
        let squeezed = { (text: String) in text.filter { !$0.isWhitespace }.uppercased() }
        if squeezed(appID.value) != squeezed(variable) || squeezed(key.value) != squeezed(secret) {
            return (false, "line \(step.line): step `\(id)` reads the App from \(appID.value) and \(key.value), not vars.\(names.variable) and secrets.\(names.secret), which patrol app rollout keeps",
                    "use `app-id: \(variable)` and `private-key: \(secret)` in step `\(id)` of \(location)")
        }
        return nil
    }
}

extension Workflow {
    /// The step with `id: ID` in any job, with its `uses:` and `with:` inputs (nil when no step has that id).
    func step(id: String) throws(WorkflowReadError) -> DispatchStep? {
        guard let jobs = root["jobs"], let jobEntries = jobs.value.entries else { return nil }
        for job in jobEntries {
            guard let items = job.value["steps"]?.value.items else { continue }
            for step in items where step["id"]?.value.scalar == id {
                guard let uses = step["uses"], let action = uses.value.scalar else {
                    return DispatchStep(uses: "", line: step["id"]?.line ?? 0, name: step["name"]?.value.scalar, inputs: [])
                }
                var inputs: [DispatchInput] = []
                for entry in step["with"]?.value.entries ?? [] {
                    guard let value = entry.value.scalar else { continue }
                    inputs.append(DispatchInput(key: entry.key, value: value, line: entry.line))
                }
                return DispatchStep(uses: action, line: uses.line, name: step["name"]?.value.scalar, inputs: inputs)
            }
        }
        return nil
    }
}
