/// A replay an operator started: who, why, how; its transfers' states are its progress.
public struct ReplayRecord: Sendable, Hashable {
    public var id: Int64
    public var createdAt: Int64
    public var operatorName: String
    public var reason: String
    /// `resend` or `retranslate`.
    public var mode: String
    /// Set while an operator holds the replay: its transfers wait as `held`.
    public var pause: Pause?

    /// Who paused a replay, when (milliseconds since the Unix epoch) and why.
    public struct Pause: Sendable, Hashable {
        public var at: Int64
        public var by: String
        public var reason: String

        public init(at: Int64, by: String, reason: String) { self.at = at; self.by = by; self.reason = reason }
    }

    public init(id: Int64 = 0, createdAt: Int64, operatorName: String, reason: String, mode: String, pause: Pause? = nil) {
        self.id = id; self.createdAt = createdAt; self.operatorName = operatorName; self.reason = reason; self.mode = mode
        self.pause = pause
    }
}

enum ReplaySQL {
    static let insert = "INSERT INTO replays (created_at, operator, reason, mode) VALUES (?, ?, ?, ?)"
    static let insertTransfer = "INSERT INTO replay_transfers (replay_id, transfer_id) VALUES (?, ?)"
    static let byID = "SELECT id, created_at, operator, reason, mode, paused_at, paused_by, pause_reason FROM replays WHERE id = ?"
    static let setPause = "UPDATE replays SET paused_at = ?, paused_by = ?, pause_reason = ? WHERE id = ?"
    /// The transfers a replay holds: those whose latest replay it is (a transfer that died again
    /// and was replayed anew follows its newer replay).
    static let ownTransfers = """
        SELECT r.transfer_id FROM replay_transfers AS r
        WHERE r.replay_id = ? AND NOT EXISTS (
            SELECT 1 FROM replay_transfers AS later WHERE later.transfer_id = r.transfer_id AND later.replay_id > r.replay_id)
        """
    static let hold = "UPDATE transfers SET state = 'held' WHERE state = 'pending' AND id IN (\(ownTransfers))"
    static let release = "UPDATE transfers SET state = 'pending', next_attempt_at = ? WHERE state = 'held' AND id IN (\(ownTransfers))"
    /// Parameters: transfer id. Holds it when its latest replay is paused.
    static let holdOne = """
        UPDATE transfers SET state = 'held' WHERE id = ?1 AND state = 'pending' AND (
            SELECT p.paused_at FROM replay_transfers AS r JOIN replays AS p ON p.id = r.replay_id
            WHERE r.transfer_id = ?1 ORDER BY r.replay_id DESC LIMIT 1) IS NOT NULL
        """
    static let holdAll = """
        UPDATE transfers SET state = 'held' WHERE state = 'pending' AND id IN (
            SELECT r.transfer_id FROM replays AS p JOIN replay_transfers AS r ON r.replay_id = p.id
            WHERE p.paused_at IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM replay_transfers AS later WHERE later.transfer_id = r.transfer_id AND later.replay_id > r.replay_id))
        """
    static let states = """
        SELECT t.state, COUNT(*) FROM replay_transfers AS r JOIN transfers AS t ON t.id = r.transfer_id
        WHERE r.replay_id = ? GROUP BY t.state
        """
}

extension SQLiteQueries {
    func replay(id: Int64) throws -> (record: ReplayRecord, states: [TransferState: Int])? {
        guard let record = try db.queryFirst(ReplaySQL.byID, [id], row: { row in
            ReplayRecord(id: row.int64(0), createdAt: row.int64(1), operatorName: row.text(2), reason: row.text(3), mode: row.text(4),
                         pause: row.optionalInt64(5).map { ReplayRecord.Pause(at: $0, by: row.text(6), reason: row.text(7)) })
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

extension SQLiteWriter {
    func pauseReplay(id: Int64, _ pause: ReplayRecord.Pause) throws -> Int {
        try db.execute(ReplaySQL.setPause, [pause.at, pause.by, pause.reason, id])
        return try db.execute(ReplaySQL.hold, [id])
    }

    func resumeReplay(id: Int64, now: Int64) throws -> Int {
        try db.execute(ReplaySQL.setPause, [nil, nil, nil, id])
        return try db.execute(ReplaySQL.release, [now, id])
    }

    func holdIfReplayPaused(transferID: Int64) throws {
        try db.execute(ReplaySQL.holdOne, [transferID])
    }

    /// Holds every `pending` transfer whose latest replay is paused.
    func holdPausedReplays() throws {
        try db.execute(ReplaySQL.holdAll)
    }
}
