extension Columns {
    static let messageLog = """
        seq, at, direction, party, route, case_id, transfer_id, message_id, body_sha256, answer_sha256, http_status, \
        result, actor, reason, body, previous_hash, hash
        """
}

enum MessageLogSQL {
    static let after = "SELECT \(Columns.messageLog) FROM message_log WHERE seq > ? ORDER BY seq LIMIT ?"
    static let ofCase = "SELECT \(Columns.messageLog) FROM message_log WHERE case_id = ? ORDER BY seq"
    static let head = "SELECT \(Columns.messageLog) FROM message_log ORDER BY seq DESC LIMIT 1"
    static let headLink = "SELECT seq, hash FROM message_log ORDER BY seq DESC LIMIT 1"
    static let insert = "INSERT INTO message_log (\(Columns.messageLog)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    static let purgeMark = "SELECT through_seq FROM message_log_purge WHERE id = 1"
    static let timesAfter = "SELECT seq, at FROM message_log WHERE seq > ? ORDER BY seq LIMIT ?"
    static let dropBodies = "UPDATE message_log SET body = NULL WHERE seq > ? AND seq <= ? AND body IS NOT NULL"
    static let setPurgeMark = "UPDATE message_log_purge SET through_seq = ? WHERE id = 1"
}

extension MessageLogEntry {
    init(row: SQLiteRow, keys: StorageKeyring) throws {
        let seq = row.int64(0)
        self.init(
            seq: seq, at: row.int64(1), direction: try row.value(2, as: Direction.self), party: row.text(3),
            route: row.optionalText(4), caseID: row.optionalText(5), transferID: row.optionalInt64(6),
            messageID: row.optionalText(7), bodyDigest: row.optionalText(8), answerDigest: row.optionalText(9),
            httpStatus: row.optionalInt(10), result: row.optionalText(11), actor: row.text(12), reason: row.optionalText(13),
            body: try row.optionalBlob(14).map { try keys.open($0, Self.sealedBody(seq: seq)) },
            previousHash: row.text(15), hash: row.text(16))
    }

    /// Bound to the entry's number, which the writer assigns before it inserts.
    static func sealedBody(seq: Int64) -> SealedRecord {
        SealedRecord(column: .messageLogBody, identity: [String(seq)])
    }
}

extension SQLiteQueries {
    func messageLog(after seq: Int64, limit: Int) throws -> [MessageLogEntry] {
        try db.query(MessageLogSQL.after, [seq, limit], row: { try MessageLogEntry(row: $0, keys: keys) })
    }

    func messageLog(caseID: String) throws -> [MessageLogEntry] {
        try db.query(MessageLogSQL.ofCase, [caseID], row: { try MessageLogEntry(row: $0, keys: keys) })
    }

    func messageLogHead() throws -> MessageLogEntry? {
        try db.queryFirst(MessageLogSQL.head, row: { try MessageLogEntry(row: $0, keys: keys) })
    }
}

extension SQLiteWriter {
    func appendLog(_ draft: MessageLogDraft) throws -> MessageLogEntry {
        var last = chainHead.link
        if last == nil {
            last = try db.queryFirst(MessageLogSQL.headLink, row: { (seq: $0.int64(0), hash: $0.text(1)) })
            chainHead.read(last)
        }
        let entry = draft.entry(after: last?.seq ?? 0, previousHash: last?.hash ?? MessageLogEntry.genesisHash)
        try db.execute(MessageLogSQL.insert, [
            entry.seq, entry.at, entry.direction.rawValue, entry.party, entry.route, entry.caseID, entry.transferID,
            entry.messageID, entry.bodyDigest, entry.answerDigest, entry.httpStatus, entry.result, entry.actor, entry.reason,
            try entry.body.map { try keys.seal($0, MessageLogEntry.sealedBody(seq: entry.seq)) }, entry.previousHash, entry.hash,
        ], duplicate: "message log entry \(entry.seq)")
        chainHead.appended(entry)
        return entry
    }

    func purgeLogBodies(before cutoff: Int64, limit: Int) throws -> Int {
        guard let mark = try db.queryFirst(MessageLogSQL.purgeMark, row: { $0.int64(0) }) else {
            throw StoreError.engine("message_log_purge has no row")
        }
        // Entries are appended about in the order of their times: the purge stops at the first
        // entry logged at or after the cutoff, so it never drops a body younger than that.
        var through = mark
        var passed = 0
        for (seq, at) in try db.query(MessageLogSQL.timesAfter, [mark, limit], row: { ($0.int64(0), $0.int64(1)) }) {
            guard at < cutoff else { break }
            through = seq
            passed += 1
        }
        guard passed > 0 else { return 0 }
        try db.execute(MessageLogSQL.dropBodies, [mark, through])
        try db.execute(MessageLogSQL.setPurgeMark, [through])
        return passed
    }
}
