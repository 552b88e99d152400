import FoundationEssentials
import Glibc
internal import CCurl
import PatrolSupport

/// The real ``HTTPTransport``: libcurl's multi interface on one dedicated thread.
///
/// Requests are handed to that thread through a locked queue and the thread is woken with `curl_multi_wakeup`;
/// each caller waits on a continuation that the thread resumes when its transfer ends. curl handles are created,
/// used and freed on that thread only, and the multi handle's connection cache gives keep-alive and HTTP/2
/// multiplexing across requests. Call ``shutdown()`` before the process exits.
public final class CurlTransport: HTTPTransport {
    public let configuration: TransportConfiguration
    private let shared: TransportState

    /// Starts the transport's thread.
    public init(configuration: TransportConfiguration = TransportConfiguration()) {
        self.configuration = configuration
        shared = TransportState()
        _ = CurlGlobal.ready
        let context = LoopContext(shared: shared, configuration: configuration)
        // A POSIX thread rather than Foundation's `Thread`: ``shutdown()`` must join it so that no curl call is
        // running when the process exits (OpenSSL's exit handlers race live threads), and `Thread` cannot be joined.
        // Why Unmanaged (retained): the thread owns the context until its entry function takes it back;
        // when the thread cannot be created the retain is released right here.
        let retained = Unmanaged.passRetained(context)
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<LoopContext>.fromOpaque(raw).takeRetainedValue().run()
            return nil
        }, retained.toOpaque())
        if created == 0 {
            shared.started(thread)
        } else {
            retained.release()
            shared.closeWithoutThread(reason: "could not start the HTTP thread (error \(created))")
        }
    }

    deinit {
        shutdown()
    }

    /// Sends one request and waits for the whole response. Cancelling the calling task cancels the transfer.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let id = shared.register()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                shared.enqueue(Job(id: id, request: request, continuation: continuation))
            }
        } onCancel: {
            shared.cancel(id)
        }
    }

    /// Fails every pending request with ``TransportError/Kind/cancelled``, then stops and joins the thread.
    /// Safe to call more than once; later ``send(_:)`` calls fail at once.
    public func shutdown() {
        guard let thread = shared.stop() else { return }
        if pthread_equal(thread, pthread_self()) != 0 {
            // Called from a callback on the transport's own thread: it cannot join itself; it ends on its own.
            pthread_detach(thread)
        } else {
            pthread_join(thread, nil)
        }
    }

    /// The most requests that were on the wire at once.
    public var peakInFlight: Int { shared.state.withLock { $0.peakInFlight } }

    /// New connections opened so far (curl's `CURLINFO_NUM_CONNECTS`, summed over finished transfers).
    public var connectionsOpened: Int { shared.state.withLock { $0.connectionsOpened } }
}

/// A request waiting for the transport's thread.
private struct Job: Sendable {
    package let id: UInt64
    package let request: HTTPRequest
    package let continuation: CheckedContinuation<HTTPResponse, any Error>

    package func fail(_ kind: TransportError.Kind, _ detail: String) {
        continuation.resume(throwing: TransportError(kind: kind, detail: detail, method: request.method.rawValue, url: request.url))
    }
}

/// What callers and the transport's thread share, behind one lock.
private final class TransportState: Sendable {
    package struct State {
        package var nextID: UInt64 = 0
        /// Requests registered and not yet finished, with whether their caller cancelled.
        package var cancelledByID: [UInt64: Bool] = [:]
        package var queue: [Job] = []
        package var cancelRequests: [UInt64] = []
        package var waker: CurlWaker?
        package var thread: pthread_t?
        package var stopping = false
        /// Set when no more requests can be taken, with what to tell them.
        package var closed: (kind: TransportError.Kind, reason: String)?
        package var inFlight = 0
        package var peakInFlight = 0
        package var connectionsOpened = 0
    }

    package let state = Locked(State())

    package static let shutdownReason = "patrol shut its HTTP connections down before the request finished"

    package func register() -> UInt64 {
        state.withLock { state in
            state.nextID += 1
            state.cancelledByID[state.nextID] = false
            return state.nextID
        }
    }

