internal import CSodium

/// The libsodium patrol runs with, as `patrol --version --json` reports it.
package enum SodiumVersion {
    /// The version of the libsodium linked at run time (e.g. `1.0.18`), from `sodium_version_string`.
    package static var linked: String {
        // Why unsafe: sodium_version_string returns a pointer to a static string in libsodium, copied out at once.
        String(cString: sodium_version_string())
    }
}
