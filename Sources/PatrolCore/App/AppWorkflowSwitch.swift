
/// Switches a dispatching workflow from the fleet's token secret to the App (spec §10, docs/github-app.md "the workflow
/// change"): each `token: ${{ secrets.PAT_TOKEN }}` of a dispatch becomes `${{ steps.app-token.outputs.token }}`, and a
/// step `app-token` (`actions/create-github-app-token` reading the App's variable and secret, its token limited to the
/// platform repository) goes before the first dispatch of each job. `patrol demo` migrates its fleet with it.
package enum AppWorkflowSwitch {
    /// The step id the dispatches take their token from.
    package static let stepID = "app-token"

    /// `text` switched to the App, or nil when no dispatch there reads `secrets.<secret>`.
    package static func switched(_ text: String, secret: String, names: AppCredentialNames, owner: String, platform: String) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let tokenLine = "token: ${{ secrets.\(secret) }}"
        guard lines.contains(where: { $0.trimmingSpaces() == tokenLine }) else { return nil }
        var out: [String] = []
        var stepStart: Int?
        var insertedInJob = false
        for line in lines {
            let trimmed = line.trimmingSpaces()
            let indent = line.prefix { $0 == " " }.count
            if indent == 2, trimmed.hasSuffix(":"), !trimmed.hasPrefix("-") { insertedInJob = false }  // a new job
            if trimmed.hasPrefix("- ") { stepStart = out.count }
            if trimmed.hasPrefix("uses: peter-evans/repository-dispatch@"), !insertedInJob, let start = stepStart {
                let stepIndent = String(repeating: " ", count: out[start].prefix { $0 == " " }.count)
                let step = [
                    "- name: Make a token as the App",
                    "  id: \(stepID)",
                    "  if: always()",
                    "  uses: actions/create-github-app-token@v2",
                    "  with:",
                    "    app-id: ${{ vars.\(names.variable) }}",
                    "    private-key: ${{ secrets.\(names.secret) }}",
                    "    owner: \(owner)",
                    "    repositories: \(platform)",
                    "",
                ].map { $0.isEmpty ? "" : stepIndent + $0 }
                out.insert(contentsOf: step, at: start)
                insertedInJob = true
            }
            if trimmed == tokenLine {
                out.append(String(repeating: " ", count: indent) + "token: ${{ steps.\(stepID).outputs.token }}")
            } else {
                out.append(line)
            }
        }
        return out.joined(separator: "\n")
    }
}