    package func enqueue(_ job: Job) {
        let refusal: (TransportError.Kind, String)? = state.withLock { state in
            if let closed = state.closed ?? (state.stopping ? (.cancelled, TransportState.shutdownReason) : nil) {
                state.cancelledByID[job.id] = nil
                return closed
            }
            if state.cancelledByID[job.id] == true {
                state.cancelledByID[job.id] = nil
                return (.cancelled, "the caller cancelled the request")
            }
            state.queue.append(job)
            state.waker?.wake()
            return nil
        }
        if let (kind, detail) = refusal { job.fail(kind, detail) }
    }

    package func cancel(_ id: UInt64) {
        state.withLock { state in
            guard state.cancelledByID[id] != nil else { return }
            state.cancelledByID[id] = true
            state.cancelRequests.append(id)
            state.waker?.wake()
        }
    }

    package func started(_ thread: pthread_t) {
        state.withLock { $0.thread = thread }
    }

    /// Asks the thread to stop; returns it for joining, once.
    package func stop() -> pthread_t? {
        state.withLock { state in
            state.stopping = true
            state.waker?.wake()
            defer { state.thread = nil }
            return state.thread
        }
    }

    // MARK: Called by the transport's thread

    package func attach(_ waker: CurlWaker) {
        state.withLock { $0.waker = waker }
    }

    /// New jobs, cancellations, and whether to stop.
    package func take() -> (jobs: [Job], cancelled: [UInt64], stopping: Bool) {
        state.withLock { state in
            defer {
                state.queue.removeAll()
                state.cancelRequests.removeAll()
            }
            return (state.queue, state.cancelRequests, state.stopping)
        }
    }

    package func inFlight(_ count: Int) {
        state.withLock { state in
            state.inFlight = count
            state.peakInFlight = max(state.peakInFlight, count)
        }
    }

    package func finished(_ id: UInt64, connections: Int) {
        state.withLock { state in
            state.cancelledByID[id] = nil
            state.connectionsOpened += connections
        }
    }

    /// Refuses further requests and returns those queued since the last ``take()``. After this the waker is gone.
    package func close(_ kind: TransportError.Kind, reason: String) -> [Job] {
        state.withLock { state in
            state.closed = (kind, reason)
            state.waker = nil
            defer { state.queue.removeAll() }
            for job in state.queue { state.cancelledByID[job.id] = nil }
            return state.queue
        }
    }

    package func closeWithoutThread(reason: String) {
        for job in close(.other, reason: reason) { job.fail(.other, reason) }
    }
}

/// What the transport's thread starts with; everything else it creates itself.
private final class LoopContext: Sendable {
    package let shared: TransportState
    package let configuration: TransportConfiguration

    package init(shared: TransportState, configuration: TransportConfiguration) {
        self.shared = shared
        self.configuration = configuration
    }

    /// The thread's whole life: take requests, drive curl, resume callers, until ``TransportState/stop()``.
    package func run() {
        guard CurlGlobal.ready, let multi = CurlMulti(maxConnections: configuration.effectiveMaxInFlight) else {
            shared.closeWithoutThread(reason: "libcurl could not start (curl_global_init or curl_multi_init failed)")
            return
        }
        var loop = TransferLoop(multi: multi, shared: shared, configuration: configuration)
        shared.attach(multi.waker)
        loop.run()
    }
}

/// A transfer on the wire.
private struct Transfer {
    package let id: UInt64
    package let easy: CurlEasy
    package let continuation: CheckedContinuation<HTTPResponse, any Error>
    package let started: ContinuousClock.Instant
}

