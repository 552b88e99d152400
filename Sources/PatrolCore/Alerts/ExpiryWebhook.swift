import FoundationEssentials
import PatrolHTTP
import PatrolGitHub

/// The `--webhook-env` alert: one Slack-compatible message, sent only when the status needs attention
/// (warning, no-expiration, critical, expired) — a daily "all is well" would teach people to ignore the channel.
public enum ExpiryWebhook {
    /// The message: the headline, the findings, every repository, what to do.
    public static func text(for report: ExpiryReport) -> String {
        var lines = ["patrol: \(report.headline) [\(report.status.rawValue)]", report.subject]
        lines += report.verdict.reasons
        lines += report.repositoryLines
        if let advice = report.advice { lines.append(advice) }
        return lines.joined(separator: "\n")
    }

    /// Sends the message when `report` needs attention; returns whether it was sent.
    public static func send(_ report: ExpiryReport, to url: WebhookURL, transport: any HTTPTransport) async throws -> Bool {
        guard report.status.needsAttention else { return false }
        try await post(to: url, text: text(for: report), transport: transport)
        return true
    }

    /// POSTs `{"text": text}` to an incoming-webhook URL (Slack's shape), with no Authorization header:
    /// the URL is the credential. Any 2xx is success; anything else throws ``WebhookError``.
    /// It needs no GitHub credential, only a transport; it carries patrol's `User-Agent` as before.
    public static func post(to url: WebhookURL, text: String, transport: any HTTPTransport) async throws {
        let payload = try JSONEncoder().encode(["text": text])
        var headers = HTTPHeaders()
        // The headers every patrol request carried before webhooks left the GitHub client.
        for field in GitHubClient.standardHeaders { headers.set(field.name, field.value) }
        headers.set("Content-Type", "application/json")
        let response = try await transport.send(HTTPRequest(method: .post, url: url.value, headers: headers, bearer: nil, body: Array(payload)))
        guard (200..<300).contains(response.status) else {
            throw WebhookError.rejected(variable: url.variable, status: response.status)
        }
    }
}
