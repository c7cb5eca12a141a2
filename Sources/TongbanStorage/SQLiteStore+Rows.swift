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
    init(row: SQLiteRow) {
        self.init(caseID: row.text(0), version: row.int(1), digest: row.text(2), canonical: row.blob(3),
                  createdAt: row.int64(4))
    }
}

extension StatusRecord {
    init(row: SQLiteRow) throws {
        self.init(
            caseID: row.text(0), seq: row.int64(1), status: row.text(2), partnerCode: row.optionalText(3),
            at: row.int64(4), receivedAt: row.int64(5), source: try row.value(6, as: Source.self),
            outcome: try row.value(7, as: Outcome.self), note: row.optionalText(8), canonical: row.blob(9))
    }
}

extension TransferRecord {
    init(row: SQLiteRow) throws {
        self.init(
            id: row.int64(0), caseID: row.text(1), destination: row.text(2), kind: try row.value(3, as: Kind.self),
            messageID: row.text(4), payload: row.blob(5), contentType: row.text(6),
            state: try row.value(7, as: TransferState.self), attempts: row.int(8), nextAttemptAt: row.int64(9),
            createdAt: row.int64(10), finishedAt: row.optionalInt64(11), lastError: row.optionalText(12),
            feedSeq: row.optionalInt64(13), handedOutAt: row.optionalInt64(14), budgetAttempts: row.int(15),
            budgetSince: row.optionalInt64(16))
    }
}

extension AttemptRecord {
    init(row: SQLiteRow) throws {
        self.init(
            transferID: row.int64(0), number: row.int(1), startedAt: row.int64(2), durationMillis: row.int64(3),
            outcome: try row.value(4, as: Outcome.self), httpStatus: row.optionalInt(5),
            partnerCode: row.optionalText(6), detail: row.optionalText(7))
    }
}

extension InboundMessageRecord {
    init(row: SQLiteRow) {
        self.init(partner: row.text(0), messageID: row.text(1), caseID: row.optionalText(2), answer: row.blob(3),
                  receivedAt: row.int64(4))
    }
}
