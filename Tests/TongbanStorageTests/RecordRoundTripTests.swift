import Testing
@testable import TongbanStorage

@Suite struct RecordRoundTripTests {
    @Test func caseAndVersionsRoundTrip() async throws {
        try await withStore { store in
            let full = CaseRecord(
                id: "c1", direction: .inbound, origin: "partner-x", partner: "partner-x", caseNumber: "X-1",
                version: 1, matterCode: "M07", status: "accepted", statusAt: 2_000, partnerCaseNumber: "G-9",
                nextPollAt: 3_000, createdAt: 1_000, updatedAt: 1_500)
            let bare = Sample.caseRecord("c2")
            let first = Sample.version(of: "c1")
            let inserted = try await store.write { writer in
                (try writer.insertCase(full, firstVersion: first), try writer.insertCase(bare, firstVersion: Sample.version(of: "c2")))
            }
            #expect(inserted.0.seq > 0)
            #expect(inserted.1.seq > inserted.0.seq)

            let second = CaseVersionRecord(caseID: "c1", version: 2, digest: "ff", canonical: [], createdAt: 4_000)
            try await store.write { try $0.insertVersion(second) }

            let (byID, byNumber, bareRead, versions, v1) = try await store.read { reader in
                (try reader.caseRecord(id: "c1"), try reader.caseRecord(origin: "partner-x", caseNumber: "X-1"),
                 try reader.caseRecord(id: "c2"), try reader.versions(caseID: "c1"), try reader.version(caseID: "c1", version: 1))
            }
            var current = full
            current.seq = inserted.0.seq
            current.version = 2
            current.updatedAt = 4_000
            #expect(byID == current)
            #expect(byNumber == current)
            #expect(bareRead == inserted.1)
            #expect(bareRead?.status == nil && bareRead?.nextPollAt == nil && bareRead?.partnerCaseNumber == nil)
            #expect(versions == [first, second])
            #expect(v1 == first)
            #expect(try await store.read { try $0.caseRecord(id: "nope") } == nil)
        }
    }

    @Test func updateCaseWritesEveryFieldAndMissingCaseIsNotFound() async throws {
        try await withStore { store in
            var record = try await store.insertSampleCase(Sample.caseRecord("c1"))
            record.status = "done"
            record.statusAt = 9_000
            record.partnerCaseNumber = "P-1"
            record.nextPollAt = 10_000
            record.updatedAt = 9_001
            let update = record
            try await store.write { try $0.updateCase(update) }
            #expect(try await store.read { try $0.caseRecord(id: "c1") } == update)

            let ghost = Sample.caseRecord("ghost")
            let error = await #expect(throws: StoreError.self) { try await store.write { try $0.updateCase(ghost) } }
            #expect(error?.isNotFound == true)
            let orphan = Sample.version(of: "ghost", 2)
            let versionError = await #expect(throws: StoreError.self) { try await store.write { try $0.insertVersion(orphan) } }
            #expect(versionError?.isNotFound == true)
        }
    }

    @Test func statusesRoundTripInOrder() async throws {
        try await withStore { store in
            try await store.insertSampleCase(Sample.caseRecord("c1"))
            let reports = [
                StatusRecord(caseID: "c1", status: "accepted", partnerCode: "01", at: 2_000, receivedAt: 2_100,
                             source: .partner, outcome: .applied, canonical: Array("{\"s\":1}".utf8)),
                StatusRecord(caseID: "c1", status: "rejected", partnerCode: nil, at: 1_000, receivedAt: 2_200,
                             source: .local, outcome: .impossible, note: "after accepted", canonical: [0, 1, 2]),
            ]
            let stored = try await store.write { writer in try reports.map { try writer.insertStatus($0) } }
            #expect(stored[0].seq > 0 && stored[1].seq > stored[0].seq)
            #expect(stored.map { var r = $0; r.seq = 0; return r } == reports)
            #expect(try await store.read { try $0.statuses(caseID: "c1") } == stored)
        }
    }

