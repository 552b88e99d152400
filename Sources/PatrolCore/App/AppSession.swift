import FoundationEssentials
import PatrolSupport
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub

/// The App's id and private key, and the installation when the user named one.
public struct AppCredentials: Sendable {
    public let appID: Int
    public let key: AppPrivateKey
    public let installationID: Int?

    public init(appID: Int, key: AppPrivateKey, installationID: Int? = nil) {
        self.appID = appID
        self.key = key
        self.installationID = installationID
    }
}

/// One run's installation tokens: found, narrowed to the command's ``AppScope``, and minted again when under
/// ``refreshMargin`` remains, so a run of any length keeps a valid token (spec §10).
///
/// Requests carry ``standIn`` as their bearer; ``AppAuthTransport`` puts the current installation token in its place.
public actor AppSession {
    /// An installation token is minted again when less than this remains of it.
    public static let refreshMargin: TimeInterval = 5 * 60

    let credentials: AppCredentials
    /// The account the installation is looked up on (the config's `owner`).
    let owner: String
    let scope: AppScope
    let console: Console
    let now: @Sendable () -> Date
    /// Stands for "the App's current installation token" in a request; never sent itself.
    public nonisolated let standIn = Token(bytes: Array("patrol-app-installation-token-stand-in".utf8))

    /// The run's transport and API base, set once by ``attach(_:base:)`` before any request.
    private nonisolated let link = Locked<(transport: any HTTPTransport, base: APIBase)?>(nil)
    private var current: InstallationTokenAnswer?
    private var minting: Task<InstallationTokenAnswer, any Error>?
    /// What discovery found: the installation's id and what it was granted.
    public private(set) var installation: InstallationFacts?
    /// How many installation tokens this run minted.
    public private(set) var minted = 0
    /// The fleet's repositories the installation does not reach (reported, left out of the token).
    public private(set) var uncovered: [RepositoryName] = []

    public init(credentials: AppCredentials, owner: String, scope: AppScope, console: Console,
                now: @escaping @Sendable () -> Date = Date.init) {
        self.credentials = credentials
        self.owner = owner
        self.scope = scope
        self.console = console
        self.now = now
    }

    /// Connects the session to the transport and API base of the run (the session's own calls go through them too).
    public nonisolated func attach(_ transport: any HTTPTransport, base: APIBase) {
        link.withLock { $0 = (transport, base) }
    }

    /// The installation token to send now, minted when there is none or it has less than ``refreshMargin`` left.
    public func token() async throws -> Token {
        if let current, current.expiresAt.timeIntervalSince(now()) > Self.refreshMargin { return current.token }
        if let minting { return try await minting.value.token }
        let task = Task { try await self.mint() }
        minting = task
        do {
            let fresh = try await task.value
            current = fresh
            minting = nil
            return fresh.token
        } catch {
            minting = nil
            throw error
        }
    }

    /// Forgets `token` after GitHub refused it (401), so the next ``token()`` mints a new one.
    public func invalidate(_ token: Token) {
        if current?.token === token { current = nil }
    }

    /// A JWT for now, masked in all output.
    func jwt() throws -> Token {
        let jwt = try AppJWT.make(appID: credentials.appID, key: credentials.key, now: now())
        console.redactAlso([jwt])
        return jwt
    }

    // MARK: - Calls made with the JWT

    /// `GET /app`: the App's slug and permissions.
    public func app() async throws -> AppFacts {
        let (response, label) = try await send(.get, "/app", bearer: try jwt(), expecting: [200])
        struct Owner: Decodable { let login: String; let type: String? }
        struct Body: Decodable { let id: Int; let slug: String; let permissions: [String: String]?; let owner: Owner? }
        let body: Body = try decode(response, label)
        return AppFacts(id: body.id, slug: body.slug, permissions: body.permissions ?? [:], owner: body.owner?.login, ownerType: body.owner?.type)
    }

    /// The installation: `app.installationId` when given, else found on the owner (organization, then user).
    public func findInstallation() async throws -> InstallationFacts {
        if let installation { return installation }
        let jwt = try jwt()
        let found: InstallationFacts
        if let id = credentials.installationID {
            let (response, label) = try await send(.get, "/app/installations/\(id)", bearer: jwt, expecting: [200, 404])
            guard response.status == 200 else { throw AppCallerError.installationNotFound(id: id) }
            found = try decode(response, label) as InstallationFacts
        } else {
            var answer: InstallationFacts?
            for path in ["/orgs/\(owner)/installation", "/users/\(owner)/installation"] {
                let (response, label) = try await send(.get, path, bearer: jwt, expecting: [200, 404])
                if response.status == 200 {
                    answer = try decode(response, label) as InstallationFacts
                    break
                }
            }
            guard let answer else { throw AppCallerError.notInstalled(owner: owner, appID: credentials.appID) }
            found = answer
        }
        installation = found
        return found
    }

    /// Mints an installation token narrowed to the scope's repositories (those the installation reaches) and permissions.
    private func mint() async throws -> InstallationTokenAnswer {
        let installation = try await findInstallation()
        let missing = scope.missing(from: installation.permissions)
        guard missing.isEmpty else { throw AppCallerError.permissionsNotGranted(missing: missing, installationID: installation.id) }
        let ownRepositories = scope.repositories.filter { $0.owner.lowercased() == installation.account.lowercased() }
        var names = Array(Set(ownRepositories.map(\.name))).sorted()
        if installation.repositorySelection == "selected", minted == 0 {
            // Which of the fleet's repositories the installation reaches: asked once per run.
            let reached = try await reachable(installation, among: ownRepositories)
            uncovered = ownRepositories.filter { !reached.contains($0.name.lowercased()) }
            for repository in uncovered {
                console.error("warning: the App is not installed on \(repository.fullName): its requests there fail; "
                              + "add it under \"Repository access\" in the installation's settings")
            }
            names = names.filter { reached.contains($0.lowercased()) }
        } else if !uncovered.isEmpty {
            names = names.filter { name in !uncovered.contains { $0.name == name } }
        }
        var permissions = scope.permissions
        permissions["metadata"] = "read"
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let body = try encoder.encode(AccessTokenRequest(repositories: names, permissions: permissions))
        let (response, label) = try await send(.post, "/app/installations/\(installation.id)/access_tokens", bearer: try jwt(),
                                               body: Array(body), expecting: [201])
        var bytes = response.body
        guard let answer = InstallationTokenAnswer.read(&bytes) else {
            throw AppCallerError.unexpected(request: label, problem: "the answer holds no token or no readable expires_at")
        }
        console.redactAlso([answer.token])
        minted += 1
        if minted > 1 {
            console.note("the App's installation token was renewed (it expires \(ISO8601.format(answer.expiresAt)))")
        }
        return answer
    }

    /// The lower-cased names of `repositories` that a selected-repositories installation reaches (`GET /repos/…/installation`).
    package func reachable(_ installation: InstallationFacts, among repositories: [RepositoryName]) async throws -> Set<String> {
        var reached = Set<String>()
        let jwt = try jwt()
        for repository in repositories {
            let (response, label) = try await send(.get, "/repos/\(repository.fullName)/installation", bearer: jwt, expecting: [200, 404])
            guard response.status == 200 else { continue }
            let found: InstallationFacts = try decode(response, label)
            if found.id == installation.id { reached.insert(repository.name.lowercased()) }
        }
        return reached
    }

    // MARK: - Plumbing

    private func send(_ method: HTTPMethod, _ path: String, bearer: Token, body: [UInt8]? = nil,
                      expecting: Set<Int>) async throws -> (HTTPResponse, String) {
        guard let (transport, base) = link.withLock({ $0 }) else { preconditionFailure("AppSession used before attach(_:base:)") }
        // Through GitHubClient's one `send`, which adds GitHub's headers; a 401 is the JWT refused, named below.
        let client = GitHubClient(transport: transport, base: base, credential: bearer)
        let (response, label) = try await client.send(method, path, body: body, expecting: expecting.union([401]))
        if response.status == 401 { throw refusal(response) }
        return (response, label)
    }

    /// The named error for a refused JWT, from GitHub's message.
    private func refusal(_ response: HTTPResponse) -> AppCallerError {
        let message = (try? JSONDecoder().decode([String: String].self, from: Data(response.body)))?["message"] ?? ""
        if message.contains("Integration not found") { return .unknownApp(appID: credentials.appID) }
        if message.contains("could not be decoded") { return .wrongKey(appID: credentials.appID, fingerprint: credentials.key.fingerprint.value) }
        if message.contains("'iat'") || message.contains("'exp'") {
            return .clockSkew(message: message, local: now(), github: response.headers["date"].flatMap(HTTPDate.parse))
        }
        return .jwtRefused(status: response.status, message: message)
    }

    private func decode<T: Decodable>(_ response: HTTPResponse, _ label: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch {
            throw AppCallerError.unexpected(request: label, problem: GitHubClient.describe(error))
        }
    }
}

