/// An operator's pause of one destination (a maintenance window): its delivery workers take
/// nothing, and a feed hands out nothing, until an operator resumes it. Kept in the store, not in
/// memory, so a restart (or a crash) in the middle of a window keeps the destination paused.
public struct DestinationPause: Sendable, Hashable {
    /// A partner's name, or `local`.
    public var destination: String
    /// Milliseconds since the Unix epoch (UTC).
    public var pausedAt: Int64
    /// The operator's name as the configuration's `operators` lists it.
    public var pausedBy: String
    public var reason: String

    public init(destination: String, pausedAt: Int64, pausedBy: String, reason: String) {
        self.destination = destination
        self.pausedAt = pausedAt
        self.pausedBy = pausedBy
        self.reason = reason
    }
}

enum PauseSQL {
    static let all = "SELECT destination, paused_at, operator, reason FROM destination_pauses ORDER BY destination"
    static let one = "SELECT destination, paused_at, operator, reason FROM destination_pauses WHERE destination = ?"
    static let insert = "INSERT INTO destination_pauses (destination, paused_at, operator, reason) VALUES (?, ?, ?, ?)"
    static let delete = "DELETE FROM destination_pauses WHERE destination = ?"
}

extension DestinationPause {
    init(row: SQLiteRow) {
        self.init(destination: row.text(0), pausedAt: row.int64(1), pausedBy: row.text(2), reason: row.text(3))
    }
}

extension SQLiteQueries {
    func pauses() throws -> [DestinationPause] {
        try db.query(PauseSQL.all, row: DestinationPause.init(row:))
    }

    func pause(destination: String) throws -> DestinationPause? {
        try db.queryFirst(PauseSQL.one, [destination], row: DestinationPause.init(row:))
    }
}

extension SQLiteWriter {
    func insertPause(_ pause: DestinationPause) throws {
        try db.execute(PauseSQL.insert, [pause.destination, pause.pausedAt, pause.pausedBy, pause.reason],
                       duplicate: "a pause of '\(pause.destination)'")
    }

    func deletePause(destination: String) throws -> DestinationPause? {
        guard let pause = try pause(destination: destination) else { return nil }
        try db.execute(PauseSQL.delete, [destination])
        return pause
    }
}
