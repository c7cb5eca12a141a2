// swift-tools-version:6.0
import PackageDescription

/// libFuzzer targets for Tongban's parsers and validators, one executable per target.
///
/// A package of its own so that the main package's `swift build` and `swift test` never see a
/// `LLVMFuzzerTestOneInput` or link libFuzzer. `run.sh` builds it with
/// `-sanitize=fuzzer,address`, which instruments the Tongban modules too.
let package = Package(
    name: "tongban-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        // `tongban` is a symlink to the repository root (../..). SwiftPM names a path dependency
        // after its last path component, so the link gives the root package the same name,
        // `tongban`, whatever the checkout's folder is called.
        .package(path: "tongban"),
    ],
    targets: [
        // The repository's paths and the shipped mapping catalog, shared by the targets.
        .target(name: "FuzzSupport", dependencies: ["CLeakSanitizer", core, mappings]),
        .systemLibrary(name: "CLeakSanitizer"),
        // A canonical case (or status update) as JSON: parsed, validated, written back.
        .executableTarget(name: "fuzz-case", dependencies: ["FuzzSupport", core], swiftSettings: entryPointOnly),
        // A partner XML payload: parsed, written canonically, and checked with each partner's XSD.
        .executableTarget(name: "fuzz-xml", dependencies: ["FuzzSupport", core, mappings, .product(name: "TongbanXML", package: "tongban")],
                          swiftSettings: entryPointOnly),
        // Any JSON checked against each partner's JSON Schemas.
        .executableTarget(name: "fuzz-jsonschema", dependencies: ["FuzzSupport", core, mappings], swiftSettings: entryPointOnly),
        // A local or partner message through every partner's mappings, out and back in.
        .executableTarget(name: "fuzz-mapping", dependencies: ["FuzzSupport", core, mappings], swiftSettings: entryPointOnly),
    ],
    swiftLanguageModes: [.v6]
)

/// libFuzzer supplies `main`; the target only defines `LLVMFuzzerTestOneInput`.
var entryPointOnly: [SwiftSetting] { [.unsafeFlags(["-parse-as-library"])] }

var core: Target.Dependency { .product(name: "TongbanCore", package: "tongban") }
var mappings: Target.Dependency { .product(name: "TongbanMappings", package: "tongban") }
