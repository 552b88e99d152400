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
        // libcurl, with one-line typed wrappers for its variadic calls in shim.h.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // libsodium: sealed boxes, SHA-256, guarded memory.
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        // OpenSSL's libcrypto, for one thing only: RS256 signatures of GitHub App JWTs (spec §10).
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // A GitHub REST simulator on loopback sockets that opens every sealed box it receives.
        // It shares no code with PatrolCore so that it checks patrol rather than agreeing with it.
        .target(
            name: "GitHubSimulator",
            dependencies: ["CSodium", "CCrypto"],
            swiftSettings: strict
        ),
        // All of patrol's logic.
        .target(
            name: "PatrolCore",
            dependencies: ["CCurl", "CSodium", "CCrypto", "GitHubSimulator"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "patrol",
            dependencies: ["PatrolCore"],
            swiftSettings: strict
        ),
        // The benchmark of spec §8: `swift run -c release patrol-bench` (or `make bench`).
        .executableTarget(
            name: "patrol-bench",
            dependencies: ["PatrolCore", "GitHubSimulator"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PatrolCoreTests",
            dependencies: ["PatrolCore", "GitHubSimulator"],
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
