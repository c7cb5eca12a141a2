import ArgumentParser
import Foundation
import TongbanGateway
import TongbanStorage

/// Where the embedded database is, for the commands that read it directly (`tongban log
/// verify`, `tongban backup`, `tongban keys`), with the gateway running or not.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "The gateway's configuration file (for its data directory and storage keys).")
    var config: String = "ops/config/tongban.yaml"

    @Option(help: "The data directory itself, instead of reading it from --config (which needs the partners' secrets); no storage key is read then.")
    var dataDirectory: String?

    /// The database file's path; refused when there is none (a wrong directory is the likely cause).
    func databasePath() throws -> String {
        try location().path
    }

    /// The database file's path and the keys its sealed records open with: the configuration's
    /// `storage.encryption`, or none with `--data-directory`.
    func location() throws -> (path: String, keys: StorageKeyring) {
        var keys = StorageKeyring.none
        let directory: URL
        if let dataDirectory {
            directory = URL(fileURLWithPath: dataDirectory)
        } else {
            let configuration = try GatewayConfiguration.load(file: URL(fileURLWithPath: config))
            directory = configuration.dataDirectory
            keys = configuration.storageKeys
        }
        let path = directory.appendingPathComponent("tongban.sqlite").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigurationProblem(message: "\(path): no database here (has the gateway run with this configuration?)")
        }
        return (path, keys)
    }

    /// The store, opened for a command: refused (exit 2) unless every migration is applied.
    func openMigratedStore() async throws -> SQLiteStore {
        let (path, keys) = try location()
        let store: SQLiteStore
        do { store = try SQLiteStore(path: path, readers: 1, keys: keys) } catch { throw BackupCommand.problem(error) }
        guard await store.isReady() else {
            await store.close()
            throw ConfigurationProblem(message: "\(path): the database is not at this version's schema; start the gateway once to migrate it")
        }
        return store
    }
}