    @Test func transfersAndAttemptsRoundTrip() async throws {
        try await withStore { store in
            try await store.insertSampleCase(Sample.caseRecord("c1"))
            let bytes = (0...255).map { UInt8($0) } + [0, 0]
            let record = TransferRecord(
                caseID: "c1", destination: "tax", kind: .withdrawal, messageID: "BWBH-1", payload: bytes,
                contentType: "application/xml; charset=GBK", state: .dead, attempts: 3, nextAttemptAt: 5_000,
                createdAt: 1_000, finishedAt: 6_000, lastError: "HTTP 500", handedOutAt: 4_000)
            let stored = try await store.write { try $0.insertTransfer(record) }
            #expect(stored.id > 0)
            #expect(stored.feedSeq == nil)
            var expected = record
            expected.id = stored.id
            #expect(stored == expected)

            let attempts = [
                AttemptRecord(transferID: stored.id, number: 1, startedAt: 1_100, durationMillis: 250, outcome: .retry,
                              httpStatus: 503, partnerCode: nil, detail: "Service Unavailable"),
                AttemptRecord(transferID: stored.id, number: 2, startedAt: 2_100, durationMillis: 80, outcome: .permanent,
                              httpStatus: nil, partnerCode: "E42", detail: nil),
            ]
            try await store.write { writer in for attempt in attempts { try writer.insertAttempt(attempt) } }

            let (byID, byMessage, ofCase, readAttempts) = try await store.read { reader in
                (try reader.transfer(id: stored.id), try reader.transfer(destination: "tax", messageID: "BWBH-1"),
                 try reader.transfers(caseID: "c1"), try reader.attempts(transferID: stored.id))
            }
            #expect(byID == stored)
            #expect(byMessage == stored)
            #expect(ofCase == [stored])
            #expect(readAttempts == attempts)
        }
    }

    @Test func updateTransferWritesEveryFieldAndMissingTransferIsNotFound() async throws {
        try await withStore { store in
            try await store.insertSampleCase(Sample.caseRecord("c1"))
            var transfer = try await store.insertTransfers([Sample.transfer("c1", messageID: "m1")])[0]
            transfer.state = .delivered
            transfer.attempts = 1
            transfer.finishedAt = 7_000
            transfer.lastError = nil
            let update = transfer
            try await store.write { try $0.updateTransfer(update) }
            #expect(try await store.read { try $0.transfer(id: update.id) } == update)

            var ghost = update
            ghost.id = update.id + 1_000
            let missing = ghost
            let error = await #expect(throws: StoreError.self) { try await store.write { try $0.updateTransfer(missing) } }
            #expect(error?.isNotFound == true)
        }
    }

    @Test func inboundMessageRoundTrip() async throws {
        try await withStore { store in
            let answered = InboundMessageRecord(partner: "tax", messageID: "msg-1", caseID: "c9", answer: Array("ok".utf8),
                                                receivedAt: 1_234)
            let bare = InboundMessageRecord(partner: "tax", messageID: "msg-2", caseID: nil, answer: [], receivedAt: 1_235)
            try await store.write { writer in
                try writer.insertInboundMessage(answered)
                try writer.insertInboundMessage(bare)
            }
            let read = try await store.read { reader in
                (try reader.inboundMessage(partner: "tax", messageID: "msg-1"),
                 try reader.inboundMessage(partner: "tax", messageID: "msg-2"),
                 try reader.inboundMessage(partner: "other", messageID: "msg-1"))
            }
            #expect(read.0 == answered)
            #expect(read.1 == bare)
            #expect(read.2 == nil)
        }
    }

