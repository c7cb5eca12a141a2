import Testing
@testable import TongbanStorage

@Suite struct TransferQueueTests {
    @Test func anUnfinishedEarlierTransferHoldsBackItsCaseOnly() async throws {
        try await withStore { store in
            let queued = try await store.insertTransfers([
                Sample.transfer("A", messageID: "a1", state: .inFlight),
                Sample.transfer("A", messageID: "a2"),
                Sample.transfer("B", messageID: "b1"),
                Sample.transfer("B", messageID: "b2"),
                Sample.transfer("A", to: "local", messageID: "a-local"),
            ])
            let ids = Dictionary(uniqueKeysWithValues: queued.map { ($0.messageID, $0.id) })

            let due = try await store.read { try $0.dueTransfers(destination: "tax", now: 5_000, limit: 10) }
            // a2 waits behind a1 (inFlight), b2 behind b1 (pending); the other destination is separate.
            #expect(due.map(\.messageID) == ["b1"])
            #expect(try await store.read { try $0.dueTransfers(destination: "local", now: 5_000, limit: 10) }
                .map(\.messageID) == ["a-local"])

            // Finishing a1 and b1 lets a2 and b2 through, oldest first.
            try await store.write { writer in
                for id in [ids["a1"]!, ids["b1"]!] {
                    var done = try #require(try writer.transfer(id: id))
                    done.state = id == ids["a1"] ? .delivered : .dead
                    try writer.updateTransfer(done)
                }
            }
            let next = try await store.read { try $0.dueTransfers(destination: "tax", now: 5_000, limit: 10) }
            #expect(next.map(\.messageID) == ["a2", "b2"])
            #expect(next.map(\.id) == [ids["a2"]!, ids["b2"]!])
            #expect(try await store.read { try $0.dueTransfers(destination: "tax", now: 5_000, limit: 1) }
                .map(\.messageID) == ["a2"])
        }
    }

    @Test func onlyTransfersDueByNowAreOffered() async throws {
        try await withStore { store in
            _ = try await store.insertTransfers([
                Sample.transfer("A", messageID: "later", nextAttemptAt: 9_000),
                Sample.transfer("B", messageID: "now", nextAttemptAt: 5_000),
                Sample.transfer("C", messageID: "gone", state: .delivered, nextAttemptAt: 1_000),
            ])
            let (early, late) = try await store.read { reader in
                (try reader.dueTransfers(destination: "tax", now: 5_000, limit: 10),
                 try reader.dueTransfers(destination: "tax", now: 9_000, limit: 10))
            }
            #expect(early.map(\.messageID) == ["now"])
            #expect(late.map(\.messageID) == ["later", "now"])
        }
    }

    @Test func nextDueTimeIsTheEarliestPendingAttempt() async throws {
        try await withStore { store in
            #expect(try await store.read { try $0.nextDueTime(destination: "tax") } == nil)
            _ = try await store.insertTransfers([
                Sample.transfer("A", messageID: "a", nextAttemptAt: 7_000),
                Sample.transfer("B", messageID: "b", nextAttemptAt: 4_000),
                Sample.transfer("C", messageID: "c", state: .inFlight, nextAttemptAt: 1_000),
                Sample.transfer("D", to: "local", messageID: "d", nextAttemptAt: 2_000),
            ])
            let (tax, local, other) = try await store.read { reader in
                (try reader.nextDueTime(destination: "tax"), try reader.nextDueTime(destination: "local"),
                 try reader.nextDueTime(destination: "other"))
            }
            #expect(tax == 4_000)
            #expect(local == 2_000)
            #expect(other == nil)
        }
    }

    @Test func releaseInFlightMakesTakenWorkDueAgain() async throws {
        try await withStore { store in
            _ = try await store.insertTransfers([
                Sample.transfer("A", messageID: "a", state: .inFlight, nextAttemptAt: 1_000),
                Sample.transfer("B", to: "local", messageID: "b", state: .inFlight, nextAttemptAt: 1_000),
                Sample.transfer("C", messageID: "c", state: .pending, nextAttemptAt: 8_000),
                Sample.transfer("D", messageID: "d", state: .offered, nextAttemptAt: 1_000),
            ])
            #expect(try await store.read { try $0.transferCount(destination: "tax", state: .inFlight) } == 1)
            let released = try await store.write { try $0.releaseInFlight(now: 5_000) }
            #expect(released == 2)
            let (a, counts, due) = try await store.read { reader in
                (try reader.transfer(destination: "tax", messageID: "a"),
                 try TransferState.allCases.map { try reader.transferCount(destination: "tax", state: $0) },
                 try reader.dueTransfers(destination: "tax", now: 5_000, limit: 10))
            }
            #expect(a?.state == .pending)
            #expect(a?.nextAttemptAt == 5_000)
            #expect(counts == [2, 0, 1, 0, 0, 0, 0])  // pending, inFlight, offered, held, delivered, dead, closed
            #expect(due.map(\.messageID) == ["a"])
            #expect(try await store.write { try $0.releaseInFlight(now: 6_000) } == 0)
        }
    }

    @Test func dueTransfersSearchesTheIndexesOnly() async throws {
        try await withStore { store in
            let plan = try await store.onReader { reader in
                try reader.db.queryPlan(ReaderSQL.dueTransfers, ["tax", "pending", 1, "pending", "inFlight", 10])
            }
            let text = plan.joined(separator: "\n")
            #expect(text.contains("SEARCH t USING COVERING INDEX transfers_queue"), "\(text)")
            #expect(text.contains("SEARCH earlier USING COVERING INDEX transfers_case_order"), "\(text)")
            #expect(!text.contains("SCAN"), "\(text)")
            // In id order from the index: no sort of every pending transfer on each claim.
            #expect(!text.contains("TEMP B-TREE"), "\(text)")
        }
    }



    /// Only feed transfers are in `transfers_feed` (migration 0010); the feed query must use it.
    @Test func theFeedUsesItsPartialIndex() async throws {
        try await withStore { store in
            let plan = try await store.onReader { reader in try reader.db.queryPlan(ReaderSQL.feed, ["hub", 0, "pending", 10]) }
            #expect(plan.joined(separator: "\n").contains("USING INDEX transfers_feed"), "\(plan)")
        }
    }

    @Test func dueTransfersStaysFastWithAHundredThousandPending() async throws {
        try await withStore { store in
            // 50,000 cases with two pending transfers each: every second one waits behind its case's first.
            try await store.write { writer in
                for index in 0..<100_000 {
                    _ = try writer.insertTransfer(Sample.transfer("case-\(index / 2)", messageID: "m\(index)",
                                                                  nextAttemptAt: Int64(1_000 + index % 7)))
                }
            }
            let clock = ContinuousClock()
            var due: [TransferRecord] = []
            let elapsed = try await clock.measure {
                due = try await store.read { try $0.dueTransfers(destination: "tax", now: 5_000, limit: 100) }
            }
            #expect(due.count == 100)
            #expect(due.map(\.messageID) == (0..<100).map { "m\($0 * 2)" })
            #expect(elapsed < .seconds(2), "dueTransfers took \(elapsed)")
        }
    }

    @Test func feedListsPendingItemsInSequenceAndResequenceRedelivers() async throws {
        try await withStore { store in
            let items = try await store.insertTransfers([
                Sample.transfer("A", to: "feed", messageID: "f1", feedSeq: 0),
                Sample.transfer("B", to: "feed", messageID: "f2", feedSeq: 0),
                Sample.transfer("C", to: "feed", messageID: "f3", feedSeq: 0),
                Sample.transfer("D", to: "push", messageID: "p1"),
            ])
            let seqs = items.prefix(3).compactMap(\.feedSeq)
            #expect(seqs.count == 3 && seqs == seqs.sorted() && Set(seqs).count == 3 && seqs[0] > 0)
            #expect(items[3].feedSeq == nil)
            #expect(try await store.read { try $0.transfer(id: items[0].id)?.feedSeq } == seqs[0])

            let all = try await store.read { try $0.feed(destination: "feed", after: 0, limit: 10) }
            #expect(all.map(\.messageID) == ["f1", "f2", "f3"])
            #expect(try await store.read { try $0.feed(destination: "feed", after: seqs[0], limit: 1) }
                .map(\.messageID) == ["f2"])
            #expect(try await store.read { try $0.feed(destination: "push", after: 0, limit: 10) }.isEmpty)

            // A reader takes f1 and f2 at 2,000; only f2 is acknowledged.
            let reader = try await store.write { writer in
                for (item, state) in [(items[0], TransferState.offered), (items[1], .delivered)] {
                    var taken = item
                    taken.state = state
                    taken.handedOutAt = 2_000
                    try writer.updateTransfer(taken)
                }
                return (try writer.unacknowledged(destination: "feed", handedOutBefore: 3_000),
                        try writer.unacknowledged(destination: "feed", handedOutBefore: 2_000))
            }
            #expect(reader.0.map(\.messageID) == ["f1"])
            #expect(reader.1.isEmpty)
            #expect(try await store.read { try $0.feed(destination: "feed", after: 0, limit: 10) }.map(\.messageID) == ["f3"])

            // Redelivery: f1 goes back on the feed after every other item.
            let newSeq = try await store.write { writer in
                var again = try #require(try writer.transfer(id: items[0].id))
                again.state = .pending
                again.handedOutAt = nil
                try writer.updateTransfer(again)
                return try writer.resequence(transferID: again.id)
            }
            #expect(newSeq > seqs[2])
            let afterOldPosition = try await store.read { try $0.feed(destination: "feed", after: seqs[2], limit: 10) }
            #expect(afterOldPosition.map(\.messageID) == ["f1"])
            #expect(afterOldPosition.first?.feedSeq == newSeq)

            let later = try await store.insertTransfers([Sample.transfer("E", to: "feed", messageID: "f4", feedSeq: 0)])
            #expect((later[0].feedSeq ?? 0) > newSeq)

            let error = await #expect(throws: StoreError.self) { try await store.write { try $0.resequence(transferID: 999_999) } }
            #expect(error?.isNotFound == true)
        }
    }
}

