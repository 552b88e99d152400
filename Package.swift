// swift-tools-version:6.0
import PackageDescription

/// patrol: one GitHub token kept as an Actions secret across a fleet of repositories.
///
/// No package dependencies: outside code is libcurl, libsodium and (for GitHub App JWTs only) libcrypto
/// from Debian, reached through the system-library targets below.
let package = Package(
    name: "patrol",
    products: [
        .executable(name: "patrol", targets: ["patrol"]),
        .executable(name: "patrol-bench", targets: ["patrol-bench"]),
    ],
    targets: [
        // MARK: - C libraries

        /** libcurl, with one-line typed wrappers for its variadic calls in shim.h. */
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        /** libsodium: sealed boxes, SHA-256, guarded memory. */
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        /** OpenSSL's libcrypto, for one thing only: RS256 signatures of GitHub App JWTs (spec §10). */
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        /** glibc's GNU extensions for spawning (closefrom and chdir file actions, pipe2), which Swift's Glibc hides. */
        .systemLibrary(
            name: "CSpawn"
        ),

        // MARK: - Support libraries (know nothing of GitHub or of patrol's commands)

        /** Locks, the async semaphore, signal handling: the pieces patrol and the simulator both stand on. */
        .target(
            name: "PatrolSupport",
            swiftSettings: strict
        ),
        /** Tokens in guarded memory, their formats and sources, sealed boxes, the redactor. */
        .target(
            name: "PatrolSecrets",
            dependencies: ["PatrolSupport", "CSodium"],
            swiftSettings: strict
        ),
        /** A generic HTTP transport over libcurl: retries, the request gate, TLS trust, proxies, redirects. */
        .target(
            name: "PatrolHTTP",
            dependencies: ["PatrolSupport", "PatrolSecrets", "CCurl", "CSodium"],
            swiftSettings: strict
        ),

        // MARK: - GitHub's API

        /** The GitHub REST client: one typed method per call, its errors, the API base and the rate-limit gate. */
        .target(
            name: "PatrolGitHub",
            dependencies: ["PatrolSupport", "PatrolSecrets", "PatrolHTTP"],
            swiftSettings: strict
        ),

        // MARK: - Operations

        /** Fleet config, ledger, the operations (rollout, rotation, status, doctor, expiry), alerts and reports. */
        .target(
            name: "PatrolCore",
            dependencies: ["PatrolSupport", "PatrolSecrets", "PatrolHTTP", "PatrolGitHub", "CSodium", "CCrypto"],
            swiftSettings: strict
        ),

        // MARK: - Command line

        /** Parsing, help, the commands, `Context` and `Patrol.main`: what a user types and reads. */
        .target(
            name: "PatrolCLI",
            dependencies: ["PatrolSupport", "PatrolSecrets", "PatrolHTTP", "PatrolGitHub", "PatrolCore"],
            swiftSettings: strict
        ),
        /** `patrol demo` and `patrol simulator`: the only product code that reaches the simulator. */
        .target(
            name: "PatrolDemo",
            dependencies: ["PatrolCLI", "PatrolCore", "PatrolGitHub", "PatrolSecrets", "GitHubSimulator"],
            swiftSettings: strict
        ),
        /** The executable: hands the process and the demo commands to `Patrol.main`. */
        .executableTarget(
            name: "patrol",
            dependencies: ["PatrolCLI", "PatrolDemo"],
            exclude: ["exports.map"],
            swiftSettings: strict,
            // GnuTLS's library constructor looks up `_gnutls_global_init_skip` dynamically: export patrol's
            // (GnuTLSImplicitInit.swift), and in the release build only it: the Swift runtime's link arguments export
            // every symbol (`-export-dynamic`), and the loader would map and search that table (exports.map). Debug
            // builds keep every export: a sanitizer's runtime is linked into the executable, and the Swift runtime
            // finds ThreadSanitizer's hooks (`__tsan_acquire`, …) by looking them up; hidden, every task hand-off
            // would be reported as a race.
            linkerSettings: [
                .unsafeFlags(["-Xlinker", "--export-dynamic-symbol=_gnutls_global_init_skip"]),
                .unsafeFlags(["-Xlinker", "--version-script=\(Context.packageDirectory)/Sources/patrol/exports.map"],
                             .when(configuration: .release)),
            ],
            plugins: ["BuildCommit"]
        ),
        /** Writes the git commit into the executable before each build, for `patrol --version` (no git: `unknown`). */
        .plugin(
            name: "BuildCommit",
            capability: .buildTool(),
            path: "Sources/BuildCommit"
        ),

        // MARK: - Test doubles and tools (beside the stack; no library above depends on them)

        /** A GitHub REST simulator on loopback sockets that opens every sealed box it receives.
            It shares only PatrolSupport's locks with patrol, so that it checks patrol rather than agreeing with it. */
        .target(
            name: "GitHubSimulator",
            dependencies: ["PatrolSupport", "CSodium", "CCrypto"],
            swiftSettings: strict
        ),
        /** `ChildProcess`: other programs started with `posix_spawn` (not Foundation's `Process`, whose `run` overruns a
            heap buffer), for the tests, LoopbackTLS and the benchmark; the `patrol` executable never links it. */
        .target(
            name: "Spawn",
            dependencies: ["PatrolSupport", "CSpawn"],
            swiftSettings: strict
        ),
        /** nginx as a TLS + HTTP/2 front with a throw-away CA, on loopback: for the tests and the benchmark only. */
        .target(
            name: "LoopbackTLS",
            dependencies: ["Spawn"],
            swiftSettings: strict
        ),
        /** The benchmark of spec §8: `swift run -c release patrol-bench` (or `make bench`). */
        .executableTarget(
            name: "patrol-bench",
            dependencies: ["PatrolSupport", "GitHubSimulator", "LoopbackTLS", "Spawn"],
            swiftSettings: strict
        ),

        // MARK: - Tests

        .testTarget(
            name: "PatrolCoreTests",
            dependencies: ["PatrolSupport", "PatrolSecrets", "PatrolHTTP", "PatrolGitHub", "PatrolCore", "PatrolCLI", "PatrolDemo", "GitHubSimulator", "LoopbackTLS", "Spawn"],
            exclude: ["Interop/pynacl_open.py", "App/pyjwt_check.py"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GitHubSimulatorTests",
            dependencies: ["GitHubSimulator"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)

/// Settings every Swift target shares.
var strict: [SwiftSetting] { [.enableUpcomingFeature("ExistentialAny")] }
