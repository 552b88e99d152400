import Foundation

/// The repository Actions secrets endpoints.
enum SecretRoutes {
    /// GitHub's cap on one secret value.
    static let maximumValueBytes = 48 * 1024
    /// GitHub's cap on secrets per repository.
    static let maximumSecrets = 100

    /// `GET /repos/{owner}/{repo}/actions/secrets/public-key`
    static func publicKey(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        switch RepositoryAccess.check(state, context, need: .read) {
        case .failure(let error):
            return error.response
        case .success(let key):
            let repository = state.repositories[key]!
            if repository.rotateAfterNextKeyFetch {
                state.repositories[key]!.rotateKey(keyID: state.makeKeyID())
            } else if repository.rotationsAfterKeyFetches > 0 {
                state.repositories[key]!.rotationsAfterKeyFetches -= 1
                state.repositories[key]!.rotateKey(keyID: state.makeKeyID())
            }
            let etag = "W/\"\(repository.keyID)\""
            if let presented = context.request.header("If-None-Match"),
               presented.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag }) {
                return GitHubResponse(status: 304, body: nil).adding("etag", etag)
            }
            // Some Enterprise Server versions send `key_id` as an integer (PyGithub#1878).
            let keyID: Any = state.enterpriseVersion != nil ? (Int64(repository.keyID) ?? 0) as Any : repository.keyID
            return GitHubResponse.json(200, [
                "key_id": keyID,
                "key": SimulatorCrypto.encodeBase64(repository.keyPair.publicKey),
            ]).adding("etag", etag)
        }
    }

    /// `GET /repos/{owner}/{repo}/actions/secrets/{name}`
    static func get(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        switch RepositoryAccess.check(state, context, need: .read) {
        case .failure(let error):
            return error.response
        case .success(let key):
            guard let secret = state.repositories[key]!.read(context.parameter("name").uppercased()) else {
                return .notFound
            }
            return .json(200, summary(secret))
        }
    }

    /// `GET /repos/{owner}/{repo}/actions/secrets?per_page=N&page=P`
    static func list(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        switch RepositoryAccess.check(state, context, need: .read) {
        case .failure(let error):
            return error.response
        case .success(let key):
            let names = state.repositories[key]!.secrets.keys.sorted()
                + state.repositories[key]!.laggingReads.keys.filter { state.repositories[key]!.secrets[$0] == nil }.sorted()
            let all = names.compactMap { state.repositories[key]!.read($0) }.sorted { $0.name < $1.name }
            let query = context.request.query
            let perPage = min(100, max(1, query["per_page"].flatMap { Int($0) } ?? 30))
            let page = max(1, query["page"].flatMap { Int($0) } ?? 1)
            let lastPage = max(1, (all.count + perPage - 1) / perPage)
            let start = min(all.count, (page - 1) * perPage)
            let slice = all[start..<min(all.count, start + perPage)]
            var response = GitHubResponse.json(200, [
                "total_count": all.count,
                "secrets": slice.map(summary),
            ])
            if lastPage > 1 {
                let base = "\(context.baseURL)\(context.request.path)?per_page=\(perPage)&page="
                var links: [String] = []
                if page < lastPage {
                    links.append("<\(base)\(page + 1)>; rel=\"next\"")
                    links.append("<\(base)\(lastPage)>; rel=\"last\"")
                }
                if page > 1 {
                    links.append("<\(base)\(page - 1)>; rel=\"prev\"")
                    links.append("<\(base)1>; rel=\"first\"")
                }
                response = response.adding("link", links.joined(separator: ", "))
            }
            return response
        }
    }

    /// `PUT /repos/{owner}/{repo}/actions/secrets/{name}` with `{"encrypted_value", "key_id"}`.
    ///
    /// The sealed box is opened with the repository's secret key; only a value that opens is stored.
    static func put(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        let key: String
        switch RepositoryAccess.check(state, context, need: .write) {
        case .failure(let error): return error.response
        case .success(let found): key = found
        }
        let name = context.parameter("name")
        if let problem = nameProblem(name) { return .error(422, problem) }

        guard let object = try? JSONSerialization.jsonObject(with: Data(context.request.body)),
              let fields = object as? [String: Any]
        else { return .error(400, "Problems parsing JSON") }
        // A client that echoes an Enterprise Server's integer `key_id` sends a number; both name the key.
        guard let keyID = (fields["key_id"] as? String) ?? (fields["key_id"] as? NSNumber).map({ $0.stringValue }) else {
            return .error(422, "Invalid request.\n\n\"key_id\" wasn't supplied.")
        }
        guard let encrypted = fields["encrypted_value"] as? String else {
            return .error(422, "Invalid request.\n\n\"encrypted_value\" wasn't supplied.")
        }
        let repository = state.repositories[key]!
        guard keyID == repository.keyID else {
            return .error(422, "Bad request - key_id \(keyID) does not match the repository's current public key.")
        }
        guard let ciphertext = SimulatorCrypto.decodeBase64(encrypted),
              let plaintext = SimulatorCrypto.open(ciphertext, with: repository.keyPair)
        else { return .error(422, "Bad request - encrypted_value is not valid") }
        guard plaintext.count <= maximumValueBytes else {
            return .error(422, "Secret value exceeds the maximum size of 48 KB.")
        }

        let stored = name.uppercased()
        if repository.loseNextWrite {
            state.repositories[key]!.loseNextWrite = false
            return repository.secrets[stored] == nil ? .json(201, [String: String]()) : .noContent()
        }
        if state.readLagReads > 0 {
            state.repositories[key]!.laggingReads[stored] = .init(before: repository.secrets[stored], remaining: state.readLagReads)
        }
        if var existing = repository.secrets[stored] {
            existing.plaintextBytes = plaintext
            existing.updatedAt = context.now
            existing.writes += 1
            existing.keyID = keyID
            state.repositories[key]!.secrets[stored] = existing
            state.counters.uploads += 1
            return .noContent()
        }
        guard repository.secrets.count < maximumSecrets else {
            return .error(422, "Maximum number of secrets (\(maximumSecrets)) reached for this repository.")
        }
        state.repositories[key]!.secrets[stored] = StoredSecret(
            name: stored, plaintextBytes: plaintext, createdAt: context.now, updatedAt: context.now,
            writes: 1, keyID: keyID
        )
        state.counters.uploads += 1
        return .json(201, [String: String]())
    }

    /// `DELETE /repos/{owner}/{repo}/actions/secrets/{name}`
    static func delete(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        switch RepositoryAccess.check(state, context, need: .write) {
        case .failure(let error):
            return error.response
        case .success(let key):
            guard state.repositories[key]!.secrets.removeValue(forKey: context.parameter("name").uppercased()) != nil
            else { return .notFound }
            return .noContent()
        }
    }

    /// Why GitHub would refuse `name`, or `nil` when it is a valid secret name.
    static func nameProblem(_ name: String) -> String? {
        let valid = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "_")
        }
        guard valid, let first = name.unicodeScalars.first, !CharacterSet.decimalDigits.contains(first) else {
            return "Secret names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_). "
                + "Spaces are not allowed. Must start with a letter ([a-z], [A-Z]) or underscores (_)."
        }
        if name.uppercased().hasPrefix("GITHUB_") {
            return "Secret names must not start with GITHUB_."
        }
        return nil
    }

    private static func summary(_ secret: StoredSecret) -> [String: Any] {
        [
            "name": secret.name,
            "created_at": SimulatorTime.iso8601(secret.createdAt),
            "updated_at": SimulatorTime.iso8601(secret.updatedAt),
        ]
    }
}
