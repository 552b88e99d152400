import Glibc

/// A value guarded by a `pthread_mutex_t`, with `Mutex`'s `withLock`. Used instead of `Synchronization.Mutex`,
/// whose futex-based lock ThreadSanitizer does not understand (it reports every `withLock` as a race),
/// so that `make sanitize` reports only real races.
package final class Locked<Value>: @unchecked Sendable {
    // @unchecked Sendable: `value` is only read or written inside `withLock`, which holds `mutex`.
    private var value: Value
    // A pointer, not a stored pthread_mutex_t: a pthread mutex must not move in memory, and Swift may move stored properties.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    package init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the value while holding the lock; the lock is released when `body` returns or throws.
    package func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
