import Foundation
import TongbanMappings

/// Loads the mapping catalog for a command, turning a missing folder into a clear message.
enum MappingCatalogLoader {
    static func load(_ path: String) throws -> MappingCatalog {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigurationProblem(message: "\(path): no mappings folder here; run from the project folder or pass --mappings")
        }
        return try MappingCatalog.load(from: URL(fileURLWithPath: path).standardizedFileURL)
    }
}
