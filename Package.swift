// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "tongban",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tongban", targets: ["tongban"]),
        .library(name: "TongbanCore", targets: ["TongbanCore"]),
        // For the fuzz targets in `ops/fuzz/`, a package of their own that depends on this one.
        .library(name: "TongbanXML", targets: ["TongbanXML"]),
        .library(name: "TongbanMappings", targets: ["TongbanMappings"]),
        // For the sealing benchmark in `ops/bench/seal/`, a package of its own.
        .library(name: "TongbanStorage", targets: ["TongbanStorage"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // TLS on the gateway's own listener (client certificates of partners such as 桐柏); the
        // versions Hummingbird already builds.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
    ],
    targets: [
        // System libraries, linked through pkg-config; `ops/setup.sh` installs their -dev packages.
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // The core: case model, validation, JSON, JSON Schema, mapping language. No I/O.
        .target(
            name: "TongbanCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            resources: [.copy("Resources/gbt2260-history.tsv")]
        ),
        // XML through libxml2: safe parsing, XSD validation, documents written in the partner's encoding.
        .target(name: "TongbanXML", dependencies: ["TongbanCore", "CLibXML2", "CCurl"]),
        // Partner catalog: loads `mappings/` from disk and wires each partner's codecs and schema.
        .target(name: "TongbanMappings", dependencies: ["TongbanCore", "TongbanXML"]),
        // Contract runner: discovers `contracts/<partner>/` folders and checks every example.
        .target(name: "TongbanContracts", dependencies: ["TongbanMappings"]),
        // The gateway's durable state: a storage protocol and its embedded SQLite engine;
        // swift-crypto for the message log's hash chain, TongbanCore for how it writes digests.
        .target(name: "TongbanStorage", dependencies: ["TongbanCore", "CSQLite", .product(name: "Crypto", package: "swift-crypto")]),
        // Outbound HTTP to partners through libcurl, on threads of its own.
        .target(name: "TongbanHTTPClient", dependencies: ["CCurl"]),
        // Each partner's wire rules that both the gateway and the simulator need: receipts,
        // signatures, feed and batch envelopes.
        .target(name: "TongbanPartners", dependencies: [
            "TongbanCore", "TongbanXML",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The gateway service: HTTP API, delivery engine, partner adapters, configuration.
        .target(name: "TongbanGateway", dependencies: [
            "TongbanMappings", "TongbanStorage", "TongbanHTTPClient", "TongbanPartners",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            // SIGHUP: reload the configuration's secrets without a restart.
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            // Metrics: one Prometheus registry per gateway (CoreMetrics is the handle API it implements).
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
            // The operators' console: HTML templates, and scrypt for its passwords.
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            // The listener's TLS: the handshake (NIOSSL), the server pipeline it joins
            // (HummingbirdCore, NIOCore), and client certificate subjects read as X.509 names.
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "X509", package: "swift-certificates"),
        ]),
        // Plays the three partners and the local system against a running gateway, for tests and demos.
        .target(name: "TongbanSimulator", dependencies: [
            "TongbanMappings", "TongbanPartners", "TongbanHTTPClient",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Helpers shared by the test targets (repository paths, sample cases).
        .target(name: "TongbanTesting", dependencies: [
            "TongbanMappings", "CTongbanTesting",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // C for the test helpers, linked into test bundles only: with TONGBAN_TEST_LOG_DIR set
        // (ops/test.sh) a load-time hook makes every test process log everything at `trace` into
        // that folder, for ops/privacy/scan-logs.py; and posix_spawn for `Spawned`.
        .target(name: "CTongbanTesting"),
        .executableTarget(
            name: "tongban",
            dependencies: [
                "TongbanMappings", "TongbanContracts", "TongbanXML", "TongbanGateway", "TongbanSimulator", "TongbanHTTPClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "TongbanCoreTests", dependencies: ["TongbanCore", "TongbanTesting"], exclude: ["Fixtures"]),
        .testTarget(name: "TongbanXMLTests", dependencies: ["TongbanXML", "TongbanTesting"]),
        .testTarget(name: "TongbanMappingsTests", dependencies: ["TongbanMappings", "TongbanTesting"]),
        .testTarget(name: "TongbanGatewayTests", dependencies: [
            "TongbanGateway", "TongbanTesting", "TongbanPartners", "TongbanXML", "TongbanHTTPClient", "TongbanStorage",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ], exclude: ["Fixtures"]),
        .testTarget(name: "TongbanSimulatorTests", dependencies: [
            "TongbanSimulator", "TongbanTesting",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "TongbanStorageTests", dependencies: ["TongbanStorage", "TongbanTesting"]),
        .testTarget(name: "TongbanHTTPClientTests", dependencies: ["TongbanHTTPClient", "TongbanTesting"], exclude: ["Fixtures"]),
        .testTarget(name: "TongbanContractTests", dependencies: ["TongbanContracts", "TongbanTesting"]),
        // Runs the built `tongban` binary; depending on it makes `swift test` build it first.
        .testTarget(name: "TongbanCLITests", dependencies: ["TongbanTesting", "TongbanStorage", "tongban"]),
        // Runs `tongban serve` and `tongban simulate` as processes: both directions, duplicates,
        // signatures, permanent errors, a SIGKILL mid-stream and a partner outage.
        .testTarget(name: "TongbanEndToEndTests", dependencies: ["TongbanTesting", "TongbanHTTPClient", "TongbanPartners", "TongbanStorage", "tongban"]),
    ],
    swiftLanguageModes: [.v6]
)
