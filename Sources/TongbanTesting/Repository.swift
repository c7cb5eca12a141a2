import Foundation
import TongbanCore
import TongbanMappings

/// Paths of the checked-out repository, for tests that use the real mappings and contracts.
public enum Repository {
    /// The package root, found from this file's location (Sources/TongbanTesting/Repository.swift).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var mappings: URL { root.appendingPathComponent("mappings") }
    public static var contracts: URL { root.appendingPathComponent("contracts") }

    /// The shipped mapping catalog, loaded once per test process.
    public static func catalog() throws -> MappingCatalog {
        try CatalogCache.shared.get()
    }
}

private final class CatalogCache: @unchecked Sendable {
    static let shared = CatalogCache()
    private let lock = NSLock()
    private var cached: Result<MappingCatalog, MappingErrors>?

    func get() throws -> MappingCatalog {
        lock.lock()
        defer { lock.unlock() }
        if cached == nil {
            cached = Result { () throws(MappingErrors) -> MappingCatalog in try MappingCatalog.load(from: Repository.mappings) }
        }
        return try cached!.get()
    }
}
