import Foundation

/// Exchanges recorded from api.github.com, copied from public projects' replay data (see each `source`).
/// Header lists are verbatim (PyGithub's notation, parsed by ``RecordedExchange/pyGithubHeaders(_:)``) but for
/// `x-oauth-client-id`, left out. Bodies are verbatim unless marked "trimmed": very long repository and issue
/// objects keep the fields as recorded and drop the URL templates and nested objects patrol never reads.
enum RecordedFixtures {
    // MARK: PyGithub tests/ReplayData/Repository.testCreateRepoActionsSecret.txt (2024-02-01)

    static let createSecretPublicKey = RecordedExchange(
        method: "GET", path: "/repos/demoorg/demo-repo-1/actions/secrets/public-key", status: 200,
        headers: RecordedExchange.pyGithubHeaders(#"""
            [('Server', 'GitHub.com'), ('Date', 'Thu, 01 Feb 2024 23:17:54 GMT'), ('Content-Type', 'application/json; charset=utf-8'), ('Transfer-Encoding', 'chunked'), ('Cache-Control', 'private, max-age=60, s-maxage=60'), ('Vary', 'Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding, Accept, X-Requested-With'), ('ETag', 'W/"63c55f32262fbaf6c8015e5a31e233a90ba8105255746204ba09c641ed874e7d"'), ('X-OAuth-Scopes', 'admin:org, admin:public_key, repo, user'), ('X-Accepted-OAuth-Scopes', ''), ('github-authentication-token-expiration', '2024-03-02 22:39:38 UTC'), ('X-GitHub-Media-Type', 'github.v3; format=json'), ('x-github-api-version-selected', '2022-11-28'), ('X-RateLimit-Limit', '5000'), ('X-RateLimit-Remaining', '4899'), ('X-RateLimit-Reset', '1706829971'), ('X-RateLimit-Used', '101'), ('X-RateLimit-Resource', 'core'), ('Access-Control-Expose-Headers', 'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset'), ('Access-Control-Allow-Origin', '*'), ('Strict-Transport-Security', 'max-age=31536000; includeSubdomains; preload'), ('X-Frame-Options', 'deny'), ('X-Content-Type-Options', 'nosniff'), ('X-XSS-Protection', '0'), ('Referrer-Policy', 'origin-when-cross-origin, strict-origin-when-cross-origin'), ('Content-Security-Policy', "default-src 'none'"), ('Content-Encoding', 'gzip'), ('X-GitHub-Request-Id', 'ED58:364456:13AEE40:13E87A7:65BC26A2')]
            """#),
        body: #"{"key_id":"3380204578043523366","key":"oWxGlztcubVOX/ehKONYj83dSjyS4BZphl6dC6L6W3U="}"#,
        source: "PyGithub/PyGithub tests/ReplayData/Repository.testCreateRepoActionsSecret.txt")

    static let createSecretPut = RecordedExchange(
        method: "PUT", path: "/repos/demoorg/demo-repo-1/actions/secrets/secret_name", status: 201,
        headers: RecordedExchange.pyGithubHeaders(#"""
            [('Server', 'GitHub.com'), ('Date', 'Thu, 01 Feb 2024 23:17:55 GMT'), ('Content-Type', 'application/json; charset=utf-8'), ('Content-Length', '2'), ('Cache-Control', 'private, max-age=60, s-maxage=60'), ('Vary', 'Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding, Accept, X-Requested-With'), ('ETag', '"ef7d1a03b3332b83aecd008a006821ad3613d37a6ec742a794010bc2d93610cf"'), ('X-OAuth-Scopes', 'admin:org, admin:public_key, repo, user'), ('X-Accepted-OAuth-Scopes', ''), ('github-authentication-token-expiration', '2024-03-02 22:39:38 UTC'), ('X-GitHub-Media-Type', 'github.v3; format=json'), ('x-github-api-version-selected', '2022-11-28'), ('X-RateLimit-Limit', '5000'), ('X-RateLimit-Remaining', '4898'), ('X-RateLimit-Reset', '1706829971'), ('X-RateLimit-Used', '102'), ('X-RateLimit-Resource', 'core'), ('Access-Control-Expose-Headers', 'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset'), ('Access-Control-Allow-Origin', '*'), ('Strict-Transport-Security', 'max-age=31536000; includeSubdomains; preload'), ('X-Frame-Options', 'deny'), ('X-Content-Type-Options', 'nosniff'), ('X-XSS-Protection', '0'), ('Referrer-Policy', 'origin-when-cross-origin, strict-origin-when-cross-origin'), ('Content-Security-Policy', "default-src 'none'"), ('X-GitHub-Request-Id', 'ED59:157E91:E3DC1C3:E61B2A7:65BC26A3')]
            """#),
        body: "{}",
        source: "PyGithub/PyGithub tests/ReplayData/Repository.testCreateRepoActionsSecret.txt")

    // MARK: PyGithub tests/ReplayData/Repository.testRepoSecrets.txt (2023-11-18)

    static let listSecrets = RecordedExchange(
        method: "GET", path: "/repos/AndrewJDawes/PyGithub/actions/secrets", status: 200,
        headers: RecordedExchange.pyGithubHeaders(#"""
            [('Server', 'GitHub.com'), ('Date', 'Sat, 18 Nov 2023 21:47:19 GMT'), ('Content-Type', 'application/json; charset=utf-8'), ('Transfer-Encoding', 'chunked'), ('Cache-Control', 'private, max-age=60, s-maxage=60'), ('Vary', 'Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding, Accept, X-Requested-With'), ('ETag', 'W/"dfd10ce92e44f142f289edd11124c46ebb0c0b57561186f199c00458d5e5d69c"'), ('X-OAuth-Scopes', 'gist, read:org, repo, workflow'), ('X-Accepted-OAuth-Scopes', ''), ('X-GitHub-Media-Type', 'github.v3; format=json'), ('x-github-api-version-selected', '2022-11-28'), ('X-RateLimit-Limit', '5000'), ('X-RateLimit-Remaining', '4754'), ('X-RateLimit-Reset', '1700345195'), ('X-RateLimit-Used', '246'), ('X-RateLimit-Resource', 'core'), ('Access-Control-Expose-Headers', 'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset'), ('Access-Control-Allow-Origin', '*'), ('Strict-Transport-Security', 'max-age=31536000; includeSubdomains; preload'), ('X-Frame-Options', 'deny'), ('X-Content-Type-Options', 'nosniff'), ('X-XSS-Protection', '0'), ('Referrer-Policy', 'origin-when-cross-origin, strict-origin-when-cross-origin'), ('Content-Security-Policy', "default-src 'none'"), ('Content-Encoding', 'gzip'), ('X-GitHub-Request-Id', 'ED0E:97A3:1348768:289B21F:655930E7')]
            """#),
        body: #"{"total_count":2,"secrets":[{"name":"SECRET_NAME_ONE","created_at":"2023-11-18T21:47:18Z","updated_at":"2023-11-18T21:47:18Z"},{"name":"SECRET_NAME_TWO","created_at":"2023-11-18T21:47:19Z","updated_at":"2023-11-18T21:47:19Z"}]}"#,
        source: "PyGithub/PyGithub tests/ReplayData/Repository.testRepoSecrets.txt")

    // MARK: PyGithub tests/ReplayData/WorkflowRun.testGetAttempt.txt (2026-05-29, a token without X-OAuth-Scopes)

    static let repositoryWithoutScopes = RecordedExchange(
        method: "GET", path: "/repos/EnricoMi/PyGithub", status: 200,
        headers: RecordedExchange.pyGithubHeaders(#"""
            [('Date', 'Fri, 29 May 2026 15:46:01 GMT'), ('Content-Type', 'application/json; charset=utf-8'), ('Cache-Control', 'private, max-age=60, s-maxage=60'), ('Vary', 'Accept, Authorization, Cookie, X-GitHub-OTP,Accept-Encoding, Accept, X-Requested-With'), ('ETag', 'W/"ead0cdaebfa4ba0b92efe78fc36003c27d5a59bdd32ac11fba1c82755e3120e7"'), ('Last-Modified', 'Tue, 24 Mar 2026 08:00:46 GMT'), ('github-authentication-token-expiration', '2026-06-28 15:34:58 UTC'), ('X-GitHub-Media-Type', 'github.v3; format=json'), ('x-accepted-github-permissions', 'metadata=read'), ('x-github-api-version-selected', '2022-11-28'), ('Access-Control-Expose-Headers', 'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset, Warning'), ('Access-Control-Allow-Origin', '*'), ('Strict-Transport-Security', 'max-age=31536000; includeSubdomains; preload'), ('X-Frame-Options', 'deny'), ('X-Content-Type-Options', 'nosniff'), ('X-XSS-Protection', '0'), ('Referrer-Policy', 'origin-when-cross-origin, strict-origin-when-cross-origin'), ('Content-Security-Policy', "default-src 'none'"), ('Content-Encoding', 'gzip'), ('Transfer-Encoding', 'chunked'), ('Server', 'github.com'), ('X-RateLimit-Limit', '5000'), ('X-RateLimit-Remaining', '4986'), ('X-RateLimit-Reset', '1780072519'), ('X-RateLimit-Used', '14'), ('X-RateLimit-Resource', 'core'), ('X-GitHub-Request-Id', 'F102:3CBA05:74F9633:6EEDA22:6A19B4B9')]
            """#),
        // Trimmed: the recorded object's own fields, without its URL templates, license, parent and source.
        body: #"{"id":446365735,"node_id":"R_kgDOGpsAJw","name":"PyGithub","full_name":"EnricoMi/PyGithub","private":false,"owner":{"login":"EnricoMi","id":44700269,"node_id":"MDQ6VXNlcjQ0NzAwMjY5","type":"User","user_view_type":"public","site_admin":false},"html_url":"https://github.com/EnricoMi/PyGithub","description":"Typed interactions with the GitHub API v3","fork":true,"url":"https://api.github.com/repos/EnricoMi/PyGithub","created_at":"2022-01-10T09:52:53Z","updated_at":"2026-03-24T08:00:46Z","pushed_at":"2026-05-13T10:25:49Z","homepage":"https://pygithub.readthedocs.io/","size":19955,"stargazers_count":0,"watchers_count":0,"language":"Python","has_issues":true,"has_projects":true,"has_downloads":true,"has_wiki":false,"has_pages":false,"has_discussions":false,"forks_count":2,"mirror_url":null,"archived":false,"disabled":false,"open_issues_count":15,"allow_forking":true,"is_template":false,"web_commit_signoff_required":false,"has_pull_requests":true,"pull_request_creation_policy":"all","topics":[],"visibility":"public","forks":2,"open_issues":15,"watchers":0,"default_branch":"main","permissions":{"admin":true,"maintain":true,"push":true,"triage":true,"pull":true}}"#,
        source: "PyGithub/PyGithub tests/ReplayData/WorkflowRun.testGetAttempt.txt")

    static let runAttempt = RecordedExchange(
        method: "GET", path: "/repos/EnricoMi/PyGithub/actions/workflows/codeql.yml/runs", status: 200,
        headers: RecordedExchange.pyGithubHeaders(#"""
            [('Date', 'Fri, 29 May 2026 15:46:02 GMT'), ('Content-Type', 'application/json; charset=utf-8'), ('Cache-Control', 'private, max-age=60, s-maxage=60'), ('Vary', 'Accept, Authorization, Cookie, X-GitHub-OTP,Accept-Encoding, Accept, X-Requested-With'), ('ETag', 'W/"c78b96c467879c74c61a47dee23e0866001d66b243aafbed72c764d3f64180a3"'), ('github-authentication-token-expiration', '2026-06-28 15:34:58 UTC'), ('X-GitHub-Media-Type', 'github.v3; format=json'), ('x-accepted-github-permissions', 'actions=read'), ('x-github-api-version-selected', '2022-11-28'), ('Access-Control-Expose-Headers', 'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset, Warning'), ('Access-Control-Allow-Origin', '*'), ('Strict-Transport-Security', 'max-age=31536000; includeSubdomains; preload'), ('X-Frame-Options', 'deny'), ('X-Content-Type-Options', 'nosniff'), ('X-XSS-Protection', '0'), ('Referrer-Policy', 'origin-when-cross-origin, strict-origin-when-cross-origin'), ('Content-Security-Policy', "default-src 'none'"), ('Content-Encoding', 'gzip'), ('Transfer-Encoding', 'chunked'), ('Server', 'github.com'), ('X-RateLimit-Limit', '5000'), ('X-RateLimit-Remaining', '4984'), ('X-RateLimit-Reset', '1780072519'), ('X-RateLimit-Used', '16'), ('X-RateLimit-Resource', 'core'), ('X-GitHub-Request-Id', 'F4A8:3D9414:76056C1:7002B14:6A19B4BA')]
            """#),
        // The recorded run (GET …/actions/runs/26365060973/attempts/2), trimmed of its actor, head commit and
        // repository objects, inside the list shape of the runs endpoint patrol calls (the wrapper is ours).
        body: #"{"total_count":1,"workflow_runs":[{"id":26365060973,"name":"CodeQL Advanced","node_id":"WFR_kwLOGpsAJ88AAAAGI3rnbQ","head_branch":"main","head_sha":"3a17ecf4a5a4dc873f2632470a712497b38eea88","path":".github/workflows/codeql.yml","display_title":"CodeQL Advanced","run_number":174,"event":"schedule","status":"completed","conclusion":"success","workflow_id":175366930,"check_suite_id":70539773704,"check_suite_node_id":"CS_kwDOGpsAJ88AAAAQbH-HCA","url":"https://api.github.com/repos/EnricoMi/PyGithub/actions/runs/26365060973","html_url":"https://github.com/EnricoMi/PyGithub/actions/runs/26365060973","pull_requests":[],"created_at":"2026-05-29T15:42:07Z","updated_at":"2026-05-29T15:43:47Z","run_attempt":2,"referenced_workflows":[],"run_started_at":"2026-05-29T15:42:05Z","previous_attempt_url":"https://api.github.com/repos/EnricoMi/PyGithub/actions/runs/26365060973/attempts/1","workflow_url":"https://api.github.com/repos/EnricoMi/PyGithub/actions/workflows/175366930"}]}"#,
        source: "PyGithub/PyGithub tests/ReplayData/WorkflowRun.testGetAttempt.txt")

    // MARK: PyGithub tests/ReplayData/RateLimiting.testRateLimiting.txt (2023-05-15)

    static let rateLimit = RecordedExchange(
        method: "GET", path: "/rate_limit", status: 200,
        headers: RecordedExchange.pyGithubHeaders(#"""
            [('Server', 'GitHub.com'), ('Date', 'Mon, 15 May 2023 22:59:22 GMT'), ('Content-Type', 'application/json; charset=utf-8'), ('Transfer-Encoding', 'chunked'), ('Cache-Control', 'no-cache'), ('github-authentication-token-expiration', '2023-06-14 15:09:46 -0700'), ('X-GitHub-Media-Type', 'github.v3; format=json'), ('x-github-api-version-selected', '2022-11-28'), ('X-RateLimit-Limit', '5000'), ('X-RateLimit-Remaining', '4904'), ('X-RateLimit-Reset', '1684195041'), ('X-RateLimit-Used', '96'), ('X-RateLimit-Resource', 'core'), ('Access-Control-Expose-Headers', 'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset'), ('Access-Control-Allow-Origin', '*'), ('Strict-Transport-Security', 'max-age=31536000; includeSubdomains; preload'), ('X-Frame-Options', 'deny'), ('X-Content-Type-Options', 'nosniff'), ('X-XSS-Protection', '0'), ('Referrer-Policy', 'origin-when-cross-origin, strict-origin-when-cross-origin'), ('Content-Security-Policy', "default-src 'none'"), ('Vary', 'Accept-Encoding, Accept, X-Requested-With'), ('Content-Encoding', 'gzip'), ('X-GitHub-Request-Id', 'E2A7:0C53:962B79:9A9281:6462B949')]
            """#),
        body: #"{"resources":{"core":{"limit":5000,"used":96,"remaining":4904,"reset":1684195041},"search":{"limit":30,"used":0,"remaining":30,"reset":1684191622},"graphql":{"limit":5000,"used":0,"remaining":5000,"reset":1684195162},"integration_manifest":{"limit":5000,"used":0,"remaining":5000,"reset":1684195162},"source_import":{"limit":100,"used":0,"remaining":100,"reset":1684191622},"code_scanning_upload":{"limit":1000,"used":0,"remaining":1000,"reset":1684195162},"actions_runner_registration":{"limit":10000,"used":0,"remaining":10000,"reset":1684195162},"scim":{"limit":15000,"used":0,"remaining":15000,"reset":1684195162},"dependency_snapshots":{"limit":100,"used":0,"remaining":100,"reset":1684191622}},"rate":{"limit":5000,"used":96,"remaining":4904,"reset":1684195041}}"#,
        source: "PyGithub/PyGithub tests/ReplayData/RateLimiting.testRateLimiting.txt")

    // MARK: PyGithub tests/ReplayData/Repository.testCreateRepositoryDispatch.txt (2020-10-12)

    static let dispatch = RecordedExchange(
        method: "POST", path: "/repos/ahmad88me/PyGithub/dispatches", status: 204,
        headers: RecordedExchange.pyGithubHeaders(#"""
            [('Date', 'Mon, 12 Oct 2020 15:06:18 GMT'), ('Server', 'GitHub.com'), ('Status', '204 No Content'), ('X-OAuth-Scopes', 'repo, user'), ('X-Accepted-OAuth-Scopes', ''), ('X-GitHub-Media-Type', 'github.v3; format=json'), ('X-RateLimit-Limit', '5000'), ('X-RateLimit-Remaining', '4843'), ('X-RateLimit-Reset', '1602517371'), ('X-RateLimit-Used', '157'), ('Access-Control-Expose-Headers', 'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, Deprecation, Sunset'), ('Access-Control-Allow-Origin', '*'), ('Strict-Transport-Security', 'max-age=31536000; includeSubdomains; preload'), ('X-Frame-Options', 'deny'), ('X-Content-Type-Options', 'nosniff'), ('X-XSS-Protection', '1; mode=block'), ('Referrer-Policy', 'origin-when-cross-origin, strict-origin-when-cross-origin'), ('Content-Security-Policy', "default-src 'none'"), ('Vary', 'Accept-Encoding, Accept, X-Requested-With, Accept-Encoding'), ('X-GitHub-Request-Id', 'C8CE:12BED:C42BB61:E69BAC1:5F8470EA')]
            """#),
        body: "",
        source: "PyGithub/PyGithub tests/ReplayData/Repository.testCreateRepositoryDispatch.txt")

    // MARK: octokit/fixtures scenarios/api.github.com/paginate-issues (normalized-fixture.json, first page)

    static let issuesFirstPage = RecordedExchange(
        method: "GET", path: "/repos/octokit-fixture-org/paginate-issues/issues", status: 200,
        headers: [
            ("access-control-allow-origin", "*"),
            ("access-control-expose-headers", "ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, Deprecation, Sunset"),
            ("cache-control", "private, max-age=60, s-maxage=60"),
            ("content-length", "5968"),
            ("content-security-policy", "default-src 'none'"),
            ("content-type", "application/json; charset=utf-8"),
            ("date", "Tue, 10 Oct 2017 16:00:00 GMT"),
            ("etag", "\"00000000000000000000000000000000\""),
            ("link", "<https://api.github.com/repositories/1000/issues?per_page=3&page=2>; rel=\"next\", <https://api.github.com/repositories/1000/issues?per_page=3&page=5>; rel=\"last\""),
            ("referrer-policy", "origin-when-cross-origin, strict-origin-when-cross-origin"),
            ("status", "200 OK"),
            ("strict-transport-security", "max-age=31536000; includeSubdomains; preload"),
            ("x-accepted-oauth-scopes", "repo"),
            ("x-content-type-options", "nosniff"),
            ("x-frame-options", "deny"),
            ("x-github-media-type", "github.v3; format=json"),
            ("x-github-request-id", "0000:00000:0000000:0000000:00000000"),
            ("x-oauth-scopes", "admin:gpg_key, admin:org, admin:org_hook, admin:public_key, admin:repo_hook, delete_repo, gist, notifications, repo, user"),
            ("x-ratelimit-limit", "5000"),
            ("x-ratelimit-remaining", "4999"),
            ("x-ratelimit-reset", "1507651200000"),
            ("x-xss-protection", "1; mode=block"),
        ],
        // Trimmed: each issue keeps its own fields; the user object keeps login, id and type.
        body: """
            [{"url":"https://api.github.com/repos/octokit-fixture-org/paginate-issues/issues/13","html_url":"https://github.com/octokit-fixture-org/paginate-issues/issues/13","id":1000,"node_id":"MDA6RW50aXR5MQ==","number":13,"title":"Test issue 13","user":{"login":"octokit-fixture-user-a","id":1000,"type":"User"},"labels":[],"state":"open","locked":false,"assignee":null,"assignees":[],"milestone":null,"comments":42,"created_at":"2017-10-10T16:00:00Z","updated_at":"2017-10-10T16:00:00Z","closed_at":null,"author_association":"MEMBER","active_lock_reason":null,"body":null,"performed_via_github_app":null},\
            {"url":"https://api.github.com/repos/octokit-fixture-org/paginate-issues/issues/12","html_url":"https://github.com/octokit-fixture-org/paginate-issues/issues/12","id":1001,"node_id":"MDA6RW50aXR5MQ==","number":12,"title":"Test issue 12","user":{"login":"octokit-fixture-user-a","id":1000,"type":"User"},"labels":[],"state":"open","locked":false,"assignee":null,"assignees":[],"milestone":null,"comments":42,"created_at":"2017-10-10T16:00:00Z","updated_at":"2017-10-10T16:00:00Z","closed_at":null,"author_association":"MEMBER","active_lock_reason":null,"body":null,"performed_via_github_app":null},\
            {"url":"https://api.github.com/repos/octokit-fixture-org/paginate-issues/issues/11","html_url":"https://github.com/octokit-fixture-org/paginate-issues/issues/11","id":1002,"node_id":"MDA6RW50aXR5MQ==","number":11,"title":"Test issue 11","user":{"login":"octokit-fixture-user-a","id":1000,"type":"User"},"labels":[],"state":"open","locked":false,"assignee":null,"assignees":[],"milestone":null,"comments":42,"created_at":"2017-10-10T16:00:00Z","updated_at":"2017-10-10T16:00:00Z","closed_at":null,"author_association":"MEMBER","active_lock_reason":null,"body":null,"performed_via_github_app":null}]
            """,
        source: "octokit/fixtures scenarios/api.github.com/paginate-issues/normalized-fixture.json")
}
