import FoundationEssentials
import PatrolSupport
import PatrolSecrets
import PatrolHTTP

/// The GitHub REST calls patrol makes, each returning a typed answer or throwing ``GitHubError``,
/// ``UnexpectedResponseError`` or ``TransportError``.
public struct GitHubClient: Sendable {
    package let transport: any HTTPTransport
    package let base: APIBase
    /// The token that authenticates the calls (by default the token being rolled out).
    package let credential: Token
    /// The clock of the run: expiry headers are read against it, and the operations built on this client read
    /// and wait on it (the command line's ``TimeSource/system``, a test's virtual one).
    package let clock: TimeSource
    /// Repositories GitHub redirected (renamed or transferred), shared by every copy of this client.
    package let moves: RepositoryMoves

    public init(transport: any HTTPTransport, base: APIBase, credential: Token, clock: TimeSource = .system,
                moves: RepositoryMoves = RepositoryMoves()) {
        self.transport = transport
        self.base = base
        self.credential = credential
        self.clock = clock
        self.moves = moves
    }

    /// The same client authenticated with another token.
    public func authenticated(with token: Token) -> GitHubClient {
        GitHubClient(transport: transport, base: base, credential: token, clock: clock, moves: moves)
    }

    // MARK: - Calls

    /// `GET /user`: who the token belongs to, its scopes and its expiry.
    public func authenticatedUser() async throws -> AuthenticatedUser {
        let (response, request) = try await send(.get, "/user", expecting: [200, 404])
        // GitHub answers GET /user 200, 401 or 403, never 404: a 404 means no GitHub API is at this URL.
        if response.status == 404 { throw base.notAnAPIRoot }
        let body: UserBody = try decode(response, request)
        return AuthenticatedUser(
            login: body.login,
            id: body.id,
            accountType: body.type ?? "User",
            scopes: response.headers["x-oauth-scopes"].map(Self.scopeList),
            expiry: TokenExpiry.parse(header: response.headers["github-authentication-token-expiration"], now: clock.now()),
            rateLimitRemaining: response.headers["x-ratelimit-remaining"].flatMap { Int($0) }
        )
    }

    /// `GET …/secrets/public-key` of `target` (each kind of target has its own key). With a `cached` key that has
    /// an ETag, the request carries `If-None-Match` and a 304 (which costs no quota) returns the cached key.
    public func publicKey(of target: SecretTarget, cached: PublicKey? = nil) async throws -> PublicKey {
        var headers = HTTPHeaders()
        if let etag = cached?.etag { headers.set("If-None-Match", etag) }
        let (response, request) = try await send(.get, target.publicKeyPath, headers: headers,
                                                 expecting: headers["If-None-Match"] == nil ? [200] : [200, 304])
        if response.status == 304, let cached {
            return PublicKey(keyID: cached.keyID, key: cached.key, etag: response.headers["etag"] ?? cached.etag,
                             serverDate: response.headers["date"].flatMap(HTTPDate.parse), attempts: response.attempts)
        }
        let body: PublicKeyBody = try decode(response, request)
        return PublicKey(keyID: body.key_id.text, key: body.key, etag: response.headers["etag"],
                         serverDate: response.headers["date"].flatMap(HTTPDate.parse), attempts: response.attempts)
    }

    /// A repository's Actions public key (``publicKey(of:cached:)-(SecretTarget,_)`` of its `repo:` target).
    public func publicKey(of repository: RepositoryName, cached: PublicKey? = nil) async throws -> PublicKey {
        try await publicKey(of: .repository(repository), cached: cached)
    }