/// The loop on the transport's thread. Owns the multi handle and every easy handle.
private struct TransferLoop {
    package let multi: CurlMulti
    package let shared: TransportState
    package let configuration: TransportConfiguration
    private var waiting: [Job] = []
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]

    package init(multi: CurlMulti, shared: TransportState, configuration: TransportConfiguration) {
        self.multi = multi
        self.shared = shared
        self.configuration = configuration
    }

    /// How long the loop waits for a socket when nothing is in flight: a new request wakes it at once.
    private static let idleWait: Int32 = 1000
    /// How long it waits, at most, while transfers are in flight. libcurl 7.88 (Debian 12) can leave an answer that
    /// has already arrived in its TLS or HTTP/2 buffers without saying so: no socket turns readable for it, and the
    /// transfer stalls until the connection's next bytes, another round trip later (curl's own fix, "multi: fix polling
    /// with pending input", came in 2025). Measured: 2 and 4 of 10 nine-repository rollouts had an upload that took
    /// two round trips instead of one; with this bound, none of 20 (docs/benchmarks.md). Waking every few milliseconds
    /// while requests are out costs a few microseconds each time.
    private static let inFlightWait: Int32 = 5

    package mutating func run() {
        let limit = configuration.effectiveMaxInFlight
        while true {
            let batch = shared.take()
            waiting.append(contentsOf: batch.jobs)
            if batch.stopping { break }
            for id in batch.cancelled { cancel(id) }
            while active.count < limit, !waiting.isEmpty { start(waiting.removeFirst()) }
            shared.inFlight(active.count)
            multi.perform()
            let done = multi.finished()
            for (handle, result) in done { finish(handle, result) }
            shared.inFlight(active.count)
            // A finished transfer frees a slot: start the next queued one without waiting for a socket.
            if !done.isEmpty, !waiting.isEmpty { continue }
            multi.poll(timeoutMilliseconds: active.isEmpty ? Self.idleWait : Self.inFlightWait)
        }
        for transfer in active.values {
            multi.remove(transfer.easy)
            fail(transfer, .cancelled, TransportState.shutdownReason)
        }
        active.removeAll()
        shared.inFlight(0)
        for job in waiting + shared.close(.cancelled, reason: TransportState.shutdownReason) {
            shared.finished(job.id, connections: 0)
            job.fail(.cancelled, TransportState.shutdownReason)
        }
        waiting.removeAll()
    }

    private mutating func start(_ job: Job) {
        let easy: CurlEasy
        do {
            easy = try CurlEasy(request: job.request, configuration: configuration)
        } catch {
            shared.finished(job.id, connections: 0)
            job.continuation.resume(throwing: error)
            return
        }
        let transfer = Transfer(id: job.id, easy: easy, continuation: job.continuation, started: .now)
        guard multi.add(easy) else {
            fail(transfer, .other, "libcurl refused to start the transfer")
            return
        }
        active[easy.handle] = transfer
        configuration.verbose?("→ \(easy.method) \(easy.url)")
    }

    private mutating func cancel(_ id: UInt64) {
        if let index = waiting.firstIndex(where: { $0.id == id }) {
            let job = waiting.remove(at: index)
            shared.finished(id, connections: 0)
            job.fail(.cancelled, "the caller cancelled the request")
        } else if let (handle, transfer) = active.first(where: { $0.value.id == id }) {
            multi.remove(transfer.easy)
            active[handle] = nil
            fail(transfer, .cancelled, "the caller cancelled the request")
        }
    }

    private mutating func finish(_ handle: UnsafeMutableRawPointer, _ result: CURLcode) {
        guard let transfer = active.removeValue(forKey: handle) else { return }
        let easy = transfer.easy
        multi.remove(easy)
        shared.finished(transfer.id, connections: easy.connectionsOpened)
        let elapsed = Self.milliseconds(since: transfer.started)
        if result == CURLE_OK {
            let response = HTTPResponse(status: easy.status, headers: easy.responseHeaders, body: easy.body)
            configuration.verbose?("← \(response.status) \(easy.method) \(easy.url) (\(elapsed) ms)")
            transfer.continuation.resume(returning: response)
        } else {
            let error = easy.error(for: result)
            configuration.verbose?("← failed \(easy.method) \(easy.url) (\(elapsed) ms): \(error.detail)")
            transfer.continuation.resume(throwing: error)
        }
    }

    private func fail(_ transfer: Transfer, _ kind: TransportError.Kind, _ detail: String) {
        shared.finished(transfer.id, connections: transfer.easy.connectionsOpened)
        configuration.verbose?("← \(kind) \(transfer.easy.method) \(transfer.easy.url): \(detail)")
        transfer.continuation.resume(throwing: TransportError(kind: kind, detail: detail, method: transfer.easy.method, url: transfer.easy.url))
    }

    private static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        (ContinuousClock.now - start).milliseconds
    }
}

extension CurlTransport: ClosableTransport {}
