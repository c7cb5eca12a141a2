import Foundation
import Synchronization
import Testing
import TongbanTesting
@testable import TongbanStorage

/// `tongban keys` and the runbook's "Keys and rotation" and "Backup and restore" with encryption,
/// run with the built binary while the test holds the database open the way the gateway does.
struct KeysCommandTests {
    let cli = CommandLineTests()

    /// A fresh directory with a data directory in it, removed after `body`.
    func withDirectory(_ body: (String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tongban-keys-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await body(directory)
    }

    /// The sample configuration on `data`, sealing with `current` and opening with `keys` (files
    /// in `directory`, `ID.key`); no `storage.encryption` when `keys` is empty. Answers its path.
    func configuration(_ directory: String, current: String? = nil, keys: [String] = [], name: String = "tongban.yaml") throws -> String {
        var lines = try String(contentsOf: Repository.root.appendingPathComponent("ops/config/tongban.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "dataDirectory: .tongban/data", with: "dataDirectory: \(directory)/data")
            .components(separatedBy: "\n")
        let start = try #require(lines.firstIndex { $0.hasPrefix("  encryption:") })
        var end = start + 1
        while end < lines.count, lines[end].hasPrefix("    ") { end += 1 }
        var block: [String] = []
        if let current {
            block = ["  encryption:", "    current: \(current)", "    keys:"] + keys.map { "      - {id: \($0), file: \(directory)/\($0).key}" }
        }
        lines.replaceSubrange(start..<end, with: block)
        let path = directory + "/" + name
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Writes `count` cases, each with its version, transfer and log entry holding a person.
    static func writeCases(_ store: SQLiteStore, _ range: ClosedRange<Int>, prefix: String = "case") async throws {
        for index in range {
            let id = "\(prefix)-\(index)"
            let person = Array("{\"name\":\"王建国\",\"idNumber\":\"42900119850312002X\",\"n\":\(index)}".utf8)
            try await store.write { writer in
                _ = try writer.insertCase(
                    CaseRecord(id: id, direction: .outbound, origin: "window-a", partner: "henan-tongbai", caseNumber: "N-\(id)",
                               version: 1, matterCode: "M01", createdAt: 1_000, updatedAt: 1_000),
                    firstVersion: CaseVersionRecord(caseID: id, version: 1, digest: MessageLogEntry.digest(person), canonical: person, createdAt: 1_000))
                let transfer = try writer.insertTransfer(
                    TransferRecord(caseID: id, destination: "henan-tongbai", kind: .case, messageID: "BWBH-\(id)", payload: person,
                                   contentType: "application/xml", nextAttemptAt: 1_000, createdAt: 1_000))
                _ = try writer.appendLog(MessageLogDraft(at: 1_000, direction: .inbound, party: "window-a", caseID: id, transferID: transfer.id,
                                                         body: person, httpStatus: 202, actor: "local:window-a"))
            }
        }
    }

    /// Runs the command on a thread of its own, so the test's tasks (the gateway's writes) go on
    /// while it runs instead of waiting for a blocked thread of Swift's pool.
    static func tongbanOffThePool(_ arguments: [String]) async throws -> CommandLineTests.Run {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try CommandLineTests().tongban(arguments) }) }.start()
        }
    }


    static func fileHolds(_ path: String, _ text: String) throws -> Bool {
        try RawFileBytes.read([path, path + "-wal"]).firstRange(of: Array(text.utf8)) != nil
    }

    @Test func generateWritesAnOwnerOnlyKeyAndNeverReplacesOne() async throws {
        try await withDirectory { directory in
            let file = directory + "/k1.key"
            let made = try cli.tongban(["keys", "generate", file])
            #expect(made.status == 0, "\(made.stderr)")
            #expect(made.text.hasPrefix("key written to \(file) (mode 0600)"))
            #expect((try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            #expect(try StorageKey.read(id: "k1", file: file).material.count == 32)
            let again = try cli.tongban(["keys", "generate", file])
            #expect(again.status == 2)
            #expect(again.stderr.contains("\(file) already exists"))
        }
    }

