// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "tongban",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tongban", targets: ["tongban"]),
        .library(name: "TongbanCore", targets: ["TongbanCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // System libraries, linked through pkg-config; `ops/setup.sh` installs their -dev packages.
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

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
        // Helpers shared by the test targets (repository paths, sample cases).
        .target(name: "TongbanTesting", dependencies: ["TongbanMappings"]),
        .executableTarget(
            name: "tongban",
            dependencies: [
                "TongbanMappings", "TongbanContracts", "TongbanXML",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "TongbanCoreTests", dependencies: ["TongbanCore", "TongbanTesting"], exclude: ["Fixtures"]),
        .testTarget(name: "TongbanXMLTests", dependencies: ["TongbanXML", "TongbanTesting"]),
        .testTarget(name: "TongbanMappingsTests", dependencies: ["TongbanMappings", "TongbanTesting"]),
        .testTarget(name: "TongbanContractTests", dependencies: ["TongbanContracts", "TongbanTesting"]),
        // Runs the built `tongban` binary; depending on it makes `swift test` build it first.
        .testTarget(name: "TongbanCLITests", dependencies: ["TongbanTesting", "tongban"]),
    ],
    swiftLanguageModes: [.v6]
)
