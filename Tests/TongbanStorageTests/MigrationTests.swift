import Foundation
import Testing
@testable import TongbanStorage

@Suite struct MigrationTests {
    @Test func migrationsApplyOnceInOrder() async throws {
        try await withStore(migrated: false) { store in
            #expect(store.migrationNames.first == "0001-cases")
            #expect(store.migrationNames == store.migrationNames.sorted())
            #expect(Set(store.migrationNames).count == store.migrationNames.count)

            #expect(try await store.migrate() == store.migrationNames)
            #expect(try await store.migrate() == [])

            let recorded = try await store.onReader { reader in
                try reader.db.query("SELECT name, applied_at FROM schema_migrations ORDER BY name") {
                    ($0.text(0), $0.int64(1))
                }
            }
            #expect(recorded.map(\.0) == store.migrationNames)
            #expect(recorded.allSatisfy { $0.1 > 1_600_000_000_000 })
        }
    }

    @Test func readyOnlyOnceMigrated() async throws {
        try await withStore(migrated: false) { store in
            #expect(await store.isReady() == false)
            _ = try await store.migrate()
            #expect(await store.isReady())
        }
    }

    @Test func readyIsFalseWhenAMigrationIsMissing() async throws {
        try await withStore { store in
            let last = try #require(store.migrationNames.last)
            _ = try await store.onWriterConnection { db in
                try db.execute("DELETE FROM schema_migrations WHERE name = ?", [last])
            }
            #expect(await store.isReady() == false)
        }
    }

    @Test func journalIsWALAndCommitsAreFullySynced() async throws {
        try await withStore { store in
            let (mode, synchronous, foreignKeys) = try await store.onWriterConnection { db in
                (try db.queryFirst("PRAGMA journal_mode") { $0.text(0) },
                 try db.queryFirst("PRAGMA synchronous") { $0.int(0) },
                 try db.queryFirst("PRAGMA foreign_keys") { $0.int(0) })
            }
            #expect(mode == "wal")
            #expect(synchronous == 2)  // FULL
            #expect(foreignKeys == 1)
        }
    }

    @Test func reopeningKeepsTheData() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/gateway.sqlite"
            let first = try SQLiteStore(path: path)
            _ = try await first.migrate()
            let stored = try await first.insertSampleCase(Sample.caseRecord("c1"))
            await first.close()

            let second = try SQLiteStore(path: path)
            #expect(await second.isReady())
            #expect(try await second.migrate() == [])
            let reread = try await second.read { try $0.caseRecord(id: "c1") }
            await second.close()
            #expect(reread == stored)
        }
    }

    @Test func openingAnImpossiblePathNamesIt() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/missing/dir/gateway.sqlite"
            let error = #expect(throws: StoreError.self) { _ = try SQLiteStore(path: path) }
            guard case .engine(let message) = error else {
                Issue.record("expected an engine error, got \(String(describing: error))")
                return
            }
            #expect(message.hasPrefix(path + ": "))
        }
    }

    @Test func openingAFileThatIsNotADatabaseFails() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/garbage.sqlite"
            try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: StoreError.self) { _ = try SQLiteStore(path: path) }
            guard case .engine(let message) = error else {
                Issue.record("expected an engine error, got \(String(describing: error))")
                return
            }
            #expect(message.hasPrefix(path + ": "))
            #expect(message.contains("not a database"))
        }
    }

    @Test func aClosedStoreRefusesWork() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteStore(path: directory + "/gateway.sqlite")
            _ = try await store.migrate()
            await store.close()
            await #expect(throws: StoreError.self) { try await store.read { try $0.caseRecord(id: "x") } }
            await #expect(throws: StoreError.self) { try await store.insertSampleCase(Sample.caseRecord("x")) }
            #expect(await store.isReady() == false)
        }
    }
}