    /// `PUT …/secrets/{name}` of `target` with a sealed value. An organization secret needs `access`: GitHub
    /// requires `visibility` on every PUT and empties a `selected` secret's selection when
    /// `selected_repository_ids` is left out, so the caller says what both are to be (spec §9).
    public func putSecret(_ name: String, in target: SecretTarget, encryptedValue: String, keyID: String,
                          access: OrganizationSecretAccess? = nil) async throws -> SecretWrite {
        let body: [UInt8]
        if target.kind == .organization {
            guard let access else { throw OrganizationSecretAccess.Missing(target: target) }
            body = Array(try JSONEncoder().encode(OrganizationSecretBody(
                encrypted_value: encryptedValue, key_id: keyID, visibility: access.visibility.rawValue,
                selected_repository_ids: access.visibility == .selected ? access.selectedRepositoryIDs ?? [] : nil)))
        } else {
            body = Array(try JSONEncoder().encode(["encrypted_value": encryptedValue, "key_id": keyID]))
        }
        let (response, _) = try await send(.put, target.secretPath(name), body: body, expecting: [201, 204])
        return SecretWrite(created: response.status == 201, httpStatus: response.status, attempts: response.attempts)
    }

    /// A repository's Actions secret (``putSecret(_:in:encryptedValue:keyID:access:)`` on its `repo:` target).
    public func putSecret(_ name: String, in repository: RepositoryName, encryptedValue: String, keyID: String) async throws -> SecretWrite {
        try await putSecret(name, in: .repository(repository), encryptedValue: encryptedValue, keyID: keyID)
    }

    /// `GET …/secrets/{name}` of `target`: the secret's dates (and an organization secret's visibility), or nil
    /// when it is not set.
    public func secret(_ name: String, in target: SecretTarget) async throws -> SecretMetadata? {
        let (response, request) = try await send(.get, target.secretPath(name), expecting: [200, 404])
        if response.status == 404 { return nil }
        let body: SecretBody = try decode(response, request)
        guard let created = ISO8601.parse(body.created_at), let updated = ISO8601.parse(body.updated_at) else {
            throw UnexpectedResponseError(request: request, problem: "created_at/updated_at are not ISO 8601 dates",
                                          requestID: response.headers["x-github-request-id"])
        }
        let visibility = try body.visibility.map { text throws -> SecretVisibility in
            guard let visibility = SecretVisibility(rawValue: text) else {
                throw UnexpectedResponseError(request: request, problem: "visibility \"\(text)\" is not all, private or selected",
                                              requestID: response.headers["x-github-request-id"])
            }
            return visibility
        }
        return SecretMetadata(name: body.name, createdAt: created, updatedAt: updated, visibility: visibility)
    }

    /// A repository's Actions secret (``secret(_:in:)-(_,SecretTarget)`` of its `repo:` target).
    public func secret(_ name: String, in repository: RepositoryName) async throws -> SecretMetadata? {
        try await secret(name, in: .repository(repository))
    }

    // MARK: - Plumbing

    /// The headers every request to GitHub carries: the media type, the REST API version, and `User-Agent`
    /// (GitHub refuses a request without one).
    package static let standardHeaders = HTTPHeaders([
        ("Accept", "application/vnd.github+json"),
        ("X-GitHub-Api-Version", "2022-11-28"),
        ("User-Agent", "patrol/\(PatrolVersion.current)"),
    ])

