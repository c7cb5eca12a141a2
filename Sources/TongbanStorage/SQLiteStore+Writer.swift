/// The changes a write closure makes, on the writer thread's connection inside the group's
/// transaction (and the closure's own savepoint). Columns that can hold personal data are sealed
/// with `keys.current` here, on their way into the row.
struct SQLiteWriter: SQLiteQueries, StoreWriter {
    let db: SQLiteConnection
    let keys: StorageKeyring
    /// The message log's head, kept by the writer thread across transactions.
    let chainHead: LogChainHead

    func insertCase(_ record: CaseRecord, firstVersion: CaseVersionRecord) throws -> CaseRecord {
        try db.execute(WriterSQL.insertCase, [
            record.id, record.direction.rawValue, record.origin, record.partner, record.caseNumber, record.version,
            record.matterCode, record.status, record.statusAt, record.partnerCaseNumber, record.nextPollAt,
            record.createdAt, record.updatedAt,
        ], duplicate: "case number '\(record.caseNumber)' from '\(record.origin)'")
        var inserted = record
        inserted.seq = db.lastInsertRowID
        try insertVersionRow(firstVersion)
        return inserted
    }

    func insertCaseIfNew(_ record: CaseRecord, firstVersion: CaseVersionRecord) throws -> CaseRecord? {
        let inserted = try db.execute(WriterSQL.insertCaseIfNew, [
            record.id, record.direction.rawValue, record.origin, record.partner, record.caseNumber, record.version,
            record.matterCode, record.status, record.statusAt, record.partnerCaseNumber, record.nextPollAt,
            record.createdAt, record.updatedAt,
        ], duplicate: "case '\(record.id)'")
        guard inserted > 0 else { return nil }
        var created = record
        created.seq = db.lastInsertRowID
        try insertVersionRow(firstVersion)
        return created
    }

    func insertVersion(_ record: CaseVersionRecord) throws {
        let changed = try db.execute(WriterSQL.setCurrentVersion, [record.version, record.createdAt, record.caseID])
        guard changed > 0 else { throw StoreError.notFound("case '\(record.caseID)'") }
        try insertVersionRow(record)
    }

    private func insertVersionRow(_ record: CaseVersionRecord) throws {
        try db.execute(WriterSQL.insertVersion, [
            record.caseID, record.version, record.digest,
            try keys.seal(record.canonical, CaseVersionRecord.sealed(caseID: record.caseID, version: record.version)), record.createdAt,
        ], duplicate: "version \(record.version) of case '\(record.caseID)'")
    }

    func updateCase(_ record: CaseRecord) throws {
        let changed = try db.execute(WriterSQL.updateCase, [
            record.direction.rawValue, record.origin, record.partner, record.caseNumber, record.version,
            record.matterCode, record.status, record.statusAt, record.partnerCaseNumber, record.nextPollAt,
            record.createdAt, record.updatedAt, record.id,
        ], duplicate: "case number '\(record.caseNumber)' from '\(record.origin)'")
        guard changed > 0 else { throw StoreError.notFound("case '\(record.id)'") }
    }

    func insertStatus(_ record: StatusRecord) throws -> StatusRecord {
        try db.execute(WriterSQL.insertStatus, [
            record.caseID, record.status, record.partnerCode, record.at, record.receivedAt, record.source.rawValue,
            record.outcome.rawValue, record.note, try keys.seal(record.canonical, StatusRecord.sealed(caseID: record.caseID)),
        ])
        var inserted = record
        inserted.seq = db.lastInsertRowID
        return inserted
    }

    func insertTransfer(_ record: TransferRecord) throws -> TransferRecord {
        var inserted = record
        if record.feedSeq != nil {
            inserted.feedSeq = try nextFeedSeq()
        }
        let (payload, lastError) = try sealed(record)
        try db.execute(WriterSQL.insertTransfer, [
            record.caseID, record.destination, record.kind.rawValue, record.messageID, payload,
            record.contentType, record.state.rawValue, record.attempts, record.nextAttemptAt, record.createdAt,
            record.finishedAt, lastError, inserted.feedSeq, record.handedOutAt, record.budgetAttempts, record.budgetSince,
            record.isExhausted,
        ], duplicate: "message '\(record.messageID)' to '\(record.destination)'")
        inserted.id = db.lastInsertRowID
        return inserted
    }

    func updateTransfer(_ record: TransferRecord) throws {
        let (payload, lastError) = try sealed(record)
        let changed = try db.execute(WriterSQL.updateTransfer, [
            record.caseID, record.destination, record.kind.rawValue, record.messageID, payload,
            record.contentType, record.state.rawValue, record.attempts, record.nextAttemptAt, record.createdAt,
            record.finishedAt, lastError, record.feedSeq, record.handedOutAt, record.budgetAttempts, record.budgetSince,
            record.isExhausted, record.id,
        ], duplicate: "message '\(record.messageID)' to '\(record.destination)'")
        guard changed > 0 else { throw StoreError.notFound("transfer \(record.id)") }
    }

    /// The payload and last error as stored: sealed for the transfer's destination and message id.
    private func sealed(_ record: TransferRecord) throws -> (payload: [UInt8], lastError: (any SQLiteBindable)?) {
        (try keys.seal(record.payload, TransferRecord.sealed(.transferPayload, destination: record.destination, messageID: record.messageID)),
         try keys.seal(text: record.lastError,
                       TransferRecord.sealed(.transferLastError, destination: record.destination, messageID: record.messageID)))
    }

