import Testing
@testable import TongbanStorage

@Suite struct MessageLogTests {
    private func draft(_ index: Int, at: Int64? = nil, body: String? = nil) -> MessageLogDraft {
        MessageLogDraft(at: at ?? Int64(index) * 1_000, direction: index % 2 == 0 ? .outbound : .inbound, party: "henan-tongbai",
                        route: "POST /partners/henan-tongbai/kstb", caseID: "case-\(index % 3)", transferID: Int64(index),
                        messageID: "BWBH-\(index)", body: body.map { Array($0.utf8) } ?? Array("<KSTB n=\"\(index)\"/>".utf8),
                        httpStatus: 200, result: "0", actor: index % 2 == 0 ? "worker" : "partner:henan-tongbai")
    }

    /// Appends `count` entries, one write each.
    private func append(_ count: Int, to store: SQLiteStore) async throws {
        for index in 1...count {
            let entry = draft(index)
            _ = try await store.write { try $0.appendLog(entry) }
        }
    }

    /// Changes the database behind the store's back, as someone with access to the file could.
    private func tamper(_ store: SQLiteStore, _ sql: String) async throws {
        try await store.onWriterConnection { db in try db.exec(sql) }
    }

    @Test func entriesAreNumberedWithoutGapsAndChainedFromTheGenesisHash() async throws {
        try await withStore { store in
            try await append(5, to: store)
            let entries = try await store.read { try $0.messageLog(after: 0, limit: 100) }
            #expect(entries.map(\.seq) == [1, 2, 3, 4, 5])
            #expect(entries[0].previousHash == MessageLogEntry.genesisHash)
            for (earlier, later) in zip(entries, entries.dropFirst()) {
                #expect(later.previousHash == earlier.hash)
            }
            #expect(entries[2].bodyDigest == MessageLogEntry.digest(Array("<KSTB n=\"3\"/>".utf8)))
            let verification = try await MessageLogVerifier.verify(store, pageSize: 2)
            #expect(verification.problem == nil)
            #expect(verification.checked == 5)
            #expect(verification.headSeq == 5 && verification.headHash == entries[4].hash)
            #expect(try await store.read { try $0.messageLogHead() }?.seq == 5)
            #expect(try await store.read { try $0.messageLog(caseID: "case-1") }.map(\.seq) == [1, 4])
        }
    }

    @Test func verifyNamesAnAlteredEntry() async throws {
        try await withStore { store in
            try await append(6, to: store)
            try await tamper(store, "UPDATE message_log SET result = '1' WHERE seq = 4")
            let problem = try #require(try await MessageLogVerifier.verify(store).problem)
            #expect(problem.seq == 4)
            #expect(problem.reason.contains("entry 4 was altered"))
        }
    }

    @Test func verifyNamesAnEntryWhoseHashWasRecomputed() async throws {
        try await withStore { store in
            try await append(6, to: store)
            // The forger rewrites entry 3 with a hash that matches its new content; entry 4 still names the old one.
            let entries = try await store.read { try $0.messageLog(after: 0, limit: 10) }
            var forged = entries[2]
            forged.result = "forged"
            let hash = forged.expectedHash(after: forged.previousHash)
            try await tamper(store, "UPDATE message_log SET result = 'forged', hash = '\(hash)' WHERE seq = 3")
            let problem = try #require(try await MessageLogVerifier.verify(store).problem)
            #expect(problem.seq == 3)
            #expect(problem.reason.contains("entry 3 was altered"))
        }
    }

    @Test func verifyNamesMissingEntries() async throws {
        try await withStore { store in
            try await append(7, to: store)
            try await tamper(store, "DELETE FROM message_log WHERE seq IN (3, 4)")
            let problem = try #require(try await MessageLogVerifier.verify(store).problem)
            #expect(problem.seq == 3)
            #expect(problem.reason.contains("entries 3 to 4 are missing"))
        }
    }

    @Test func verifyNamesAnAlteredBody() async throws {
        try await withStore { store in
            try await append(3, to: store)
            try await tamper(store, "UPDATE message_log SET body = X'3C783E' WHERE seq = 2")
            let problem = try #require(try await MessageLogVerifier.verify(store).problem)
            #expect(problem.seq == 2)
            #expect(problem.reason.contains("body of entry 2"))
        }
    }

