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
        try await GitHubClient.postWebhook(to: url, text: text(for: report), transport: transport)
        return true
    }
}