    /// The upgrade of a data directory from before encryption, then a rotation to a new key while
    /// the gateway writes (reloaded onto the new key), after which the old key is dropped.
    @Test func anExistingDatabaseIsSealedInPlaceThenRotatedWhileInUseAndTheOldKeyDropped() async throws {
        try await withDirectory { directory in
            let path = directory + "/data/tongban.sqlite"
            let gateway = try SQLiteStore(path: path)
            _ = try await gateway.migrate()
            try await Self.writeCases(gateway, 1...40)
            #expect(try cli.tongban(["keys", "generate", directory + "/k1.key"]).status == 0)
            let k1 = try configuration(directory, current: "k1", keys: ["k1"])

            let before = try cli.tongban(["keys", "status", "--config", k1])
            #expect(before.status == 0, "\(before.stderr)")
            #expect(before.text.contains("in clear: 120 values\n  case_versions.canonical: 40\n  transfers.payload: 40\n  message_log.body: 40\n"), "\(before.text)")

            // The gateway restarted with the key: what it writes is sealed, what it wrote reads as it was.
            gateway.useKeys(try StorageKeyring(current: "k1", keys: [StorageKey.read(id: "k1", file: directory + "/k1.key")]))
            try await Self.writeCases(gateway, 41...45)
            let upgraded = try cli.tongban(["keys", "rotate", "--config", k1, "--batch", "16"])
            #expect(upgraded.status == 0, "\(upgraded.stderr)")
            #expect(upgraded.text.contains("case_versions: 45 of 45 rows checked, 40 values sealed anew"), "\(upgraded.text)")
            #expect(upgraded.text.contains("message_log: 45 of 45 rows checked, 40 values sealed anew"))
            #expect(upgraded.text.hasSuffix("every record is sealed with 'k1': keys no record uses can be removed from storage.encryption.keys "
                                            + "(keep their files while backups taken before this rotation are kept)\n"))
            #expect(try !Self.fileHolds(path, "42900119850312002X"))
            #expect(try await gateway.read { try $0.version(caseID: "case-7", version: 1) }?.canonical.count ?? 0 > 0)

            // Rotation to k2: configured, the gateway reloaded, then rotated while it writes.
            #expect(try cli.tongban(["keys", "generate", directory + "/k2.key"]).status == 0)
            let both = try configuration(directory, current: "k2", keys: ["k1", "k2"])
            let k2 = try StorageKey.read(id: "k2", file: directory + "/k2.key")
            gateway.useKeys(try StorageKeyring(current: "k2", keys: [StorageKey.read(id: "k1", file: directory + "/k1.key"), k2]))
            let writing = Task {
                for index in 1...60 { try await Self.writeCases(gateway, index...index, prefix: "during") }
            }
            let rotated = try await Self.tongbanOffThePool(["keys", "rotate", "--config", both, "--batch", "10"])
            try await writing.value
            #expect(rotated.status == 0, "\(rotated.stderr)")
            let status = try cli.tongban(["keys", "status", "--config", both])
            #expect(status.text.contains("key 'k2' (current): 315 values"), "\(status.text)")
            #expect(status.text.contains("configured keys no record uses: k1"))

