import Glibc

/// A POSIX thread that nobody joins, for a loop that blocks in a system call (a signal pipe, a socket) and must
/// not hold a thread of Swift's cooperative pool. Foundation's `Thread` would do the same, but it is not in
/// FoundationEssentials, and patrol links only that (docs/architecture.md).
public enum DetachedThread {
    /// Runs `body` on a new detached thread with `stackSize` bytes of stack (the system's default when nil);
    /// returns the `pthread_create` error, 0 when the thread started.
    @discardableResult
    public static func start(stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) -> Int32 {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        if let stackSize { pthread_attr_setstacksize(&attributes, stackSize) }
        // Why Unmanaged (retained): the new thread owns the box until its entry function takes it back; when the
        // thread cannot be created the retain is released right here.
        let retained = Unmanaged.passRetained(Box(body))
        var thread = pthread_t()
        let created = pthread_create(&thread, &attributes, { raw in
            guard let raw else { return nil }
            Unmanaged<Box>.fromOpaque(raw).takeRetainedValue().body()
            return nil
        }, retained.toOpaque())
        if created != 0 { retained.release() }
        return created
    }

    /// The closure, as a class instance so that it can travel through `pthread_create`'s one pointer.
    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}
