import FoundationEssentials
import PatrolSupport

/// The secrets endpoints of every kind (`SecretKind`): public key, list, get, put, delete. Each kind keeps its
/// own key pair; an organization secret also carries its `visibility` and selection (`OrganizationSecretRoutes`
/// serves the selection endpoints).
enum SecretRoutes {
    /// GitHub's cap on one secret value.
    static let maximumValueBytes = 48 * 1024

    /// `GET …/secrets/public-key`
    static func publicKey(_ state: inout SimulatorState, _ context: RouteContext, _ kind: SecretKind) -> GitHubResponse {
        let target: SimulatedTarget
        switch kind.target(state, context, need: .read) {
        case .failure(let error): return error.response
        case .success(let found): target = found
        }
        let newKeyID = state.makeKeyID()
        // The key answered is the one held before any rotation this fetch sets off.
        let answered = state.withStore(target) { store -> SecretStore in
            let before = store
            if store.rotateAfterNextKeyFetch {
                store.rotateKey(keyID: newKeyID)
            } else if store.rotationsAfterKeyFetches > 0 {
                store.rotationsAfterKeyFetches -= 1
                store.rotateKey(keyID: newKeyID)
            }
            return before
        }!
        let etag = "W/\"\(answered.keyID)\""
        if let presented = context.request.header("If-None-Match"),
           presented.split(separator: ",").contains(where: { $0.trimmingSpaces() == etag }) {
            return GitHubResponse(status: 304, body: nil).adding("etag", etag)
        }
        // Some Enterprise Server versions send `key_id` as an integer (PyGithub#1878).
        let keyID: Any = state.enterpriseVersion != nil ? (Int64(answered.keyID) ?? 0) as Any : answered.keyID
        return GitHubResponse.json(200, [
            "key_id": keyID,
            "key": SimulatorCrypto.encodeBase64(answered.keyPair.publicKey),
        ]).adding("etag", etag)
    }

    /// `GET …/secrets/{name}`
    static func get(_ state: inout SimulatorState, _ context: RouteContext, _ kind: SecretKind) -> GitHubResponse {
        let target: SimulatedTarget
        switch kind.target(state, context, need: .read) {
        case .failure(let error): return error.response
        case .success(let found): target = found
        }
        guard let secret = state.withStore(target, { $0.read(context.parameter("name").uppercased()) }) ?? nil else {
            return .notFound
        }
        return .json(200, summary(secret, target: target, state: state, context: context))
    }

    /// `GET …/secrets?per_page=N&page=P`
    static func list(_ state: inout SimulatorState, _ context: RouteContext, _ kind: SecretKind) -> GitHubResponse {
        let target: SimulatedTarget
        switch kind.target(state, context, need: .read) {
        case .failure(let error): return error.response
        case .success(let found): target = found
        }
        let all = state.withStore(target) { $0.readAll() } ?? []
        let pages = Pagination(context)
        let response = GitHubResponse.json(200, [
            "total_count": all.count,
            "secrets": pages.slice(all).map { summary($0, target: target, state: state, context: context) },
        ])
        return pages.linking(response, total: all.count, context: context)
    }

