/// The `StoreReader` queries over one connection, shared by read snapshots and write
/// transactions (a writer reads its own uncommitted changes).
protocol SQLiteQueries: StoreReader {
    var db: SQLiteConnection { get }
    /// Opens the sealed columns of the rows read (and seals what a writer writes).
    var keys: StorageKeyring { get }
}

/// A read-only transaction on a reader thread's connection.
struct SQLiteReader: SQLiteQueries {
    let db: SQLiteConnection
    let keys: StorageKeyring

    /// Runs `body` in one read transaction, so all its queries see the same commit.
    func snapshot<T>(_ body: () throws -> T) throws -> T {
        try db.execute("BEGIN")
        let result = Result { try body() }
        // Ends the snapshot; a read transaction has nothing to lose, so COMMIT is as good as ROLLBACK.
        try db.execute("COMMIT")
        return try result.get()
    }
}

/// The SQL texts of the queries; constant, so each is prepared once per connection.
enum ReaderSQL {
    static let caseByID = "SELECT \(Columns.cases) FROM cases WHERE id = ?"
    static let caseByNumber = "SELECT \(Columns.cases) FROM cases WHERE origin = ? AND case_number = ?"
    static let caseByPartnerNumber = """
        SELECT \(Columns.cases) FROM cases
        WHERE partner = ? AND partner_case_number = ? AND direction = ? ORDER BY seq DESC LIMIT 1
        """
    static let versions = "SELECT \(Columns.versions) FROM case_versions WHERE case_id = ? ORDER BY version"
    static let version = "SELECT \(Columns.versions) FROM case_versions WHERE case_id = ? AND version = ?"
    static let statuses = "SELECT \(Columns.statuses) FROM statuses WHERE case_id = ? ORDER BY seq"
    static let transfer = "SELECT \(Columns.transfers) FROM transfers WHERE id = ?"
    static let transfersOfCase = "SELECT \(Columns.transfers) FROM transfers WHERE case_id = ? ORDER BY id"
    static let attempts = "SELECT \(Columns.attempts) FROM attempts WHERE transfer_id = ? ORDER BY number"
    /// The inner query only touches the two covering indexes; rows are read for the page alone.
    /// Parameters: destination, pending, now, pending, inFlight, held, limit.
    static let dueTransfers = """
        SELECT \(Columns.transfers) FROM transfers WHERE id IN (
            SELECT t.id FROM transfers AS t
            WHERE t.destination = ? AND t.state = ? AND t.next_attempt_at <= ?
              AND NOT EXISTS (
                  SELECT 1 FROM transfers AS earlier
                  WHERE earlier.case_id = t.case_id AND earlier.destination = t.destination
                    AND earlier.id < t.id AND earlier.state IN (?, ?, ?))
            ORDER BY t.id LIMIT ?)
        ORDER BY id
        """
    static let nextDueTime = "SELECT MIN(next_attempt_at) FROM transfers WHERE destination = ? AND state = ?"
    static let transferCount = "SELECT COUNT(*) FROM transfers WHERE destination = ? AND state = ?"
    /// The first entry of `transfers_queue` for (destination, pending), in id order: one index
    /// step and one row, however long the queue (MIN(created_at) would read every pending row).
    static let oldestPending = "SELECT created_at FROM transfers WHERE destination = ? AND state = ? ORDER BY id LIMIT 1"
    static let feed = """
        SELECT \(Columns.transfers) FROM transfers
        WHERE destination = ? AND feed_seq > ? AND state = ? ORDER BY feed_seq LIMIT ?
        """
    static let transferByMessage = "SELECT \(Columns.transfers) FROM transfers WHERE destination = ? AND message_id = ?"
    static let casesDueForPoll = """
        SELECT \(Columns.cases) FROM cases
        WHERE partner = ? AND next_poll_at IS NOT NULL AND next_poll_at <= ? ORDER BY next_poll_at, seq LIMIT ?
        """
    static let nextPollTime = "SELECT MIN(next_poll_at) FROM cases WHERE partner = ? AND next_poll_at IS NOT NULL"
    static let inboundMessage = "SELECT \(Columns.inboundMessages) FROM inbound_messages WHERE partner = ? AND message_id = ?"

    /// The page query for `filter`: only the fixed condition texts vary (one text per combination
    /// of filters present, so a handful of cached statements); the values are bound.
    static func cases(matching filter: CaseFilter, after: Int64?, limit: Int) -> (String, SQLiteConnection.Arguments) {
        var conditions: [String] = []
        var arguments: SQLiteConnection.Arguments = []
        func add(_ condition: String, _ value: (any SQLiteBindable)?) {
            guard let value else { return }
            conditions.append(condition)
            arguments.append(value)
        }
        add("case_number = ?", filter.caseNumber)
        add("partner = ?", filter.partner)
        add("status = ?", filter.status)
        add("direction = ?", filter.direction?.rawValue)
        add("created_at >= ?", filter.createdFrom)
        add("created_at < ?", filter.createdTo)
        add("seq < ?", after)
        arguments.append(limit)
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return ("SELECT \(Columns.cases) FROM cases\(whereClause) ORDER BY seq DESC LIMIT ?", arguments)
    }
}

