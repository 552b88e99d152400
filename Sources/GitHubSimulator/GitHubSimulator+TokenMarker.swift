extension GitHubSimulator {
    /// From now on, every minted token's random part begins with `marker` (its first 20 base62 characters;
    /// others are dropped), so a test suite can scan its output and files for leaked tokens without keeping them.
    public func setTokenMarker(_ marker: String) {
        let kept = String(marker.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(20))
        state.withLock { $0.tokenMarker = kept }
    }
}