            // k1 removed from the configuration and from the gateway.
            let only = try configuration(directory, current: "k2", keys: ["k2"])
            gateway.useKeys(try StorageKeyring(current: "k2", keys: [k2]))
            #expect(try await gateway.read { try $0.messageLog(after: 0, limit: 500) }.count == 105)
            let verify = try cli.tongban(["log", "verify", "--config", only])
            #expect(verify.status == 0, "\(verify.stderr)")
            #expect(verify.text.hasPrefix("message log intact: 105 entries"))
            await gateway.close()
        }
    }

    @Test func aRotationWhileTheGatewayStillSealsWithTheOldKeyExitsOneSayingToReloadIt() async throws {
        try await withDirectory { directory in
            #expect(try cli.tongban(["keys", "generate", directory + "/k1.key"]).status == 0)
            #expect(try cli.tongban(["keys", "generate", directory + "/k2.key"]).status == 0)
            let k1 = try StorageKey.read(id: "k1", file: directory + "/k1.key")
            let gateway = try SQLiteStore(path: directory + "/data/tongban.sqlite", keys: try StorageKeyring(current: "k1", keys: [k1]))
            _ = try await gateway.migrate()
            try await Self.writeCases(gateway, 1...100)
            let both = try configuration(directory, current: "k2", keys: ["k1", "k2"])
            // Not reloaded: it goes on sealing with k1 until the command has finished, so what it
            // writes after the command has passed a table stays under k1.
            let running = Shared(true)
            let writing = Task.detached {
                var index = 0
                while running.withLock({ $0 }) {
                    index += 1
                    try await Self.writeCases(gateway, index...index, prefix: "stale")
                    // A gateway taking cases, not one committing back to back (see reseal's busy timeout).
                    try await Task.sleep(for: .milliseconds(2))
                }
                return index
            }
            let rotated = try await Self.tongbanOffThePool(["keys", "rotate", "--config", both, "--batch", "2"])
            running.withLock { $0 = false }
            let written = try await writing.value
            await gateway.close()
            // How many depends on the machine's load (the command's batches hold the write lock);
            // exit status 1 below is what proves some came after the command had passed a table.
            #expect(written >= 1, "no write while the command ran")
            #expect(rotated.status == 1)
            #expect(rotated.stderr.contains("values are still not sealed with 'k2': a gateway still sealing with an older key (reload it with SIGHUP, then run this again)"),
                    "\(rotated.stderr)")
            #expect(rotated.text.contains("key 'k1': "))
        }
    }

    @Test func backupsCopyTheSealedRowsAndRestoreWithTheKey() async throws {
        try await withDirectory { directory in
            #expect(try cli.tongban(["keys", "generate", directory + "/k1.key"]).status == 0)
            #expect(try cli.tongban(["keys", "generate", directory + "/k2.key"]).status == 0)
            let gateway = try SQLiteStore(path: directory + "/data/tongban.sqlite",
                                          keys: try StorageKeyring(current: "k1", keys: [StorageKey.read(id: "k1", file: directory + "/k1.key")]))
            _ = try await gateway.migrate()
            try await Self.writeCases(gateway, 1...5)
            let file = directory + "/backup.sqlite"
            let backup = try cli.tongban(["backup", file, "--data-directory", directory + "/data"])
            #expect(backup.status == 0, "\(backup.stderr)")
            await gateway.close()
            #expect(try !Self.fileHolds(file, "42900119850312002X") && !Self.fileHolds(file, "王建国"))

            // Restored into a data directory of its own, as the runbook says.
            try FileManager.default.createDirectory(atPath: directory + "/restored", withIntermediateDirectories: true)
            try FileManager.default.moveItem(atPath: file, toPath: directory + "/restored/tongban.sqlite")
            func restoredConfiguration(_ keys: [String], current: String) throws -> String {
                let config = try configuration(directory, current: current, keys: keys, name: "restored-\(current).yaml")
                let text = try String(contentsOfFile: config, encoding: .utf8)
                    .replacingOccurrences(of: "dataDirectory: \(directory)/data", with: "dataDirectory: \(directory)/restored")
                try text.write(toFile: config, atomically: true, encoding: .utf8)
                return config
            }
            let withKey = try cli.tongban(["log", "verify", "--config", try restoredConfiguration(["k1"], current: "k1")])
            #expect(withKey.status == 0, "\(withKey.stderr)")
            #expect(withKey.text.hasPrefix("message log intact: 5 entries"))
            let restored = try SQLiteStore(path: directory + "/restored/tongban.sqlite",
                                           keys: try StorageKeyring(current: "k1", keys: [StorageKey.read(id: "k1", file: directory + "/k1.key")]))
            let canonical = try await restored.read { try $0.version(caseID: "case-3", version: 1)?.canonical }
            await restored.close()
            #expect(canonical.map { String(decoding: $0, as: UTF8.self) }?.contains("王建国") == true)

            // Without the key file the backup is unreadable, and the commands say which key is missing.
            let withoutKey = try restoredConfiguration(["k2"], current: "k2")
            let verify = try cli.tongban(["log", "verify", "--config", withoutKey])
            #expect(verify.status == 2)
            #expect(verify.stderr.contains("message log entry 1, message_log.body: sealed with key 'k1', which is not configured"), "\(verify.stderr)")
            let status = try cli.tongban(["keys", "status", "--config", withoutKey])
            #expect(status.text.contains("key 'k1' (NOT CONFIGURED: these cannot be read): 15 values"), "\(status.text)")
        }
    }

    @Test func aMissingKeyFileOrATamperedRecordStopsTheCommandNamingIt() async throws {
        try await withDirectory { directory in
            let missing = try configuration(directory, current: "k1", keys: ["k1"])
            let refused = try cli.tongban(["keys", "status", "--config", missing])
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("cannot read the key file \(directory)/k1.key (key 'k1'): No such file or directory"), "\(refused.stderr)")

            #expect(try cli.tongban(["keys", "generate", directory + "/k1.key"]).status == 0)
            #expect(try cli.tongban(["keys", "generate", directory + "/k2.key"]).status == 0)
            let gateway = try SQLiteStore(path: directory + "/data/tongban.sqlite",
                                          keys: try StorageKeyring(current: "k1", keys: [StorageKey.read(id: "k1", file: directory + "/k1.key")]))
            _ = try await gateway.migrate()
            try await Self.writeCases(gateway, 1...3)
            try await gateway.onWriterConnection { db in
                _ = try db.execute("""
                    UPDATE transfers SET payload = substr(payload, 1, length(payload) - 1)
                        || (CASE WHEN substr(payload, -1) = X'FF' THEN X'00' ELSE X'FF' END) WHERE message_id = 'BWBH-case-2'
                    """)
            }
            await gateway.close()
            let rotated = try cli.tongban(["keys", "rotate", "--config", try configuration(directory, current: "k2", keys: ["k1", "k2"])])
            #expect(rotated.status == 1)
            #expect(rotated.stderr.contains("transfer 2 (message BWBH-case-2 to henan-tongbai), transfers.payload: does not open with key 'k1' (authentication failed)"),
                    "\(rotated.stderr)")
        }
    }
}

/// A value the test's tasks share.
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func withLock<T: Sendable>(_ body: (inout Value) -> T) -> T { value.withLock { body(&$0) } }
}
