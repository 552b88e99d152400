internal import CSodium

/// libsodium's one-time initialisation.
package enum Sodium {
    /// `sodium_init` runs exactly once, on first use, thread-safely (a `static let` is lazily and atomically initialised).
    /// It returns 0 on first success and 1 when already initialised; -1 means the library cannot work at all.
    package static let ready: Bool = sodium_init() >= 0

    /// Stops the program when libsodium cannot initialise: without it nothing can be sealed or held safely.
    package static func require() {
        precondition(ready, "libsodium failed to initialise (sodium_init returned -1)")
    }
}
