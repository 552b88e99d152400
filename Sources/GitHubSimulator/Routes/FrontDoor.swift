import FoundationEssentials
import PatrolSupport

/// What every request passes through before and after its endpoint: faults, `User-Agent`, API version,
/// authentication, the primary rate limit, routing, and the headers GitHub puts on every response.
extension SimulatorState {
    /// API versions GitHub accepts in `X-GitHub-Api-Version`.
    static let supportedAPIVersions: Set<String> = ["2022-11-28", "2026-03-10"]

    /// Answers one request, logging and counting it.
    mutating func answer(_ received: ServerRequest) -> ServerReply {
        let now = self.now
        // `/repositories/{id}/…` is served as `/repos/{current full name}/…`; the log keeps what was received.
        let request = received.routed(to: pathResolvingRepositoryID(received.path))
        let match = RouteTable.match(method: request.method, path: request.path)
        counters.total += 1
        counters.byRoute[match?.route.counterKey ?? "unknown", default: 0] += 1

        if let crafted = takeCraftedAnswer(for: request.path) {
            record(received, status: crafted.status, route: match?.route.counterKey, now: now, dropped: false)
            return crafted.reply
        }

        if let kind = takeFault(for: request.path) {
            switch kind {
            case .drop:
                record(received, status: 0, route: match?.route.counterKey, now: now, dropped: true)
                return .drop
            case .fail(let status):
                let response = finish(GitHubResponse.error(status, HTTPStatus.reason(status)), token: nil, route: nil, now: now)
                record(received, status: status, route: match?.route.counterKey, now: now, dropped: false)
                return .respond(response)
            }
        }

        let (response, token) = respond(to: request, match: match, now: now)
        record(received, status: response.status, route: match?.route.counterKey, now: now, dropped: false)
        return .respond(finish(response, token: token, route: match?.route, now: now))
    }

    /// The fault this request meets: a queued one first, else one drawn at random (`RandomFaults`).
    private mutating func takeFault(for path: String) -> Fault.Kind? {
        if let index = faults.firstIndex(where: { $0.matches(path) }) {
            let kind = faults[index].kind
            faults[index].remaining -= 1
            if faults[index].remaining == 0 { faults.remove(at: index) }
            return kind
        }
        return drawRandomFault(for: path)
    }

    private mutating func respond(
        to request: ServerRequest, match: (route: Route, parameters: [String: String])?, now: Date
    ) -> (GitHubResponse, TokenRecord?) {
        guard let agent = request.header("User-Agent"), !agent.isEmpty else {
            return (.error(
                403,
                "Request forbidden by administrative rules. Please make sure your request has a User-Agent header "
                    + "(https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). "
                    + "Check https://developer.github.com for other possible causes."
            ), nil)
        }
        if let version = request.header("X-GitHub-Api-Version"), !Self.supportedAPIVersions.contains(version) {
            return (.error(400, "API version \(version) is not supported.",
                           documentation: "https://docs.github.com/rest/overview/api-versions"), nil)
        }

        var token: TokenRecord?
        var app: Int?
        if let authorization = request.header("Authorization") {
            guard let presented = Self.credential(in: authorization) else { return (.error(401, "Bad credentials"), nil) }
            if let record = tokens[presented], record.isValid(at: now) {
                token = record
            } else if JWTVerifier.looksLikeJWT(presented) {
                let verdict = authenticateApp(jwt: presented, now: now)
                if let refusal = verdict.refusal { return (refusal, nil) }
                app = verdict.app
            } else {
                return (.error(401, "Bad credentials"), nil)
            }
        }

        if let limited = secondaryLimitAnswer(method: request.method, path: request.target, now: now) {
            return (limited, token)
        }
        // GitHub does not count `GET /rate_limit` against the primary limit.
        // An App's JWT calls count against the App, not against an anonymous caller.
        if request.path != "/rate_limit",
           let exceeded = spendRateLimit(login: token?.login ?? app.map { "app/\($0)" }, userID: token?.userID, now: now) {
            return (exceeded, token)
        }
        let baseURL = Self.baseURL(of: request) ?? apiURL
        if let moved = renameRedirect(method: request.method, target: request.target, baseURL: baseURL) {
            return (moved, token)
        }
        guard let match else { return (.notFound, token) }
        if let blocked = singleSignOnBlock(path: request.path, token: token) {
            return (blocked, token)
        }
        if match.route.requiresAuthentication, token == nil {
            return (.error(401, "Requires authentication"), nil)
        }
        var context = RouteContext(request: request, parameters: match.parameters, token: token, now: now, baseURL: baseURL)
        context.app = app
        let response = match.route.handle(&self, context)
        if response.status == 304 {
            // A conditional request answered 304 costs no primary quota.
            counters.notModified += 1
            rateLimits[bucketKey(token?.login)]?.used -= 1
        }
        return (response, token)
    }