    /// Sends one request and throws ``GitHubError`` unless the status is one of `expecting`. Every call to GitHub
    /// goes through here; `authenticated: false` sends no Authorization header.
    package func send(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8]? = nil,
                      authenticated: Bool = true, expecting: Set<Int>) async throws -> (HTTPResponse, String) {
        let label = "\(method.rawValue) \(path)"
        var all = Self.standardHeaders
        for field in headers { all.set(field.name, field.value) }
        if body != nil { all.set("Content-Type", "application/json") }
        let request = HTTPRequest(method: method, url: base.url(path), headers: all, bearer: authenticated ? credential : nil, body: body)
        let response = try await transport.send(request)
        if let final = response.redirectedTo { moves.record(path: path, finalURL: final) }
        guard expecting.contains(response.status) else { throw GitHubError(request: label, response: response) }
        return (response, label)
    }

    package func decode<T: Decodable>(_ response: HTTPResponse, _ request: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch {
            throw UnexpectedResponseError(request: request, problem: Self.describe(error),
                                          requestID: response.headers["x-github-request-id"])
        }
    }

    package static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "\"\(key.stringValue)\" is missing"
        case DecodingError.typeMismatch(let type, let context):
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")) is not a \(type)"
        case DecodingError.valueNotFound(_, let context): return "\(context.codingPath.map(\.stringValue).joined(separator: ".")) is null"
        default: return "not JSON"
        }
    }

    /// `repo, workflow` → `["repo", "workflow"]`; an empty header is an empty list.
    package static func scopeList(_ header: String) -> [String] {
        header.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
    }

    private struct UserBody: Decodable { let login: String; let id: Int?; let type: String? }
    private struct PublicKeyBody: Decodable { let key_id: KeyID; let key: String }

    /// `key_id` as GitHub sends it: a string on github.com, an integer on some Enterprise Server versions
    /// (PyGithub#1878). Either way patrol keeps, and sends back, the string.
    package struct KeyID: Decodable {
        package let text: String

        package init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let string = try? container.decode(String.self) {
                text = string
            } else if let number = try? container.decode(Int64.self) {
                text = String(number)
            } else {
                throw DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath,
                                                                    debugDescription: "key_id is neither a string nor an integer"))
            }
        }
    }
    private struct SecretBody: Decodable { let name: String; let created_at: String; let updated_at: String; let visibility: String? }
    private struct OrganizationSecretBody: Encodable {
        let encrypted_value: String
        let key_id: String
        let visibility: String
        let selected_repository_ids: [Int]?
    }
}

/// The account behind a token, as `GET /user` describes it.
public struct AuthenticatedUser: Sendable, Equatable {
    public let login: String
    public let id: Int?
    /// `User` or `Bot`.
    public let accountType: String
    /// `X-OAuth-Scopes` for classic tokens; nil when GitHub sent no such header (fine-grained tokens).
    public let scopes: [String]?
    public let expiry: TokenExpiry
    public let rateLimitRemaining: Int?

    package init(login: String, id: Int?, accountType: String, scopes: [String]?, expiry: TokenExpiry, rateLimitRemaining: Int?) {
        self.login = login
        self.id = id
        self.accountType = accountType
        self.scopes = scopes
        self.expiry = expiry
        self.rateLimitRemaining = rateLimitRemaining
    }
}

/// A repository's Actions public key.
public struct PublicKey: Sendable, Equatable {
    public let keyID: String
    /// Standard base64 of 32 bytes.
    public let key: String
    public let etag: String?
    /// GitHub's clock when it answered (the `Date` header): the write that follows is verified against it.
    public let serverDate: Date?
    public let attempts: Int

    package init(keyID: String, key: String, etag: String?, serverDate: Date?, attempts: Int) {
        self.keyID = keyID
        self.key = key
        self.etag = etag
        self.serverDate = serverDate
        self.attempts = attempts
    }
}

/// The result of a `PUT` of a secret.
public struct SecretWrite: Sendable, Equatable {
    /// 201 (created) rather than 204 (updated).
    public let created: Bool
    public let httpStatus: Int
    public let attempts: Int

    package init(created: Bool, httpStatus: Int, attempts: Int) {
        self.created = created
        self.httpStatus = httpStatus
        self.attempts = attempts
    }
}

/// A secret's metadata; GitHub never returns the value.
public struct SecretMetadata: Sendable, Equatable {
    public let name: String
    public let createdAt: Date
    public let updatedAt: Date
    /// An organization secret's visibility; nil for the other kinds.
    public let visibility: SecretVisibility?

    package init(name: String, createdAt: Date, updatedAt: Date, visibility: SecretVisibility? = nil) {
        self.name = name
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.visibility = visibility
    }
}
