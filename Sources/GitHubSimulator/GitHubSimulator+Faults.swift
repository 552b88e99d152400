import FoundationEssentials

extension GitHubSimulator {
    /// Closes a random fraction `rate` (0...1) of later connections without answering: half before the request
    /// is handled, half after it took effect; drawn from the simulator's seed. 0 turns it off.
    public func setDropRate(_ rate: Double) {
        state.withLock { $0.randomFaults.dropRate = min(1, max(0, rate)) }
    }

    /// Holds back a random fraction `rate` (0...1) of later answers by `delay`, after the request took effect
    /// (a client with a shorter timeout sees a write it cannot confirm); drawn from the seed. 0 turns it off.
    public func setSlowRate(_ rate: Double, delay: Duration) {
        state.withLock { state in
            state.randomFaults.slowRate = min(1, max(0, rate))
            state.randomFaults.slowDelay = delay
        }
    }

    /// The next `count` requests (whose path starts with `pathPrefix`, if given) take effect, then their
    /// connection is closed without an answer: the client cannot tell whether they did.
    public func loseNextAnswer(_ count: Int, matching pathPrefix: String? = nil) {
        guard count > 0 else { return }
        state.withLock { $0.randomFaults.queuedLosses.append(Fault(kind: .drop, remaining: count, pathPrefix: pathPrefix)) }
    }

    /// Holds every answer from now on (only those to requests whose path starts with `pathPrefix`, when given) until
    /// ``releaseAnswers()`` (or ``stop()``): each request takes effect and is counted in flight, and its answer waits.
    /// For tests of what patrol does while a request is out, on no clock: an answer that never comes, rather than one
    /// that comes later than a machine's speed allows for.
    public func holdAnswers(matching pathPrefix: String = "") {
        state.withLock { $0.heldPathPrefixes.append(pathPrefix) }
    }

    /// Sends every held answer, and every later one as usual.
    public func releaseAnswers() {
        state.withLock { $0.heldPathPrefixes = [] }
    }

    /// The random faults injected since start, by kind.
    public var injectedFaults: InjectedFaults {
        state.withLock { $0.randomFaults.injected }
    }

    /// Whether the answer to `requests[index]` was dropped after the request took effect or held back by
    /// `setSlowRate`, so the client may never have seen it.
    public func answerWasLost(_ index: Int) -> Bool {
        state.withLock { $0.randomFaults.unseen.contains(index) }
    }

    /// Whether `requests[index]` took effect and then had its connection closed without an answer.
    public func answerWasDropped(_ index: Int) -> Bool {
        state.withLock { $0.randomFaults.droppedAfterEffect.contains(index) }
    }

    /// Answers as GitHub Enterprise Server `version` does (nil: as github.com): every response carries
    /// `x-github-enterprise-version`, and public keys come with an integer `key_id`.
    public func serveEnterpriseShapes(version: String? = "3.9.0") {
        state.withLock { $0.enterpriseVersion = version }
    }

    /// Read-after-write lag: after each secret write, the next `reads` reads of that secret (`GET …/secrets/{name}`
    /// and the list) still see it as it was before the write; 0 turns it off. GitHub's reads lag a write by about
    /// a second; counting reads instead of seconds keeps the tests fast and deterministic.
    public func setReadAfterWriteLag(reads: Int) {
        state.withLock { $0.readLagReads = max(0, reads) }
    }
}
