/// Tells GnuTLS not to initialise itself when the process starts (GnuTLS's documented `GNUTLS_SKIP_GLOBAL_INIT`).
///
/// patrol never uses GnuTLS: its TLS is libcurl's OpenSSL. But Debian's libcurl also links librtmp and libldap, which
/// link GnuTLS, and GnuTLS's library constructor runs `gnutls_global_init` at load: it loads p11-kit's trust module
/// and reads the system's certificate store, about 0.8 MiB of peak memory for nothing (docs/benchmarks.md). The
/// constructor skips that when this strong definition replaces GnuTLS's weak one, which returns 0; the symbol is
/// exported from the executable for that (Package.swift's linker settings). librtmp and libldap call
/// `gnutls_global_init` themselves before they use GnuTLS, for an rtmp or ldaps URL patrol never opens.
@_cdecl("_gnutls_global_init_skip")
public func gnutlsGlobalInitSkip() -> Int32 { 1 }
