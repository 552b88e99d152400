import FoundationEssentials
import PatrolSupport
import PatrolHTTP

/// An answer from GitHub other than the one patrol asked for: the status, GitHub's own message and the
/// request id to quote when asking GitHub's support about it.
public struct GitHubError: Error, Equatable, CustomStringConvertible, Sendable {
    /// `GET /repos/…/actions/secrets/public-key` and the like: what was asked.
    public let request: String
    public let status: Int
    /// GitHub's `message` field, or a short excerpt of a body that is not GitHub's JSON.
    public let message: String
    /// `x-github-request-id`, when GitHub sent one.
    public let requestID: String?
    /// `X-Accepted-GitHub-Permissions` (fine-grained tokens): the permission the endpoint wanted.
    public let acceptedPermissions: String?
    /// The SAML SSO authorisation URL from `X-GitHub-SSO`, when the organisation requires it.
    public let ssoURL: String?
    /// How many times the request was sent before this answer was final.
    public let attempts: Int
    /// GitHub refused the request for a rate limit, as its status and headers say (``RateLimitSignal``).
    public let rateLimited: Bool

    public init(request: String, status: Int, message: String, requestID: String? = nil,
                acceptedPermissions: String? = nil, ssoURL: String? = nil, attempts: Int = 1, rateLimited: Bool = false) {
        self.attempts = attempts
        self.rateLimited = rateLimited
        self.request = request
        self.status = status
        self.message = message
        self.requestID = requestID
        self.acceptedPermissions = acceptedPermissions
        self.ssoURL = ssoURL
    }

    /// Reads status, message and the diagnostic headers from a response.
    package init(request: String, response: HTTPResponse) {
        let message: String
        if let body = try? JSONDecoder().decode(MessageBody.self, from: Data(response.body)), let text = body.message {
            message = text
        } else {
            let text = String(decoding: response.body.prefix(120), as: UTF8.self)
                .replacingEvery("\n", with: " ").trimmingSpaces()
            message = text.isEmpty ? "no message" : "unexpected body: \(text)"
        }
        let sso = response.headers["x-github-sso"].flatMap { header in
            header.components(separatedBy: "url=").dropFirst().first.map { String($0).trimmingSpaces() }
        }
        self.init(request: request, status: response.status, message: message,
                  requestID: response.headers["x-github-request-id"],
                  acceptedPermissions: response.headers["x-accepted-github-permissions"], ssoURL: sso, attempts: response.attempts,
                  // Whether it was refused does not depend on the clock (only the wait does), so no time is read here.
                  rateLimited: RateLimitSignal(response, now: 0)?.refused == true)
    }

    /// True for 401: the token is invalid, expired or revoked. The run must stop: GitHub locks out an
    /// account after repeated bad credentials.
    public var isBadCredentials: Bool { status == 401 }

    /// True for a primary or secondary rate-limit answer: classified by status and headers, the same rule the
    /// retries and the rate-limit governor follow (``RateLimitSignal``), so it is never an access verdict.
    public var isRateLimited: Bool { rateLimited }

    public var description: String {
        var text = "\(request) answered \(status) \"\(message)\""
        if let requestID { text += " (request id \(requestID))" }
        if let advice { text += ": \(advice)" }
        return text
    }

    /// What the user can do about it.
    package var advice: String? {
        if let ssoURL { return "the organization requires SAML SSO for this token; authorize it at \(ssoURL)" }
        switch status {
        case 401: return "the token is expired, revoked or mistyped; make a new one or copy it again"
        case 403 where acceptedPermissions != nil:
            return "the token lacks the permission \(acceptedPermissions!); grant it in the token's settings"
        case 403 where isRateLimited: return "GitHub's rate limit was hit; wait and run again with --resume"
        case 403 where message.lowercased().contains("admin rights"):
            return "give the token's account write access to the repository (GitHub's message says admin, but the Write role is enough to manage repository secrets)"
        case 404: return "the repository does not exist, or the token cannot see it (missing `repo` scope, wrong owner, or not selected in a fine-grained token)"
        default: return nil
        }
    }

    private struct MessageBody: Decodable { let message: String? }
}

/// A 2xx answer whose body is not what GitHub documents.
public struct UnexpectedResponseError: Error, Equatable, CustomStringConvertible, Sendable {
    public let request: String
    public let problem: String
    public let requestID: String?

    public var description: String {
        "\(request): GitHub's answer could not be read (\(problem))" + (requestID.map { " (request id \($0))" } ?? "")
            + "; run again, and report it if it persists"
    }

    package init(request: String, problem: String, requestID: String?) {
        self.request = request
        self.problem = problem
        self.requestID = requestID
    }
}