/// The App as `GET /app` describes it.
public struct AppFacts: Sendable, Equatable {
    public let id: Int
    public let slug: String
    public let permissions: [String: String]
    /// The account that owns the App (whose settings hold its keys), and its type (`Organization` or `User`) when given.
    public var owner: String? = nil
    public var ownerType: String? = nil
}

/// An installation as GitHub describes it.
public struct InstallationFacts: Sendable, Equatable, Decodable {
    public let id: Int
    public let account: String
    /// `Organization` or `User`, when GitHub says.
    public let accountType: String?
    public let permissions: [String: String]
    /// `all` or `selected`.
    public let repositorySelection: String

    enum CodingKeys: String, CodingKey { case id, account, permissions, repository_selection, target_type }
    struct Account: Decodable { let login: String; let type: String? }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        let account = try container.decode(Account.self, forKey: .account)
        self.account = account.login
        accountType = try account.type ?? container.decodeIfPresent(String.self, forKey: .target_type)
        permissions = try container.decodeIfPresent([String: String].self, forKey: .permissions) ?? [:]
        repositorySelection = try container.decodeIfPresent(String.self, forKey: .repository_selection) ?? "all"
    }
}

/// Sends requests whose bearer is an ``AppSession``'s stand-in with the App's current installation token instead.
/// A 401 on an installation token (expired or revoked earlier than its `expires_at` said) gets one new token and
/// one more try.
package struct AppAuthTransport: HTTPTransport {
    let inner: any HTTPTransport
    let session: AppSession

    package init(inner: any HTTPTransport, session: AppSession) {
        self.inner = inner
        self.session = session
    }

    package func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard let bearer = request.bearer, bearer === session.standIn else { return try await inner.send(request) }
        var request = request
        let token = try await session.token()
        request.bearer = token
        let response = try await inner.send(request)
        guard response.status == 401 else { return response }
        await session.invalidate(token)
        request.bearer = try await session.token()
        return try await inner.send(request)
    }
}

/// The body of `POST /app/installations/{id}/access_tokens`: the repositories and permissions the token is narrowed to.
private struct AccessTokenRequest: Encodable {
    let repositories: [String]
    let permissions: [String: String]
}