    /// `PUT …/secrets/{name}` with `{"encrypted_value", "key_id"}` (and for an organization secret `visibility`,
    /// required, and `selected_repository_ids`).
    ///
    /// The sealed box is opened with the place's own secret key; only a value that opens is stored.
    static func put(_ state: inout SimulatorState, _ context: RouteContext, _ kind: SecretKind) -> GitHubResponse {
        let target: SimulatedTarget
        switch kind.target(state, context, need: .write) {
        case .failure(let error): return error.response
        case .success(let found): target = found
        }
        let name = context.parameter("name")
        if let problem = nameProblem(name) { return .error(422, problem) }
        let stored = name.uppercased()

        guard let object = SimulatorJSON.value(context.request.body),
              let fields = object as? [String: Any]
        else { return .error(400, "Problems parsing JSON") }
        let store = state.store(target)!
        let exists = store.secrets[stored] != nil

        var access: OrganizationSecretReach?
        if kind == .organization {
            switch OrganizationSecretRoutes.access(in: fields, state: state, organization: target) {
            case .failure(let error): return error.response
            case .success(let found): access = found
            }
        }

        // An organization secret may be put without a value to change only its visibility (the value stays).
        let valueOptional = kind == .organization && exists
        // A client that echoes an Enterprise Server's integer `key_id` sends a number; both name the key.
        let keyID = (fields["key_id"] as? String) ?? (fields["key_id"] as? Int).map { String($0) } ?? (fields["key_id"] as? Double).map { "\($0)" }
        let encrypted = fields["encrypted_value"] as? String
        var plaintext: [UInt8]?
        if !(valueOptional && keyID == nil && encrypted == nil) {
            guard let keyID else { return .error(422, "Invalid request.\n\n\"key_id\" wasn't supplied.") }
            guard let encrypted else { return .error(422, "Invalid request.\n\n\"encrypted_value\" wasn't supplied.") }
            guard keyID == store.keyID else {
                return .error(422, "Bad request - key_id \(keyID) does not match the \(kind.placeName)'s current public key.")
            }
            guard let ciphertext = SimulatorCrypto.decodeBase64(encrypted),
                  let opened = SimulatorCrypto.open(ciphertext, with: store.keyPair)
            else { return .error(422, "Bad request - encrypted_value is not valid") }
            guard opened.count <= maximumValueBytes else {
                return .error(422, "Secret value exceeds the maximum size of 48 KB.")
            }
            guard exists || store.secrets.count < kind.maximumSecrets else {
                return .error(422, "Maximum number of secrets (\(kind.maximumSecrets)) reached for this \(kind.placeName).")
            }
            plaintext = opened
        }

        let created: Bool
        if let plaintext, let keyID {
            let lag = state.readLagReads
            let outcome = state.withStore(target) { $0.write(stored, plaintext: plaintext, keyID: keyID, now: context.now, lagReads: lag) }!
            if case .lost = outcome { return outcome.answersCreated ? .json(201, [String: String]()) : .noContent() }
            state.counters.uploads += 1
            created = outcome.answersCreated
        } else {
            // A visibility-only update still moves `updated_at`.
            state.withStore(target) { $0.secrets[stored]?.updatedAt = context.now }
            created = false
        }
        if let access, case .organization(let login) = target {
            state.organizations[login]?.access[stored] = access
        }
        return created ? .json(201, [String: String]()) : .noContent()
    }

    /// `DELETE …/secrets/{name}`
    static func delete(_ state: inout SimulatorState, _ context: RouteContext, _ kind: SecretKind) -> GitHubResponse {
        let target: SimulatedTarget
        switch kind.target(state, context, need: .write) {
        case .failure(let error): return error.response
        case .success(let found): target = found
        }
        let name = context.parameter("name").uppercased()
        guard state.withStore(target, { $0.secrets.removeValue(forKey: name) }) ?? nil != nil else { return .notFound }
        if case .organization(let login) = target { state.organizations[login]?.access[name] = nil }
        return .noContent()
    }

    /// Why GitHub would refuse `name`, or `nil` when it is a valid secret name.
    static func nameProblem(_ name: String) -> String? {
        let valid = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
        }
        guard valid, let first = name.unicodeScalars.first, !("0"..."9").contains(first) else {
            return "Secret names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_). "
                + "Spaces are not allowed. Must start with a letter ([a-z], [A-Z]) or underscores (_)."
        }
        if name.uppercased().hasPrefix("GITHUB_") {
            return "Secret names must not start with GITHUB_."
        }
        return nil
    }

    /// A secret as GitHub lists it; an organization secret adds `visibility` and, when `selected`,
    /// `selected_repositories_url`.
    static func summary(_ secret: StoredSecret, target: SimulatedTarget, state: SimulatorState, context: RouteContext) -> [String: Any] {
        var fields: [String: Any] = [
            "name": secret.name,
            "created_at": SimulatorTime.iso8601(secret.createdAt),
            "updated_at": SimulatorTime.iso8601(secret.updatedAt),
        ]
        if case .organization(let login) = target, let organization = state.organizations[login] {
            let access = organization.access[secret.name] ?? OrganizationSecretReach(visibility: .private)
            fields["visibility"] = access.visibility.rawValue
            if access.visibility == .selected {
                fields["selected_repositories_url"] =
                    "\(context.baseURL)/orgs/\(organization.login)/actions/secrets/\(secret.name)/repositories"
            }
        }
        return fields
    }
}