    func releaseInFlight(now: Int64) throws -> Int {
        let released = try db.execute(WriterSQL.releaseInFlight, [TransferState.pending.rawValue, now, TransferState.inFlight.rawValue])
        try holdPausedReplays()
        return released
    }

    func resequence(transferID: Int64) throws -> Int64 {
        let seq = try nextFeedSeq()
        let changed = try db.execute(WriterSQL.setFeedSeq, [seq, transferID])
        guard changed > 0 else { throw StoreError.notFound("transfer \(transferID)") }
        return seq
    }

    func unacknowledged(destination: String, handedOutBefore cutoff: Int64) throws -> [TransferRecord] {
        try db.query(WriterSQL.unacknowledged, [destination, TransferState.offered.rawValue, cutoff],
                     row: { try TransferRecord(row: $0, keys: keys) })
    }

    func insertAttempt(_ record: AttemptRecord) throws {
        try db.execute(WriterSQL.insertAttempt, [
            record.transferID, record.number, record.startedAt, record.durationMillis, record.outcome.rawValue,
            record.httpStatus, record.partnerCode,
            try keys.seal(text: record.detail, AttemptRecord.sealed(transferID: record.transferID, number: record.number)),
        ], duplicate: "attempt \(record.number) of transfer \(record.transferID)")
    }

    func insertInboundMessage(_ record: InboundMessageRecord) throws {
        try db.execute(WriterSQL.insertInboundMessage, [
            record.partner, record.messageID, record.caseID,
            try keys.seal(record.answer, InboundMessageRecord.sealed(partner: record.partner, messageID: record.messageID)), record.receivedAt,
        ], duplicate: "message '\(record.messageID)' from '\(record.partner)'")
    }

    func rememberNonce(partner: String, nonce: String, at: Int64, forgetBefore: Int64) throws -> Bool {
        try db.execute(WriterSQL.forgetNonces, [forgetBefore])
        return try db.execute(WriterSQL.insertNonce, [partner, nonce, at]) > 0
    }

    /// The next number of the feed counter, shared by every feed so numbers never repeat.
    private func nextFeedSeq() throws -> Int64 {
        guard let seq = try db.queryFirst(WriterSQL.nextFeedSeq, row: { $0.int64(0) }) else {
            throw StoreError.engine("feed_counter has no row")
        }
        return seq
    }
}

/// The SQL texts of the changes; constant, so each is prepared once.
enum WriterSQL {
    static let insertCase = """
        INSERT INTO cases (id, direction, origin, partner, case_number, version, matter_code, status, status_at,
            partner_case_number, next_poll_at, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    /// Only a taken number is passed over; any other conflict (the id) is still an error.
    static let insertCaseIfNew = insertCase + " ON CONFLICT (origin, case_number) DO NOTHING"
    /// A new version is a change of the case, so `updated_at` moves on to the version's time.
    static let setCurrentVersion = "UPDATE cases SET version = ?, updated_at = MAX(updated_at, ?) WHERE id = ?"
    static let insertVersion = "INSERT INTO case_versions (\(Columns.versions)) VALUES (?, ?, ?, ?, ?)"
    static let updateCase = """
        UPDATE cases SET direction = ?, origin = ?, partner = ?, case_number = ?, version = ?, matter_code = ?,
            status = ?, status_at = ?, partner_case_number = ?, next_poll_at = ?, created_at = ?, updated_at = ?
        WHERE id = ?
        """
    static let insertStatus = """
        INSERT INTO statuses (case_id, status, partner_code, at, received_at, source, outcome, note, canonical)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let insertTransfer = """
        INSERT INTO transfers (case_id, destination, kind, message_id, payload, content_type, state, attempts,
            next_attempt_at, created_at, finished_at, last_error, feed_seq, handed_out_at, budget_attempts, budget_since, exhausted)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let updateTransfer = """
        UPDATE transfers SET case_id = ?, destination = ?, kind = ?, message_id = ?, payload = ?, content_type = ?,
            state = ?, attempts = ?, next_attempt_at = ?, created_at = ?, finished_at = ?, last_error = ?,
            feed_seq = ?, handed_out_at = ?, budget_attempts = ?, budget_since = ?, exhausted = ?
        WHERE id = ?
        """
    static let releaseInFlight = "UPDATE transfers SET state = ?, next_attempt_at = ? WHERE state = ?"
    static let setFeedSeq = "UPDATE transfers SET feed_seq = ? WHERE id = ?"
    static let unacknowledged = """
        SELECT \(Columns.transfers) FROM transfers
        WHERE destination = ? AND state = ? AND handed_out_at < ? ORDER BY feed_seq
        """
    static let insertAttempt = "INSERT INTO attempts (\(Columns.attempts)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    static let insertInboundMessage = "INSERT INTO inbound_messages (\(Columns.inboundMessages)) VALUES (?, ?, ?, ?, ?)"
    static let forgetNonces = "DELETE FROM nonces WHERE seen_at < ?"
    static let insertNonce = "INSERT INTO nonces (partner, nonce, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
    static let nextFeedSeq = "UPDATE feed_counter SET last = last + 1 WHERE id = 1 RETURNING last"
}
