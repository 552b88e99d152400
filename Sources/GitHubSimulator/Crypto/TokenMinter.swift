/// Makes token strings shaped like GitHub's personal access tokens.
enum TokenMinter {
    private static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
    private static let fineGrainedAlphabet = base62 + Array("_".utf8)

    /// `ghp_` + `marker` + random base62 characters up to 30 + the 6-character base62 CRC-32 of those 30.
    static func classic(using random: inout SplitMix64, marker: String = "") -> String {
        let body = Array(marker.utf8) + (marker.utf8.count..<30).map { _ in base62[Int(random.next() % UInt64(base62.count))] }
        let checksum = Base62.encode(CRC32.checksum(body), width: 6)
        return "ghp_" + String(decoding: body, as: UTF8.self) + checksum
    }

    /// `github_pat_` + `marker` + random `[A-Za-z0-9_]` characters up to 82 (GitHub's own checksum is unpublished).
    static func fineGrained(using random: inout SplitMix64, marker: String = "") -> String {
        let body = Array(marker.utf8) + (marker.utf8.count..<82).map { _ in fineGrainedAlphabet[Int(random.next() % UInt64(fineGrainedAlphabet.count))] }
        return "github_pat_" + String(decoding: body, as: UTF8.self)
    }
}