    @Test func entriesRemovedFromTheEndAreFoundAgainstANotedEntry() async throws {
        try await withStore { store in
            try await append(5, to: store)
            let noted = try #require(try await store.read { try $0.messageLogHead() })
            try await tamper(store, "DELETE FROM message_log WHERE seq >= 4")
            #expect(try await MessageLogVerifier.verify(store).problem == nil, "without an anchor the shorter log is consistent")
            let problem = try #require(try await MessageLogVerifier.verify(store, anchor: (noted.seq, noted.hash)).problem)
            #expect(problem.seq == 4)
            #expect(problem.reason.contains("removed from its end"))
        }
    }

    @Test func purgingDropsOldBodiesOnlyAndTheChainStillVerifies() async throws {
        try await withStore { store in
            try await append(10, to: store)   // logged at 1,000 … 10,000
            #expect(try await store.write { try $0.purgeLogBodies(before: 4_500, limit: 3) } == 3)
            #expect(try await store.write { try $0.purgeLogBodies(before: 4_500, limit: 3) } == 1)
            #expect(try await store.write { try $0.purgeLogBodies(before: 4_500, limit: 3) } == 0)
            let entries = try await store.read { try $0.messageLog(after: 0, limit: 100) }
            #expect(entries.filter { $0.body == nil }.map(\.seq) == [1, 2, 3, 4])
            #expect(entries.allSatisfy { $0.bodyDigest != nil })
            #expect(try await MessageLogVerifier.verify(store).problem == nil)
            // Later, with a later cutoff, purging goes on from where it stopped.
            #expect(try await store.write { try $0.purgeLogBodies(before: 7_000, limit: 100) } == 2)
            let kept = try await store.read { try $0.messageLog(after: 0, limit: 100) }.filter { $0.body != nil }.map(\.seq)
            #expect(kept == [7, 8, 9, 10])
        }
    }

    /// A write that fails after appending leaves no number behind: the next entry follows the
    /// last committed one, even when both were committed in one group.
    @Test func aFailedWriteLeavesNoGap() async throws {
        struct Refused: Error {}
        try await withStore { store in
            try await append(2, to: store)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 3...12 {
                    let entry = draft(index)
                    group.addTask {
                        _ = try? await store.write { writer in
                            _ = try writer.appendLog(entry)
                            if index % 3 == 0 { throw Refused() }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let verification = try await MessageLogVerifier.verify(store)
            #expect(verification.problem == nil)
            #expect(verification.checked == 2 + 6)   // 3, 6, 9 and 12 failed
        }
    }

    /// The writer remembers the log's head between appends; entries another connection appended
    /// in the meantime (a second store on the same file) are noticed, not overwritten or forked.
    @Test func appendsFromAnotherConnectionAreChainedOnto() async throws {
        try await withStore { store in
            try await append(2, to: store)
            let other = try SQLiteStore(path: store.path)
            let third = draft(3)
            _ = try await other.write { try $0.appendLog(third) }
            await other.close()
            let fourth = draft(4)
            let appended = try await store.write { try $0.appendLog(fourth) }
            #expect(appended.seq == 4)
            let verification = try await MessageLogVerifier.verify(store)
            #expect(verification.problem == nil)
            #expect(verification.checked == 4)
        }
    }


    /// A head another connection moved back (entries removed, a restore) is read again: the next
    /// entry follows what the table holds, not the entry the writer appended last.
    @Test func aHeadMovedBackByAnotherConnectionIsReadAgain() async throws {
        try await withStore { store in
            try await append(3, to: store)
            let other = try SQLiteStore(path: store.path)
            try await other.onWriterConnection { db in try db.exec("DELETE FROM message_log WHERE seq = 3") }
            await other.close()
            let next = draft(4)
            let appended = try await store.write { try $0.appendLog(next) }
            #expect(appended.seq == 3)
            #expect(try await MessageLogVerifier.verify(store).problem == nil)
        }
    }

}