@Suite struct DeadLetterQueryTests {
    /// Dead letters are few among millions of transfers: the list must search an index (the
    /// partial one over every destination, the queue index for one), never scan or sort.
    @Test func theListSearchesAnIndexWithoutSorting() async throws {
        try await withStore { store in
            let plans = try await store.onReader { reader in
                try [DeadLetterFilter(errorClass: .exhausted, partnerCode: "1"), DeadLetterFilter(destination: "tax", caseNumber: "N-1")].map { filter in
                    let (sql, arguments) = DeadLetterSQL.page(matching: filter, after: 10, limit: 50)
                    return try reader.db.queryPlan(sql, arguments).joined(separator: "\n")
                }
            }
            #expect(plans[0].contains("SEARCH t USING INDEX transfers_dead"), "\(plans[0])")
            #expect(plans[1].contains("SEARCH t USING INDEX transfers_queue"), "\(plans[1])")
            for plan in plans {
                #expect(!plan.contains("SCAN t") && !plan.contains("TEMP B-TREE"), "\(plan)")
            }
        }
    }

    @Test func filtersNarrowTheListNewestFirst() async throws {
        try await withStore { store in
            let cases = try await (1...3).asyncMap { index in
                try await store.insertSampleCase(Sample.caseRecord("c\(index)", number: "N-\(index)"))
            }
            let transfers = try await store.insertTransfers(cases.enumerated().map { index, record in
                Sample.transfer(record.id, messageID: "m\(index)", state: .dead)
            })
            try await store.write { writer in
                var exhausted = transfers[0]
                exhausted.lastError = TransferRecord.exhaustedPrefix + "12 attempts: HTTP 503"
                exhausted.finishedAt = 5_000
                try writer.updateTransfer(exhausted)
                for (index, transfer) in transfers.enumerated() {
                    try writer.insertAttempt(AttemptRecord(transferID: transfer.id, number: 1, startedAt: 1_000, durationMillis: 5,
                                                           outcome: .permanent, httpStatus: 200, partnerCode: index == 2 ? "2" : "1", detail: nil))
                }
            }
            func ids(_ filter: DeadLetterFilter) async throws -> [Int64] {
                try await store.read { try $0.deadLetters(matching: filter, after: nil, limit: 10) }.map(\.id)
            }
            #expect(try await ids(DeadLetterFilter()) == transfers.reversed().map(\.id))
            #expect(try await ids(DeadLetterFilter(errorClass: .exhausted)) == [transfers[0].id])
            #expect(try await ids(DeadLetterFilter(errorClass: .permanent)) == [transfers[2].id, transfers[1].id])
            #expect(try await ids(DeadLetterFilter(partnerCode: "2")) == [transfers[2].id])
            #expect(try await ids(DeadLetterFilter(caseNumber: "N-2")) == [transfers[1].id])
            #expect(try await ids(DeadLetterFilter(diedFrom: 4_000, diedTo: 6_000)) == [transfers[0].id])
            #expect(try await ids(DeadLetterFilter(destination: "land")) == [])
            #expect(try await store.read { try $0.deadLetters(matching: DeadLetterFilter(), after: transfers[2].id, limit: 1) }.map(\.id)
                    == [transfers[1].id])
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
