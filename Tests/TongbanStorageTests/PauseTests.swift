import Foundation
import Testing
@testable import TongbanStorage

/// Destination pauses (maintenance windows): one per destination, kept across a reopen.
@Suite struct PauseTests {
    @Test func aPauseIsKeptUntilDeletedAndSurvivesAReopen() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/gateway.sqlite"
            let first = try SQLiteStore(path: path)
            _ = try await first.migrate()
            let pause = DestinationPause(destination: "henan-tongbai", pausedAt: 1_000, pausedBy: "duty", reason: "桐柏 maintenance 22:00–02:00")
            try await first.write { writer in try writer.insertPause(pause) }
            let again = await #expect(throws: StoreError.self) {
                try await first.write { writer in
                    try writer.insertPause(DestinationPause(destination: "henan-tongbai", pausedAt: 2_000, pausedBy: "other", reason: "again"))
                }
            }
            #expect(again?.isDuplicate == true, "\(String(describing: again))")
            await first.close()

            let second = try SQLiteStore(path: path)
            #expect(try await second.migrate() == [])
            #expect(try await second.read { try $0.pause(destination: "henan-tongbai") } == pause, "the first pause stays, reopened")
            #expect(try await second.read { try $0.pause(destination: "local") } == nil)
            #expect(try await second.read { try $0.pauses() } == [pause])
            #expect(try await second.write { try $0.deletePause(destination: "henan-tongbai") } == pause)
            #expect(try await second.write { try $0.deletePause(destination: "henan-tongbai") } == nil)
            #expect(try await second.read { try $0.pauses() }.isEmpty)
            await second.close()
        }
    }
}
