import FoundationEssentials

/// `POST /app/installations/{id}/access_tokens`: an installation token, optionally narrowed to some of the
/// installation's repositories and permissions, living `AppsState.tokenLifetime` (an hour on GitHub).
enum InstallationTokens {
    static let notAccessible = "There is at least one repository that does not exist or is not accessible to the parent installation."
    static let notGranted = "The permissions requested are not granted to this installation."

    static func create(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        guard let appID = context.app else { return AppRoutes.needsJWT }
        guard let id = Int(context.parameter("id")), let installation = state.apps.installations[id], installation.appID == appID else {
            return .notFound
        }
        var body: [String: Any] = [:]
        if !context.request.body.isEmpty {
            guard let parsed = SimulatorJSON.object(context.request.body) else {
                return .error(400, "Problems parsing JSON")
            }
            body = parsed
        }
        let installed = Set(state.repositories.keys.filter { installation.covers($0) })
        var selected = installed
        var narrowed = false
        if let names = body["repositories"] as? [String] {
            let keys = Set(names.map { "\(installation.account)/\($0)".lowercased() })
            guard keys.isSubset(of: installed) else { return .error(422, notAccessible) }
            selected = keys
            narrowed = true
        }
        if let ids = body["repository_ids"] as? [Int] {
            let keys = Set(state.repositories.filter { ids.contains($0.value.id) }.keys)
            guard keys.count == Set(ids).count, keys.isSubset(of: installed) else { return .error(422, notAccessible) }
            selected = narrowed ? selected.union(keys) : keys
            narrowed = true
        }
        var permissions = installation.permissions
        if let requested = body["permissions"] as? [String: String] {
            for (name, level) in requested where AppsState.level(level) > AppsState.level(installation.permissions[name]) {
                return .error(422, notGranted)
            }
            permissions = requested
            permissions["metadata"] = "read"
        }
        let app = state.apps.apps[appID]
        let token = mint(&state)
        let expiresAt = context.now.addingTimeInterval(state.apps.tokenLifetime)
        var record = TokenRecord(
            token: token, login: "\(app?.slug ?? "app")[bot]", userID: state.userID(for: "\(app?.slug ?? "app")[bot]"),
            kind: .fineGrained, scopes: [], expiresAt: expiresAt, accountType: "Bot", expirationFormat: .utc
        )
        record.installationID = installation.id
        record.installationSelection = narrowed || installation.repositories != nil ? "selected" : "all"
        // Every repository the simulator holds gets an explicit answer, so nothing falls back to a repository default.
        for key in state.repositories.keys {
            guard selected.contains(key) else {
                record.permissions[key] = Permission.none
                record.areaPermissions[key] = [:]
                continue
            }
            record.permissions[key] = AppsState.level(permissions["secrets"])
            var areas: [String: Permission] = [:]
            for area in FineGrainedArea.allCases where area != .secrets {
                areas[area.rawValue] = AppsState.level(permissions[area.rawValue])
            }
            areas[FineGrainedArea.metadata.rawValue] = .read
            record.areaPermissions[key] = areas
        }
        if installation.targetType == "Organization" {
            record.organizationSecretsPermissions[installation.account.lowercased()] = AppsState.level(permissions["organization_secrets"])
            record.organizationVariablesPermissions[installation.account.lowercased()] =
                AppsState.level(permissions["organization_actions_variables"])
        }
        state.tokens[token] = record
        state.apps.tokensMinted += 1
        var answer: [String: Any] = [
            "token": token,
            "expires_at": SimulatorTime.iso8601(expiresAt),
            "permissions": permissions,
            "repository_selection": record.installationSelection ?? "all",
        ]
        if narrowed {
            answer["repositories"] = selected.sorted().compactMap { state.repositories[$0] }
                .map { ["id": $0.id, "name": String($0.fullName.split(separator: "/").last ?? ""), "full_name": $0.fullName] }
        }
        return .json(201, answer)
    }

    private static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// A `ghs_` token in the shape GitHub uses since 2026: about 520 characters with dots, beginning with the marker.
    static func mint(_ state: inout SimulatorState) -> String {
        var token: String
        repeat {
            let groups = (0..<4).map { _ in String((0..<128).map { _ in base62[Int(state.random.next() % 62)] }) }
            token = "ghs_" + state.tokenMarker + groups.joined(separator: ".")
        } while state.tokens[token] != nil
        return token
    }
}
