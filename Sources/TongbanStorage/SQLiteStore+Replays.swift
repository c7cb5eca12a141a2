/// A replay an operator started: who, why, how; its transfers' states are its progress.
public struct ReplayRecord: Sendable, Hashable {
    public var id: Int64
    public var createdAt: Int64
    public var operatorName: String
    public var reason: String
    /// `resend` or `retranslate`.
    public var mode: String

    public init(id: Int64 = 0, createdAt: Int64, operatorName: String, reason: String, mode: String) {
        self.id = id; self.createdAt = createdAt; self.operatorName = operatorName; self.reason = reason; self.mode = mode
    }
}

enum ReplaySQL {
    static let insert = "INSERT INTO replays (created_at, operator, reason, mode) VALUES (?, ?, ?, ?)"
    static let insertTransfer = "INSERT INTO replay_transfers (replay_id, transfer_id) VALUES (?, ?)"
    static let byID = "SELECT id, created_at, operator, reason, mode FROM replays WHERE id = ?"
    static let states = """
        SELECT t.state, COUNT(*) FROM replay_transfers AS r JOIN transfers AS t ON t.id = r.transfer_id
        WHERE r.replay_id = ? GROUP BY t.state
        """
}

extension SQLiteQueries {
    func replay(id: Int64) throws -> (record: ReplayRecord, states: [TransferState: Int])? {
        guard let record = try db.queryFirst(ReplaySQL.byID, [id], row: {
            ReplayRecord(id: $0.int64(0), createdAt: $0.int64(1), operatorName: $0.text(2), reason: $0.text(3), mode: $0.text(4))
        }) else { return nil }
        var states: [TransferState: Int] = [:]
        for (state, count) in try db.query(ReplaySQL.states, [id], row: { (try $0.value(0, as: TransferState.self), $0.int(1)) }) {
            states[state] = count
        }
        return (record, states)
    }
}

extension SQLiteWriter {
    func insertReplay(_ record: ReplayRecord, transferIDs: [Int64]) throws -> ReplayRecord {
        try db.execute(ReplaySQL.insert, [record.createdAt, record.operatorName, record.reason, record.mode])
        var inserted = record
        inserted.id = db.lastInsertRowID
        for transferID in transferIDs {
            try db.execute(ReplaySQL.insertTransfer, [inserted.id, transferID], duplicate: "transfer \(transferID) twice in replay \(inserted.id)")
        }
        return inserted
    }
}
