import Foundation
import Testing
@testable import TongbanStorage

/// `SQLiteStore.backup(to:)`: a consistent copy while writes go on, written so that a failed or
/// interrupted backup never leaves a file that looks complete.
@Suite struct BackupTests {
    /// Stores case `id` the way an accepted submission does: the case, its first version, its
    /// transfer and its message log entry, in one write.
    static func submit(_ id: String, to store: SQLiteStore) async throws {
        try await store.write { writer in
            _ = try writer.insertCase(Sample.caseRecord(id), firstVersion: Sample.version(of: id))
            let transfer = try writer.insertTransfer(Sample.transfer(id, messageID: "m-\(id)"))
            _ = try writer.appendLog(MessageLogDraft(at: 1_000, direction: .inbound, party: "window-a", caseID: id,
                                                     transferID: transfer.id, body: Array(id.utf8), actor: "local:window-a"))
        }
    }

    static func count(_ table: String, in store: SQLiteStore) async throws -> Int {
        try await store.onReader { reader in try reader.db.queryFirst("SELECT COUNT(*) FROM \(table)") { $0.int(0) } ?? 0 }
    }

    @Test func aBackupWhileWritesGoOnHoldsEveryCommitBeforeItAndNothingHalfWritten() async throws {
        try await withStore { store in
            let directory = URL(fileURLWithPath: store.path).deletingLastPathComponent().path
            let writers = 4, minimumEach = 500
            // Each writer submits its cases one after the other, so the cases of one writer that
            // a consistent copy holds are the first ones it wrote. Writers go on until the backup
            // is done (their task is cancelled), and to at least 2,000 writes in all.
            let writing = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0..<writers {
                        group.addTask {
                            var written = 0
                            while written < minimumEach || !Task.isCancelled {
                                try await Self.submit("w\(writer)-\(written)", to: store)
                                written += 1
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            while try await Self.count("cases", in: store) < 200 { try await Task.sleep(for: .milliseconds(5)) }

            let report = try await store.backup(to: directory + "/backup.sqlite")
            writing.cancel()
            try await writing.value
            #expect(report.path == directory + "/backup.sqlite")
            #expect(report.cases >= 200)
            #expect(try await Self.count("cases", in: store) > report.cases, "the writes did not go on during the backup")
            #expect(!FileManager.default.fileExists(atPath: directory + "/backup.sqlite.partial"))

            let copy = try SQLiteStore(path: report.path)
            do {
                #expect(await copy.isReady())
                #expect(try await copy.migrate() == [])
                let integrity = try await copy.onReader { reader in try reader.db.query("PRAGMA integrity_check") { $0.text(0) } }
                #expect(integrity == ["ok"])
                let (cases, versions, transfers, logged) = try await copy.onReader { reader in
                    (try reader.db.query("SELECT id FROM cases") { $0.text(0) },
                     try reader.db.query("SELECT case_id FROM case_versions WHERE version = 1") { $0.text(0) },
                     try reader.db.query("SELECT case_id FROM transfers") { $0.text(0) },
                     try reader.db.query("SELECT case_id FROM message_log") { $0.text(0) })
                }
                #expect(cases.count == report.cases)
                #expect(transfers.count == report.transfers)
                #expect(logged.count == report.messageLogEntries)
                // Every case the copy holds has its version, transfer and log entry, and each
                // writer's cases are a prefix of what it wrote.
                #expect(Set(versions) == Set(cases) && versions.count == cases.count)
                #expect(Set(transfers) == Set(cases) && transfers.count == cases.count)
                #expect(Set(logged) == Set(cases) && logged.count == cases.count)
                for writer in 0..<writers {
                    let written = cases.filter { $0.hasPrefix("w\(writer)-") }
                    #expect(Set(written) == Set((0..<written.count).map { "w\(writer)-\($0)" }), "writer \(writer)")
                }
                let verification = try await MessageLogVerifier.verify(copy)
                #expect(verification.problem == nil)
                #expect(verification.checked == Int64(cases.count))
            } catch {
                await copy.close()
                throw error
            }
            await copy.close()
        }
    }

    @Test func aBackupReplacesALeftoverPartialFileAndTheFileThere() async throws {
        try await withStore { store in
            try await Self.submit("c1", to: store)
            let destination = URL(fileURLWithPath: store.path).deletingLastPathComponent().path + "/backup.sqlite"
            try Data("interrupted".utf8).write(to: URL(fileURLWithPath: destination + ".partial"))
            try Data("older backup".utf8).write(to: URL(fileURLWithPath: destination))

            let report = try await store.backup(to: destination)
            #expect(report.cases == 1 && report.transfers == 1 && report.messageLogEntries == 1)
            #expect(Int64(try Data(contentsOf: URL(fileURLWithPath: destination)).count) == report.bytes)
            #expect(!FileManager.default.fileExists(atPath: destination + ".partial"))
        }
    }

    @Test func aFailedBackupNamesTheFileAndLeavesNothing() async throws {
        try await withStore { store in
            let directory = URL(fileURLWithPath: store.path).deletingLastPathComponent().path
            let destination = directory + "/missing/backup.sqlite"
            let error = await #expect(throws: StoreError.self) { try await store.backup(to: destination) }
            guard case .engine(let message) = error else {
                Issue.record("expected an engine error, got \(String(describing: error))")
                return
            }
            #expect(message.hasPrefix(destination + ": "), "\(message)")
            let left = try FileManager.default.contentsOfDirectory(atPath: directory)
            #expect(left.allSatisfy { $0.hasPrefix("gateway.sqlite") }, "\(left)")
        }
    }

    @Test func aDatabaseNotAtThisVersionsSchemaIsNotBackedUp() async throws {
        try await withStore { store in
            let last = try #require(store.migrationNames.last)
            _ = try await store.onWriterConnection { db in
                try db.execute("DELETE FROM schema_migrations WHERE name = ?", [last])
            }
            let destination = URL(fileURLWithPath: store.path).deletingLastPathComponent().path + "/backup.sqlite"
            let error = await #expect(throws: StoreError.self) { try await store.backup(to: destination) }
            #expect(error == .engine("\(destination): the copy lacks migrations \(last): the database is not at this version's schema"))
            #expect(!FileManager.default.fileExists(atPath: destination))
            #expect(!FileManager.default.fileExists(atPath: destination + ".partial"))
        }
    }
}
