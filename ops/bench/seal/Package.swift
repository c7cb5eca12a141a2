// swift-tools-version:6.0
import PackageDescription

/// The cost of encryption at rest on the store's write path (`ops/bench/seal.sh`): a package of
/// its own, built in release, so the main package's build and tests never carry a benchmark.
let package = Package(
    name: "tongban-seal-bench",
    platforms: [.macOS(.v14)],
    dependencies: [
        // `tongban` is a symlink to the repository root (../../..), named like the root package.
        .package(path: "tongban"),
    ],
    targets: [
        .executableTarget(name: "seal-bench", dependencies: [.product(name: "TongbanStorage", package: "tongban")]),
    ],
    swiftLanguageModes: [.v6]
)
