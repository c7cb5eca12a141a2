import Foundation
import Testing
@testable import TongbanStorage

/// `tongban backup` and the restore procedure of docs/operations.md ("Backup and restore"), run
/// as an operator runs them, while the test holds the database open the way the gateway does.
struct BackupCommandTests {
    /// A fresh directory, removed after `body`.
    func withDirectory(_ body: (String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tongban-backup-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await body(directory)
    }

    /// A data directory (inside `directory`) whose database holds `count` accepted cases, each
    /// with its transfer and its message log entry, and is still open.
    func withGatewayDatabase(_ count: Int, in directory: String, _ body: (String, SQLiteStore) async throws -> Void) async throws {
        let data = directory + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: data + "/tongban.sqlite")
        _ = try await store.migrate()
        for index in 1...count {
            let id = "case-\(index)"
            try await store.write { writer in
                _ = try writer.insertCase(
                    CaseRecord(id: id, direction: .outbound, origin: "window-a", partner: "henan-tongbai", caseNumber: "N-\(index)",
                               version: 1, matterCode: "M01", status: nil, createdAt: 1_000, updatedAt: 1_000),
                    firstVersion: CaseVersionRecord(caseID: id, version: 1, digest: String(repeating: "ab", count: 32),
                                                    canonical: Array("{\"case\":\"\(id)\"}".utf8), createdAt: 1_000))
                let transfer = try writer.insertTransfer(
                    TransferRecord(caseID: id, destination: "henan-tongbai", kind: .case, messageID: "BWBH-\(index)",
                                   payload: Array("<KSTB n=\"\(index)\"/>".utf8), contentType: "application/xml", state: .pending,
                                   nextAttemptAt: 1_000, createdAt: 1_000))
                _ = try writer.appendLog(MessageLogDraft(at: 1_000, direction: .inbound, party: "window-a", caseID: id,
                                                         transferID: transfer.id, body: Array(id.utf8), httpStatus: 202,
                                                         actor: "local:window-a"))
            }
        }
        do { try await body(data, store) } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    @Test func aBackupWhileTheDatabaseIsInUsePrintsWhatItHolds() async throws {
        try await withDirectory { directory in
            try await withGatewayDatabase(3, in: directory) { data, _ in
                let file = directory + "/tongban-backup.sqlite"
                let run = try CommandLineTests().tongban(["backup", file, "--data-directory", data])
                #expect(run.status == 0, "\(run.stderr)")
                let size = Double(try Data(contentsOf: URL(fileURLWithPath: file)).count)
                #expect(run.text == "backup of \(data)/tongban.sqlite written to \(file): \(String(format: "%.1f", size / 1024)) KiB, "
                    + "3 cases, 3 transfers, 3 message log entries; integrity ok\n")
                #expect(!FileManager.default.fileExists(atPath: file + ".partial"))
            }
        }
    }

    @Test func anExistingFileIsReplacedOnlyWithForce() async throws {
        try await withDirectory { directory in
            try await withGatewayDatabase(1, in: directory) { data, _ in
                let file = directory + "/tongban-backup.sqlite"
                try Data("yesterday's backup".utf8).write(to: URL(fileURLWithPath: file))
                let refused = try CommandLineTests().tongban(["backup", file, "--data-directory", data])
                #expect(refused.status == 2)
                #expect(refused.stderr == "\(file): already exists; pass --force to replace it\n")
                #expect(try String(contentsOfFile: file, encoding: .utf8) == "yesterday's backup")

                let forced = try CommandLineTests().tongban(["backup", file, "--data-directory", data, "--force"])
                #expect(forced.status == 0, "\(forced.stderr)")
                #expect(forced.text.hasSuffix(" KiB, 1 case, 1 transfer, 1 message log entry; integrity ok\n"), "\(forced.text)")

                let itself = try CommandLineTests().tongban(["backup", data + "/tongban.sqlite", "--data-directory", data, "--force"])
                #expect(itself.status == 2)
                #expect(itself.stderr.contains("this is the database itself"), "\(itself.stderr)")
            }
        }
    }

    @Test func aMissingDatabaseOrAnUnwritableFileExitsTwoNamingThePath() async throws {
        try await withDirectory { directory in
            let missing = try CommandLineTests().tongban(["backup", directory + "/b.sqlite", "--data-directory", "/nonexistent/tongban"])
            #expect(missing.status == 2)
            #expect(missing.stderr == "/nonexistent/tongban/tongban.sqlite: no database here (has the gateway run with this configuration?)\n")
            #expect(!FileManager.default.fileExists(atPath: directory + "/b.sqlite"))

            try await withGatewayDatabase(1, in: directory) { data, _ in
                let file = directory + "/no-such-folder/b.sqlite"
                let unwritable = try CommandLineTests().tongban(["backup", file, "--data-directory", data])
                #expect(unwritable.status == 2)
                #expect(unwritable.stderr.hasPrefix(file + ": "), "\(unwritable.stderr)")
            }
        }
    }

    /// The restore procedure: the backup, put in place as `tongban.sqlite` in a data directory
    /// of its own, is a database whose message log verifies, holding what was written before the
    /// backup and nothing after.
    @Test func theRestoredBackupPassesLogVerify() async throws {
        try await withDirectory { directory in
            try await withGatewayDatabase(5, in: directory) { data, store in
                let file = directory + "/tongban-backup.sqlite"
                let backup = try CommandLineTests().tongban(["backup", file, "--data-directory", data])
                #expect(backup.status == 0, "\(backup.stderr)")
                // Accepted after the backup: a restore loses it.
                try await store.write { writer in _ = try writer.appendLog(MessageLogDraft(at: 2_000, direction: .inbound, party: "window-a", actor: "local:window-a")) }

                let restored = directory + "/restored"
                try FileManager.default.createDirectory(atPath: restored, withIntermediateDirectories: true)
                try FileManager.default.moveItem(atPath: file, toPath: restored + "/tongban.sqlite")
                let verify = try CommandLineTests().tongban(["log", "verify", "--data-directory", restored])
                #expect(verify.status == 0, "\(verify.stderr)")
                #expect(verify.text.hasPrefix("message log intact: 5 entries; last entry 5:"), "\(verify.text)")

                let reopened = try SQLiteStore(path: restored + "/tongban.sqlite")
                let isReady = await reopened.isReady()
                let cases = try await reopened.read { try $0.cases(matching: CaseFilter(), after: nil, limit: 100) }
                await reopened.close()
                #expect(isReady)
                #expect(Set(cases.map(\.id)) == Set((1...5).map { "case-\($0)" }))
            }
        }
    }
}
