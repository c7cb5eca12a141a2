/// How each record maps to its table's columns: the column list every query selects, in the
/// order the row decoders read them.
enum Columns {
    static let cases = """
        seq, id, direction, origin, partner, case_number, version, matter_code, status, status_at, \
        partner_case_number, next_poll_at, created_at, updated_at
        """
    static let versions = "case_id, version, digest, canonical, created_at"
    static let statuses = "case_id, seq, status, partner_code, at, received_at, source, outcome, note, canonical"
    static let transfers = """
        id, case_id, destination, kind, message_id, payload, content_type, state, attempts, \
        next_attempt_at, created_at, finished_at, last_error, feed_seq, handed_out_at, budget_attempts, budget_since
        """
    static let attempts = "transfer_id, number, started_at, duration_ms, outcome, http_status, partner_code, detail"
    static let inboundMessages = "partner, message_id, case_id, answer, received_at"
}

extension CaseRecord {
    init(row: SQLiteRow) throws {
        self.init(
            id: row.text(1), seq: row.int64(0), direction: try row.value(2, as: Direction.self), origin: row.text(3),
            partner: row.text(4), caseNumber: row.text(5), version: row.int(6), matterCode: row.text(7),
            status: row.optionalText(8), statusAt: row.optionalInt64(9), partnerCaseNumber: row.optionalText(10),
            nextPollAt: row.optionalInt64(11), createdAt: row.int64(12), updatedAt: row.int64(13))
    }
}

extension CaseVersionRecord {
    init(row: SQLiteRow, keys: StorageKeyring) throws {
        let caseID = row.text(0), version = row.int(1)
        self.init(caseID: caseID, version: version, digest: row.text(2),
                  canonical: try keys.open(row.blob(3), Self.sealed(caseID: caseID, version: version)), createdAt: row.int64(4))
    }

    static func sealed(caseID: String, version: Int) -> SealedRecord {
        SealedRecord(column: .caseCanonical, identity: [caseID, String(version)])
    }
}

extension StatusRecord {
    init(row: SQLiteRow, keys: StorageKeyring) throws {
        let caseID = row.text(0), seq = row.int64(1)
        self.init(
            caseID: caseID, seq: seq, status: row.text(2), partnerCode: row.optionalText(3),
            at: row.int64(4), receivedAt: row.int64(5), source: try row.value(6, as: Source.self),
            outcome: try row.value(7, as: Outcome.self), note: row.optionalText(8),
            canonical: try keys.open(row.blob(9), Self.sealed(caseID: caseID, seq: seq)))
    }

    /// Bound to its case only: its own number is assigned by the insert.
    static func sealed(caseID: String, seq: Int64? = nil) -> SealedRecord {
        SealedRecord(column: .statusCanonical, identity: [caseID], row: seq)
    }
}

extension TransferRecord {
    init(row: SQLiteRow, keys: StorageKeyring) throws {
        let id = row.int64(0), destination = row.text(2), messageID = row.text(4)
        self.init(
            id: id, caseID: row.text(1), destination: destination, kind: try row.value(3, as: Kind.self),
            messageID: messageID,
            payload: try keys.open(row.blob(5), Self.sealed(.transferPayload, destination: destination, messageID: messageID, id: id)),
            contentType: row.text(6), state: try row.value(7, as: TransferState.self), attempts: row.int(8),
            nextAttemptAt: row.int64(9), createdAt: row.int64(10), finishedAt: row.optionalInt64(11),
            lastError: try keys.open(text: row.optionalBlob(12),
                                     Self.sealed(.transferLastError, destination: destination, messageID: messageID, id: id)),
            feedSeq: row.optionalInt64(13), handedOutAt: row.optionalInt64(14), budgetAttempts: row.int(15),
            budgetSince: row.optionalInt64(16))
    }

    /// Bound to the destination and message id (the row's unique key, known before the insert
    /// assigns the id).
    static func sealed(_ column: SealedColumn, destination: String, messageID: String, id: Int64? = nil) -> SealedRecord {
        SealedRecord(column: column, identity: [destination, messageID], row: id)
    }
}

extension AttemptRecord {
    init(row: SQLiteRow, keys: StorageKeyring) throws {
        let transferID = row.int64(0), number = row.int(1)
        self.init(
            transferID: transferID, number: number, startedAt: row.int64(2), durationMillis: row.int64(3),
            outcome: try row.value(4, as: Outcome.self), httpStatus: row.optionalInt(5),
            partnerCode: row.optionalText(6),
            detail: try keys.open(text: row.optionalBlob(7), Self.sealed(transferID: transferID, number: number)))
    }

    static func sealed(transferID: Int64, number: Int) -> SealedRecord {
        SealedRecord(column: .attemptDetail, identity: [String(transferID), String(number)])
    }
}

extension InboundMessageRecord {
    init(row: SQLiteRow, keys: StorageKeyring) throws {
        let partner = row.text(0), messageID = row.text(1)
        self.init(partner: partner, messageID: messageID, caseID: row.optionalText(2),
                  answer: try keys.open(row.blob(3), Self.sealed(partner: partner, messageID: messageID)),
                  receivedAt: row.int64(4))
    }

    static func sealed(partner: String, messageID: String) -> SealedRecord {
        SealedRecord(column: .inboundAnswer, identity: [partner, messageID])
    }
}