    /// `scheme://host[/prefix]` the client addressed: `Host`, and from a TLS front such as nginx `X-Forwarded-Proto`
    /// and `X-Forwarded-Prefix` (`/api/v3` when the front serves the API where Enterprise Server does).
    static func baseURL(of request: ServerRequest) -> String? {
        guard let host = request.header("Host") else { return nil }
        let scheme = request.header("X-Forwarded-Proto")?.lowercased() == "https" ? "https" : "http"
        let prefix = request.header("X-Forwarded-Prefix").map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? ""
        return "\(scheme)://\(host)\(prefix)"
    }

    /// The token in `Bearer X` or `token X`.
    static func credential(in authorization: String) -> String? {
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let scheme = parts[0].lowercased()
        guard scheme == "bearer" || scheme == "token" else { return nil }
        return parts[1].trimmingSpaces()
    }

    func bucketKey(_ login: String?) -> String {
        login.map { "user:\($0.lowercased())" } ?? "anonymous"
    }

    func limit(for login: String?) -> Int {
        login == nil ? 60 : rateLimit
    }

    /// Counts one request against the caller's hourly window; the 403 GitHub sends when it is used up.
    private mutating func spendRateLimit(login: String?, userID: Int?, now: Date) -> GitHubResponse? {
        let key = bucketKey(login)
        var window = rateLimits[key] ?? RateLimitWindow(used: 0, resetAt: now.addingTimeInterval(3600))
        if now >= window.resetAt { window = RateLimitWindow(used: 0, resetAt: now.addingTimeInterval(3600)) }
        defer { rateLimits[key] = window }
        guard window.used < limit(for: login) else {
            let who = userID.map { "for user ID \($0)" } ?? "for 127.0.0.1"
            return .error(403, "API rate limit exceeded \(who).",
                          documentation: "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting")
        }
        window.used += 1
        return nil
    }

    /// Adds the headers GitHub sends on every response and turns the result into bytes for the server.
    private mutating func finish(_ response: GitHubResponse, token: TokenRecord?, route: Route?, now: Date) -> ServerResponse {
        var headers: [(name: String, value: String)] = []
        if response.body != nil {
            headers.append(("content-type", "application/json; charset=utf-8"))
        }
        headers.append(("date", SimulatorTime.httpDate(now)))
        headers.append(("x-github-request-id", makeRequestID()))
        headers.append(("x-github-media-type", "github.v3; format=json"))
        headers.append(("x-github-api-version-selected", "2022-11-28"))
        if let enterpriseVersion { headers.append(("x-github-enterprise-version", enterpriseVersion)) }
        let key = bucketKey(token?.login)
        let window = rateLimits[key] ?? RateLimitWindow(used: 0, resetAt: now.addingTimeInterval(3600))
        let limit = limit(for: token?.login)
        headers.append(("x-ratelimit-limit", String(limit)))
        headers.append(("x-ratelimit-remaining", String(max(0, limit - window.used))))
        headers.append(("x-ratelimit-used", String(window.used)))
        headers.append(("x-ratelimit-reset", String(Int(window.resetAt.timeIntervalSince1970))))
        headers.append(("x-ratelimit-resource", "core"))
        if let token {
            if token.kind == .classic {
                headers.append(("x-oauth-scopes", token.scopes.joined(separator: ", ")))
                headers.append(("x-accepted-oauth-scopes", route?.acceptedScopes ?? ""))
            }
            // GitHub sends no expiry header for installation tokens (their expiry comes with the token).
            if let expiresAt = token.expiresAt, token.installationID == nil {
                headers.append((
                    "github-authentication-token-expiration",
                    SimulatorTime.expirationHeader(expiresAt, format: token.expirationFormat)
                ))
            }
        }
        headers.append(contentsOf: response.headers)
        return ServerResponse(status: response.status, headers: headers, body: response.body ?? [])
    }

    private mutating func record(_ request: ServerRequest, status: Int, route: String?, now: Date, dropped: Bool) {
        log.append(LoggedRequest(
            method: request.method,
            path: request.target,
            status: status,
            route: route,
            authorization: request.header("Authorization"),
            userAgent: request.header("User-Agent"),
            accept: request.header("Accept"),
            apiVersion: request.header("X-GitHub-Api-Version"),
            ifNoneMatch: request.header("If-None-Match"),
            time: now,
            dropped: dropped
        ))
    }
}
