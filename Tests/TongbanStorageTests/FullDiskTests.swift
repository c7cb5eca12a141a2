import Foundation
import Testing
@testable import TongbanStorage

/// A database that cannot grow (`max_page_count`, which makes SQLite answer `SQLITE_FULL` just as
/// a full disk does): writes fail as `unwritable` and leave nothing, writes that need no new page
/// still commit, and everything works again once the database may grow.
@Suite struct FullDiskTests {
    /// A case whose version is `bytes` long: larger than a page, so storing it needs new pages.
    static func bigCase(_ id: String, bytes: Int = 64 << 10) -> (CaseRecord, CaseVersionRecord) {
        var version = Sample.version(of: id)
        version.canonical = Array(repeating: UInt8(ascii: "x"), count: bytes)
        return (Sample.caseRecord(id), version)
    }

    @Test func aWriteThatNeedsRoomFailsAsUnwritableAndLeavesNothing() async throws {
        try await withStore { store in
            try await store.insertSampleCase(Sample.caseRecord("kept"))
            try await store.limitGrowth(true)
            let (record, version) = Self.bigCase("big")
            await #expect {
                try await store.write { writer in
                    _ = try writer.insertTransfer(Sample.transfer("kept", messageID: "before-the-case"))
                    _ = try writer.insertCase(record, firstVersion: version)
                }
            } throws: { error in
                guard case .unwritable(let message)? = error as? StoreError else { return false }
                return message.contains("full")
            }
            #expect(try await store.read { try $0.caseRecord(id: "big") } == nil)
            // The transfer written before the failure in the same transaction is gone too.
            #expect(try await store.read { try $0.transfers(caseID: "kept") }.isEmpty)

            // A change within the existing pages still commits.
            try await store.write { writer in
                var kept = try #require(try writer.caseRecord(id: "kept"))
                kept.status = "accepted"
                try writer.updateCase(kept)
            }
            #expect(try await store.read { try $0.caseRecord(id: "kept") }?.status == "accepted")

            try await store.limitGrowth(false)
            _ = try await store.write { writer in try writer.insertCase(record, firstVersion: version) }
            #expect(try await store.read { try $0.version(caseID: "big", version: 1) }?.canonical.count == 64 << 10)
        }
    }

    @Test func concurrentWritersOnAFullDatabaseEachFailAloneOrCommit() async throws {
        try await withStore { store in
            for index in 0..<20 { try await store.insertSampleCase(Sample.caseRecord("c\(index)")) }
            try await store.limitGrowth(true)
            // Twenty writers at once, in groups: the big ones cannot be stored, the status updates can.
            let outcomes = await withTaskGroup(of: (Int, (any Error)?).self) { group in
                for index in 0..<40 {
                    group.addTask {
                        do {
                            try await store.write { writer in
                                if index % 2 == 0 {
                                    let (record, version) = Self.bigCase("big\(index)")
                                    _ = try writer.insertCase(record, firstVersion: version)
                                } else {
                                    var record = try #require(try writer.caseRecord(id: "c\(index / 2)"))
                                    record.status = "accepted"
                                    try writer.updateCase(record)
                                }
                            }
                            return (index, nil)
                        } catch {
                            return (index, error)
                        }
                    }
                }
                var outcomes: [Int: (any Error)?] = [:]
                for await (index, error) in group { outcomes[index] = error }
                return outcomes
            }
            for index in 0..<40 {
                let error = outcomes[index] ?? nil
                if index % 2 == 0 {
                    guard case .unwritable? = error as? StoreError else {
                        Issue.record("write \(index): \(String(describing: error))")
                        continue
                    }
                } else {
                    #expect(error == nil, "write \(index): \(String(describing: error))")
                }
            }
            let stored = try await store.read { reader in try reader.cases(matching: CaseFilter(), after: nil, limit: 100) }
            #expect(stored.count == 20)
            #expect(stored.allSatisfy { $0.status == "accepted" })
        }
    }

    @Test func engineResultsAreClassified() {
        // SQLITE_FULL, SQLITE_IOERR_FSYNC and SQLITE_IOERR_WRITE can succeed later; a constraint never.
        for code: Int32 in [13, 10 | (4 << 8), 10 | (3 << 8)] {
            #expect(StoreError.classified(code, "m") == .unwritable("m"))
        }
        #expect(StoreError.classified(19, "m") == .engine("m"))
        #expect(StoreError.wrapping(StoreError.unwritable("database or disk is full"), "x: ") == .unwritable("x: database or disk is full"))
        #expect(StoreError.wrapping(StoreError.engine("e"), "x: ") == .engine("x: e"))
    }
}
