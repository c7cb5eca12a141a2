import Testing
@testable import TongbanStorage

/// `oldestPendingCreatedAt` feeds `tongban_queue_oldest_age_seconds` on every scrape, so it must
/// stay one index step however long a partner's backlog grows.
@Suite struct OldestPendingTests {
    static func transfer(_ caseID: String, to destination: String = "tax", messageID: String,
                         state: TransferState = .pending, createdAt: Int64) -> TransferRecord {
        var record = Sample.transfer(caseID, to: destination, messageID: messageID, state: state)
        record.createdAt = createdAt
        return record
    }

    @Test func theFirstPendingTransferInQueueOrderPerDestination() async throws {
        try await withStore { store in
            #expect(try await store.read { try $0.oldestPendingCreatedAt(destination: "tax") } == nil)
            _ = try await store.insertTransfers([
                Self.transfer("A", messageID: "gone", state: .delivered, createdAt: 1_000),
                Self.transfer("B", messageID: "dead", state: .dead, createdAt: 1_500),
                Self.transfer("C", messageID: "out", state: .inFlight, createdAt: 1_800),
                Self.transfer("D", messageID: "first", createdAt: 2_000),
                Self.transfer("E", messageID: "second", createdAt: 3_000),
                Self.transfer("F", to: "local", messageID: "local", createdAt: 4_000),
            ])
            let (tax, local, other) = try await store.read { reader in
                (try reader.oldestPendingCreatedAt(destination: "tax"), try reader.oldestPendingCreatedAt(destination: "local"),
                 try reader.oldestPendingCreatedAt(destination: "other"))
            }
            #expect(tax == 2_000)
            #expect(local == 4_000)
            #expect(other == nil)
        }
    }

    @Test func oldestPendingReadsOneEntryOfTheQueueIndex() async throws {
        try await withStore { store in
            let plan = try await store.onReader { reader in try reader.db.queryPlan(ReaderSQL.oldestPending, ["tax", "pending"]) }
            let text = plan.joined(separator: "\n")
            #expect(text.contains("SEARCH transfers USING INDEX transfers_queue (destination=? AND state=?)"), "\(text)")
            #expect(!text.contains("SCAN"), "\(text)")
            #expect(!text.contains("TEMP B-TREE"), "\(text)")
        }
    }
}
