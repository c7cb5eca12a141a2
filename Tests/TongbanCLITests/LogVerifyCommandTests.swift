import Foundation
import Testing
@testable import TongbanStorage

/// `tongban log verify` on a database written through the store, as an operator runs it.
struct LogVerifyCommandTests {
    /// A data directory whose database holds `count` logged messages.
    func withLoggedDatabase(_ count: Int, _ body: (String, SQLiteStore) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tongban-log-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore(path: directory + "/tongban.sqlite")
        _ = try await store.migrate()
        for index in 1...count {
            let draft = MessageLogDraft(at: Int64(index), direction: .inbound, party: "henan-tongbai", messageID: "BWBH-\(index)",
                                        body: Array("<KSTB n=\"\(index)\"/>".utf8), httpStatus: 200, actor: "partner:henan-tongbai")
            _ = try await store.write { try $0.appendLog(draft) }
        }
        do { try await body(directory, store) } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    @Test func anIntactLogPrintsItsLastEntryForLaterAnchoring() async throws {
        try await withLoggedDatabase(3) { directory, store in
            let head = try #require(try await store.read { try $0.messageLogHead() })
            let run = try CommandLineTests().tongban(["log", "verify", "--data-directory", directory])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.text == "message log intact: 3 entries; last entry 3:\(head.hash)\n")
            let anchored = try CommandLineTests().tongban(["log", "verify", "--data-directory", directory, "--anchor", "3:\(head.hash)"])
            #expect(anchored.status == 0, "\(anchored.stderr)")
        }
    }

    @Test func anAlteredEntryIsNamedAndExitsOne() async throws {
        try await withLoggedDatabase(4) { directory, store in
            try await store.onWriterConnection { db in try db.exec("UPDATE message_log SET http_status = 500 WHERE seq = 2") }
            let run = try CommandLineTests().tongban(["log", "verify", "--data-directory", directory])
            #expect(run.status == 1)
            #expect(run.stderr.contains("message log entry 2: entry 2 was altered"), "\(run.stderr)")
            #expect(run.stderr.contains("1 entries before it are intact"))
        }
    }

    @Test func entriesCutFromTheEndAreFoundAgainstTheAnchor() async throws {
        try await withLoggedDatabase(4) { directory, store in
            let head = try #require(try await store.read { try $0.messageLogHead() })
            try await store.onWriterConnection { db in try db.exec("DELETE FROM message_log WHERE seq = 4") }
            let run = try CommandLineTests().tongban(["log", "verify", "--data-directory", directory, "--anchor", "4:\(head.hash)"])
            #expect(run.status == 1)
            #expect(run.stderr.contains("message log entry 4: the log ends at entry 3"), "\(run.stderr)")
        }
    }

    @Test func aMissingDatabaseOrABadAnchorIsAUsageError() throws {
        let missing = try CommandLineTests().tongban(["log", "verify", "--data-directory", "/nonexistent/tongban"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no database here"))
        let bad = try CommandLineTests().tongban(["log", "verify", "--data-directory", "/tmp", "--anchor", "three:abc"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("NUMBER:HASH"))
    }
}
