import CLeakSanitizer
import Foundation
import TongbanCore
import TongbanMappings

/// The checked-out repository the fuzz targets read their mappings and schemas from.
public enum Repository {
    /// Found from this file's location, `ops/fuzz/Sources/FuzzSupport/Repository.swift`, so a
    /// target runs from any working directory.
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The shipped partners, loaded once per process: loading compiles every mapping and schema,
    /// far more work than one input.
    public static let catalog: MappingCatalog = {
        do throws(MappingErrors) {
            return try MappingCatalog.load(from: root.appendingPathComponent("mappings"))
        } catch {
            fatalError("the mappings under \(root.path) do not load: \(error)")
        }
    }()

    /// A fixed clock and message id, so that a crashing input reproduces exactly.
    public static let context = TranslationContext(now: Timestamp.parseRFC3339("2026-11-20T09:31:02+08:00")!,
                                                   uuid: "5f0c6a2e-8b1d-4c3a-9e7f-2d4b6a8c0e11")
}

/// Stops the fuzzer on a broken invariant; libFuzzer saves the input as a crash.
public func invariant(_ holds: Bool, _ message: @autoclosure () -> String) {
    if !holds { fatalError("invariant broken: \(message())") }
}

/// Called by libFuzzer once before the first input, to load what every input shares: the
/// catalog, and the XSD validation contexts the schemas keep for reuse.
///
/// Loading here keeps that cost out of the first input's time, which `-timeout` would count. It
/// runs with LeakSanitizer off because these objects live as long as the process but are held in
/// Swift enum payloads, whose pointers carry tag bits that LeakSanitizer does not follow: it would
/// report them as leaked, at exit and after any input that allocates more than it frees.
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    __lsan_disable()
    defer { __lsan_enable() }
    for partner in Repository.catalog.partners {
        for kind in MessageKind.allCases {
            _ = partner.partnerSchemaIssues(Array("<empty/>".utf8), kind: kind)
        }
    }
    return 0
}
