import Foundation
import Logging
import TongbanCore
import TongbanStorage

extension GatewayConfiguration {
    /// 1 GiB: at the intake benchmark's rate a few minutes of cases, and room for hours of
    /// deliveries, acknowledgements and their log entries while an operator makes space.
    public static let defaultMinimumFreeBytes: Int64 = 1 << 30

    /// `storage: {minFreeSpace: 1GiB, encryption: {current: ID, keys: [{id: ID, file: PATH}]}}`,
    /// both optional. The key files are read here, so a missing, unreadable or malformed key
    /// stops the gateway (and every command reading the configuration) at start, naming the key
    /// id, its file and the configuration's line, before any record is written or read.
    mutating func applyStorage(_ node: YAMLNode) throws(MappingError) {
        let storage = try node.fields(allowed: ["minFreeSpace", "encryption"])
        if let size = storage["minFreeSpace"] { minimumFreeBytes = try size.byteSize() }
        if let encryption = storage["encryption"] { storageKeys = try Self.keyring(encryption) }
    }

    /// `{current: ID, keys: [{id: ID, file: PATH}, …]}`: the current key seals what is written
    /// from now on, every listed key opens what it sealed.
    static func keyring(_ node: YAMLNode) throws(MappingError) -> StorageKeyring {
        let fields = try node.fields(allowed: ["current", "keys"], required: ["current", "keys"])
        var keys: [StorageKey] = []
        let list = try fields.required("keys").sequence("a list of keys, each {id: ID, file: PATH}")
        guard !list.isEmpty else { throw try fields.required("keys").error("list at least the current key") }
        for item in list {
            let entry = try item.fields(allowed: ["id", "file"], required: ["id", "file"])
            let id = try entry.required("id").string("a key id")
            let file = try entry.required("file").string("the path of the key file")
            do { keys.append(try StorageKey.read(id: id, file: file)) } catch {
                throw item.error("storage.encryption.keys: \(error.description)")
            }
        }
        let current = try fields.required("current")
        let currentID = try current.string("a key id")
        do { return try StorageKeyring(current: currentID, keys: keys) } catch {
            throw current.error("storage.encryption: \(error.description)")
        }
    }

    /// Opens the store in `dataDirectory` with the configured keys (created if needed, not yet
    /// migrated), and says at warning what an operator should know: records written in clear
    /// without `storage.encryption`, or key files other users may read.
    public func openStore(logger: Logger, readers: Int = 2) throws -> SQLiteStore {
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        if storageKeys.current == nil {
            logger.warning("storage.encryption is not configured: payloads, canonical cases and message bodies are stored in clear",
                           metadata: ["database": "\(databasePath)"])
        }
        for key in storageKeys.byID.values.sorted(by: { $0.id < $1.id }) {
            var status = stat()
            if stat(key.file, &status) == 0, status.st_mode & 0o077 != 0 {
                logger.warning("a storage key file is readable by other users: chmod 600 it",
                               metadata: ["key": "\(key.id)", "file": "\(key.file)"])
            }
        }
        return try SQLiteStore(path: databasePath, readers: readers, keys: storageKeys)
    }
}

extension YAMLNode {
    /// `0`, `4096B`, `512KiB`, `200MiB`, `1GiB` or `1TiB`: binary units, so the figure is the one
    /// `df -h` shows.
    func byteSize() throws(MappingError) -> Int64 {
        let text = try string("a size such as 1GiB")
        if text == "0" { return 0 }
        let units: [(String, Int64)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40), ("B", 1)]
        for (suffix, bytes) in units where text.hasSuffix(suffix) {
            if let value = Int64(text.dropLast(suffix.count)), value >= 0, value <= (1 << 20) {
                return value * bytes
            }
        }
        throw error("\(text) is not a size: write a whole number and a unit, B, KiB, MiB, GiB or TiB (e.g. 1GiB), or 0 to turn the check off")
    }
}

extension GatewayConfiguration {
    /// The database file in `dataDirectory`.
    public var databasePath: String {
        dataDirectory.appendingPathComponent("tongban.sqlite").path
    }
}
