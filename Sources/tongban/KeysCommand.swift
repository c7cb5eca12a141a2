import ArgumentParser
import Foundation
import Synchronization
import TongbanStorage

/// `tongban keys`: the keys payloads, canonical cases and message bodies are sealed with at rest
/// (`storage.encryption`, docs/operations.md "Keys and rotation").
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Storage encryption keys: make one, re-seal the records with the current one, count their use.",
        subcommands: [KeysGenerateCommand.self, KeysRotateCommand.self, KeysStatusCommand.self])
}

/// `tongban keys generate FILE`: a new random key, mode 0600, never over an existing file.
struct KeysGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Write a new random storage key (AES-256, base64) to FILE, readable by its owner only.")

    @Argument(help: "The key file to create; it must not exist.")
    var file: String

    func run() throws {
        do { try StorageKey.generate(file: file) } catch { throw ConfigurationProblem(message: error.description) }
        print("key written to \(file) (mode 0600): list it under storage.encryption.keys as {id: NEW-ID, file: \(file)}, "
              + "make it current, reload the gateway, then run `tongban keys rotate`")
    }
}

/// `tongban keys rotate`: every record not sealed with the current key (in clear from before
/// encryption, or under an older key) is sealed with it, in small batches, with the gateway
/// running or not. Exit 0 when every record is under the current key, 1 when some are not (a
/// gateway still sealing with an older key, or a record that does not open), 2 for configuration
/// problems (no encryption configured, a key not listed).
struct KeysRotateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Seal every record with the current storage key (records in clear and under older keys), in small batches.",
        discussion: """
            Safe while the gateway runs and safe to interrupt: a second run skips what is done. \
            Reload the gateway (SIGHUP) after making the new key current and before rotating, \
            so it seals new records with it too.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Rows per transaction: the longest the gateway's writes wait for a batch.")
    var batch: Int = 500

    func validate() throws {
        guard (1...10_000).contains(batch) else { throw ValidationError("--batch must be 1 to 10000 rows") }
        guard database.dataDirectory == nil else { throw ValidationError("--data-directory reads no key: pass --config with storage.encryption") }
    }

    func run() async throws {
        let store = try await database.openMigratedStore()
        guard let current = store.keys.current else {
            await store.close()
            throw ConfigurationProblem(message: "\(database.config): storage.encryption is not configured: there is no key to seal the records with")
        }
        // Written at once, not buffered: a long rotation piped to a log shows its progress.
        @Sendable func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        say("sealing every record with key '\(current.id)' (\(store.path))")
        let census: SealCensus
        // A line per table when it is done, and one every few seconds meanwhile.
        let lastLine = Mutex(ContinuousClock.now)
        do {
            census = try await store.reseal(batchSize: batch) { progress in
                let due = lastLine.withLock { last in
                    guard progress.finished || ContinuousClock.now - last >= .seconds(5) else { return false }
                    last = ContinuousClock.now
                    return true
                }
                if due { say("\(progress.table): \(progress.checked) of \(progress.total) rows checked, \(progress.resealed) values sealed anew") }
            }
        } catch {
            await store.close()
            throw KeysStatusCommand.problem(error)
        }
        await store.close()
        KeysStatusCommand.report(census, current: current.id, configured: Set(store.keys.byID.keys))
        let left = census.notUnder(current.id)
        guard left == 0 else {
            throw InputRefused(lines: ["\(left) values are still not sealed with '\(current.id)': a gateway still sealing with an older key "
                                       + "(reload it with SIGHUP, then run this again), or values written while this ran"])
        }
        print("every record is sealed with '\(current.id)': keys no record uses can be removed from storage.encryption.keys "
              + "(keep their files while backups taken before this rotation are kept)")
    }
}

/// `tongban keys status`: how many values each key seals, and how many are in clear.
struct KeysStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Count the stored values by the key that seals them (or in clear), column by column.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let store = try await database.openMigratedStore()
        let census: SealCensus
        do { census = try await store.census() } catch {
            await store.close()
            throw Self.problem(error)
        }
        await store.close()
        // With --data-directory no key was read: nothing to say about which are configured.
        Self.report(census, current: store.keys.current?.id, configured: database.dataDirectory == nil ? Set(store.keys.byID.keys) : nil)
    }

    /// One line per key and column, then what the figures mean for the configured keys.
    static func report(_ census: SealCensus, current: String?, configured: Set<String>?) {
        for keyID in census.sealed.keys.sorted() {
            let note = keyID == current ? " (current)" : configured?.contains(keyID) ?? true ? "" : " (NOT CONFIGURED: these cannot be read)"
            print("key '\(keyID)'\(note): \(census.count(keyID: keyID)) values")
            for column in SealedColumn.allCases {
                if let count = census.sealed[keyID]?[column] { print("  \(column.rawValue): \(count)") }
            }
        }
        if census.clearCount > 0 {
            print("in clear: \(census.clearCount) values")
            for column in SealedColumn.allCases {
                if let count = census.clear[column] { print("  \(column.rawValue): \(count)") }
            }
        }
        if census.unreadableCount > 0 { print("unreadable headers: \(census.unreadableCount) values") }
        let unused = (configured ?? []).filter { census.count(keyID: $0) == 0 && $0 != current }.sorted()
        if !unused.isEmpty { print("configured keys no record uses: \(unused.joined(separator: ", "))") }
    }

    /// A record that does not open is a damaged database (exit 1); a key not configured, or
    /// no encryption, is a configuration problem (exit 2). Both name the record.
    static func problem(_ error: any Error) -> any Error {
        if let sealed = error as? SealedRecordError {
            if case .keyNotConfigured = sealed.problem { return ConfigurationProblem(message: sealed.description) }
            return InputRefused(lines: [sealed.description])
        }
        if let reseal = error as? ResealError { return ConfigurationProblem(message: reseal.description) }
        return BackupCommand.problem(error)
    }
}