extension SQLiteQueries {
    func caseRecord(id: String) throws -> CaseRecord? {
        try db.queryFirst(ReaderSQL.caseByID, [id], row: CaseRecord.init(row:))
    }

    func caseRecord(origin: String, caseNumber: String) throws -> CaseRecord? {
        try db.queryFirst(ReaderSQL.caseByNumber, [origin, caseNumber], row: CaseRecord.init(row:))
    }

    func caseRecord(partner: String, partnerCaseNumber: String, direction: CaseRecord.Direction) throws -> CaseRecord? {
        try db.queryFirst(ReaderSQL.caseByPartnerNumber, [partner, partnerCaseNumber, direction.rawValue], row: CaseRecord.init(row:))
    }

    func versions(caseID: String) throws -> [CaseVersionRecord] {
        try db.query(ReaderSQL.versions, [caseID], row: { try CaseVersionRecord(row: $0, keys: keys) })
    }

    func version(caseID: String, version: Int) throws -> CaseVersionRecord? {
        try db.queryFirst(ReaderSQL.version, [caseID, version], row: { try CaseVersionRecord(row: $0, keys: keys) })
    }

    func cases(matching filter: CaseFilter, after: Int64?, limit: Int) throws -> [CaseRecord] {
        let (sql, arguments) = ReaderSQL.cases(matching: filter, after: after, limit: limit)
        return try db.query(sql, arguments, row: CaseRecord.init(row:))
    }

    func statuses(caseID: String) throws -> [StatusRecord] {
        try db.query(ReaderSQL.statuses, [caseID], row: { try StatusRecord(row: $0, keys: keys) })
    }

    func transfer(id: Int64) throws -> TransferRecord? {
        try db.queryFirst(ReaderSQL.transfer, [id], row: { try TransferRecord(row: $0, keys: keys) })
    }

    func transfers(caseID: String) throws -> [TransferRecord] {
        try db.query(ReaderSQL.transfersOfCase, [caseID], row: { try TransferRecord(row: $0, keys: keys) })
    }

    func attempts(transferID: Int64) throws -> [AttemptRecord] {
        try db.query(ReaderSQL.attempts, [transferID], row: { try AttemptRecord(row: $0, keys: keys) })
    }

    func dueTransfers(destination: String, now: Int64, limit: Int) throws -> [TransferRecord] {
        let pending = TransferState.pending.rawValue, inFlight = TransferState.inFlight.rawValue, held = TransferState.held.rawValue
        return try db.query(ReaderSQL.dueTransfers, [destination, pending, now, pending, inFlight, held, limit],
                            row: { try TransferRecord(row: $0, keys: keys) })
    }

    func nextDueTime(destination: String) throws -> Int64? {
        try db.queryFirst(ReaderSQL.nextDueTime, [destination, TransferState.pending.rawValue]) {
            $0.optionalInt64(0)
        } ?? nil
    }

    func transferCount(destination: String, state: TransferState) throws -> Int {
        try db.queryFirst(ReaderSQL.transferCount, [destination, state.rawValue]) { $0.int(0) } ?? 0
    }

    func oldestPendingCreatedAt(destination: String) throws -> Int64? {
        try db.queryFirst(ReaderSQL.oldestPending, [destination, TransferState.pending.rawValue]) { $0.int64(0) }
    }

    func feed(destination: String, after: Int64, limit: Int) throws -> [TransferRecord] {
        try db.query(ReaderSQL.feed, [destination, after, TransferState.pending.rawValue, limit],
                     row: { try TransferRecord(row: $0, keys: keys) })
    }

    func transfer(destination: String, messageID: String) throws -> TransferRecord? {
        try db.queryFirst(ReaderSQL.transferByMessage, [destination, messageID], row: { try TransferRecord(row: $0, keys: keys) })
    }

    func casesDueForPoll(partner: String, now: Int64, limit: Int) throws -> [CaseRecord] {
        try db.query(ReaderSQL.casesDueForPoll, [partner, now, limit], row: CaseRecord.init(row:))
    }

    func nextPollTime(partner: String) throws -> Int64? {
        try db.queryFirst(ReaderSQL.nextPollTime, [partner]) { $0.optionalInt64(0) } ?? nil
    }

    func inboundMessage(partner: String, messageID: String) throws -> InboundMessageRecord? {
        try db.queryFirst(ReaderSQL.inboundMessage, [partner, messageID], row: { try InboundMessageRecord(row: $0, keys: keys) })
    }
}