    @Test func duplicateKeysRaiseDuplicate() async throws {
        try await withStore { store in
            let original = try await store.insertSampleCase(Sample.caseRecord("c1", number: "N-1"))
            let transfer = try await store.insertTransfers([Sample.transfer("c1", messageID: "m1")])[0]
            try await store.write { writer in
                try writer.insertInboundMessage(InboundMessageRecord(partner: "tax", messageID: "in-1", caseID: nil,
                                                                     answer: [1], receivedAt: 1))
                try writer.insertAttempt(AttemptRecord(transferID: transfer.id, number: 1, startedAt: 1, durationMillis: 1,
                                                       outcome: .retry, httpStatus: nil, partnerCode: nil, detail: nil))
            }

            let sameNumber = Sample.caseRecord("c2", number: "N-1")
            let sameID = Sample.caseRecord("c1", number: "N-2")
            let sameVersion = Sample.version(of: "c1", 1)
            let sameMessage = Sample.transfer("c1", messageID: "m1")
            let sameInbound = InboundMessageRecord(partner: "tax", messageID: "in-1", caseID: nil, answer: [2], receivedAt: 2)
            let sameAttempt = AttemptRecord(transferID: transfer.id, number: 1, startedAt: 2, durationMillis: 2,
                                            outcome: .retry, httpStatus: nil, partnerCode: nil, detail: nil)
            let attempts: [@Sendable (any StoreWriter) throws -> Void] = [
                { _ = try $0.insertCase(sameNumber, firstVersion: Sample.version(of: "c2")) },
                { _ = try $0.insertCase(sameID, firstVersion: Sample.version(of: "c1")) },
                { try $0.insertVersion(sameVersion) },
                { _ = try $0.insertTransfer(sameMessage) },
                { try $0.insertInboundMessage(sameInbound) },
                { try $0.insertAttempt(sameAttempt) },
            ]
            for attempt in attempts {
                let error = await #expect(throws: StoreError.self) { try await store.write(attempt) }
                #expect(error?.isDuplicate == true, "\(String(describing: error))")
            }
            // Same message id to another destination is a different transfer.
            _ = try await store.insertTransfers([Sample.transfer("c1", to: "local", messageID: "m1")])

            let after = try await store.read { reader in
                (try reader.caseRecord(id: "c1"), try reader.caseRecord(id: "c2"), try reader.versions(caseID: "c1").count,
                 try reader.transfers(caseID: "c1").count)
            }
            #expect(after.0 == original)
            #expect(after.1 == nil)
            #expect(after.2 == 1)
            #expect(after.3 == 2)
        }
    }

    /// A window's new case: inserted with its first version when the number is free; nothing
    /// written when it is taken; a taken id is still an error.
    @Test func insertCaseIfNewPassesOverATakenNumberOnly() async throws {
        try await withStore { store in
            let original = try await store.insertSampleCase(Sample.caseRecord("c1", number: "N-1"))
            let fresh = Sample.caseRecord("c2", number: "N-2")
            let inserted = try await store.write { try $0.insertCaseIfNew(fresh, firstVersion: Sample.version(of: "c2")) }
            #expect(inserted?.id == "c2" && (inserted?.seq ?? 0) > original.seq)
            let sameNumber = Sample.caseRecord("c3", number: "N-1")
            #expect(try await store.write { try $0.insertCaseIfNew(sameNumber, firstVersion: Sample.version(of: "c3")) } == nil)
            let sameID = Sample.caseRecord("c1", number: "N-3")
            let error = await #expect(throws: StoreError.self) {
                try await store.write { try $0.insertCaseIfNew(sameID, firstVersion: Sample.version(of: "c1", 2)) }
            }
            #expect(error?.isDuplicate == true, "\(String(describing: error))")
            let after = try await store.read { reader in
                (try reader.caseRecord(id: "c1"), try reader.caseRecord(id: "c3"), try reader.versions(caseID: "c1").count,
                 try reader.versions(caseID: "c2").count, try reader.versions(caseID: "c3").count)
            }
            #expect(after.0 == original && after.1 == nil)
            #expect(after.2 == 1 && after.3 == 1 && after.4 == 0)
        }
    }

    @Test func duplicateMessageNamesWhatIsTaken() async throws {
        try await withStore { store in
            try await store.insertSampleCase(Sample.caseRecord("c1", number: "N-1"))
            let again = Sample.caseRecord("c2", number: "N-1")
            let error = await #expect(throws: StoreError.self) { try await store.insertSampleCase(again) }
            guard case .duplicate(let what) = error else {
                Issue.record("expected .duplicate, got \(String(describing: error))")
                return
            }
            #expect(what.contains("N-1") && what.contains("window-a"))
        }
    }
}
