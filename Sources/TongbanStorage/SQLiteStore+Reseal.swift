import Foundation

/// How many sealed values each key seals, column by column, and how many are still in clear:
/// what `tongban keys status` prints, and what says a key can be dropped.
public struct SealCensus: Sendable, Equatable {
    /// Values sealed with each key id, by column.
    public var sealed: [String: [SealedColumn: Int]] = [:]
    /// Values written in clear (before encryption was configured, or without it), by column.
    public var clear: [SealedColumn: Int] = [:]
    /// Values whose header this version cannot read, by column.
    public var unreadable: [SealedColumn: Int] = [:]

    public init() {}

    /// Every value sealed with `keyID`.
    public func count(keyID: String) -> Int {
        sealed[keyID, default: [:]].values.reduce(0, +)
    }

    public var clearCount: Int { clear.values.reduce(0, +) }
    public var unreadableCount: Int { unreadable.values.reduce(0, +) }

    /// Values not sealed with `keyID`: what a rotation to that key still has to do.
    public func notUnder(_ keyID: String) -> Int {
        sealed.filter { $0.key != keyID }.values.flatMap(\.values).reduce(0, +) + clearCount + unreadableCount
    }
}

/// How far a re-sealing has gone in one table, reported after each batch.
public struct ResealProgress: Sendable, Equatable {
    public var table: String
    /// Rows looked at so far.
    public var checked: Int
    /// Rows in the table when its turn came: the walk stops at the last of them (rows added
    /// meanwhile are sealed with the current key by whoever adds them).
    public var total: Int
    /// Values sealed anew so far (a row has up to two).
    public var resealed: Int
    /// The table is done: this is its last report.
    public var finished = false
}

/// A table with sealed columns, as the re-sealing walks it: by rowid, so each batch starts where
/// the last one stopped, up to the last row there was when the walk began (rows added meanwhile
/// are sealed by whoever adds them; a walk that followed them could chase a busy gateway for ever).
struct SealedTable: Sendable {
    let name: String
    /// The columns whose text values make the record's identity (`SealedRecord.identity`).
    let identity: [String]
    let columns: [(name: String, column: SealedColumn)]

    static let all: [SealedTable] = [
        SealedTable(name: "case_versions", identity: ["case_id", "version"], columns: [("canonical", .caseCanonical)]),
        SealedTable(name: "statuses", identity: ["case_id"], columns: [("canonical", .statusCanonical)]),
        SealedTable(name: "transfers", identity: ["destination", "message_id"],
                    columns: [("payload", .transferPayload), ("last_error", .transferLastError)]),
        SealedTable(name: "attempts", identity: ["transfer_id", "number"], columns: [("detail", .attemptDetail)]),
        SealedTable(name: "inbound_messages", identity: ["partner", "message_id"], columns: [("answer", .inboundAnswer)]),
        SealedTable(name: "message_log", identity: ["seq"], columns: [("body", .messageLogBody)]),
    ]

    /// rowid, the identity columns, then each sealed column (whole, or its first `prefix` bytes),
    /// of the rows after the first rowid bound and up to the second, `limit` of them.
    func select(prefix: Int? = nil) -> String {
        let sealed = columns.map { column in prefix.map { "substr(\(column.name), 1, \($0))" } ?? column.name }
        return "SELECT rowid, \((identity + sealed).joined(separator: ", ")) FROM \(name) WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?"
    }

    /// How many rows, and the last rowid (0 when empty).
    var extent: String { "SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM \(name)" }

    func record(_ column: SealedColumn, identity: [String], rowid: Int64) -> SealedRecord {
        SealedRecord(column: column, identity: identity, row: rowid)
    }
}

extension SQLiteConnection {
    /// The writer's usual settings, which `reseal` changes while it runs.
    static let settingsAfterReseal = "PRAGMA secure_delete = OFF; PRAGMA busy_timeout = \(busyTimeoutMillis)"
}

/// Why the store cannot re-seal.
public struct ResealError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

extension SQLiteStore {
    /// Seals every value that is not sealed with the current key (values in clear from before
    /// encryption, and values sealed with older keys) with the current key, table by table, in
    /// small transactions of `batchSize` rows, so a gateway writing to the same file (in this
    /// process or another) waits for one batch at most: after each batch this waits as long as
    /// the batch took (at least `pause`) before taking the write lock again.
    ///
    /// Idempotent and resumable: values already under the current key are skipped by their
    /// header alone, so a run that was stopped starts over cheaply and a second run changes
    /// nothing. A value that does not open (a key not configured, an altered value) stops the
    /// run with `SealedRecordError` naming the record; the batches before it are kept.
    ///
    /// Re-sealing replaces values, so the old bytes (in clear, for rows written before
    /// encryption) would linger in freed space and in the WAL: the writer runs with
    /// `secure_delete` meanwhile (freed content is overwritten with zeros), and the WAL is
    /// checkpointed and truncated at the end when no reader holds it.
    ///
    /// Answers the census taken after the last batch.
    public func reseal(batchSize: Int = 500, pause: Duration = .milliseconds(5),
                       progress: @escaping @Sendable (ResealProgress) -> Void = { _ in }) async throws -> SealCensus {
        guard keys.current != nil else {
            throw ResealError(description: "no current key: configure storage.encryption (current and keys) to seal the records")
        }
        // A busy gateway commits back to back, leaving the lock free only between its commits:
        // the batches may wait longer for their turn than the gateway's own writes would.
        try await onWriterConnection { db in try db.exec("PRAGMA secure_delete = ON; PRAGMA busy_timeout = 60000") }
        do {
            for table in SealedTable.all {
                let (total, end) = try await onReader { reader in
                    try reader.db.queryFirst(table.extent) { ($0.int(0), $0.int64(1)) } ?? (0, 0)
                }
                var state = ResealProgress(table: table.name, checked: 0, total: total, resealed: 0)
                var after: Int64 = 0
                while after < end {
                    let started = ContinuousClock.now
                    let batch = try await write { [after] writer in
                        guard let writer = writer as? SQLiteWriter else { throw ResealError(description: "not an SQLite writer") }
                        return try Self.resealBatch(table, after: after, through: end, limit: batchSize, on: writer)
                    }
                    guard let last = batch.last else { break }
                    after = last
                    state.checked += batch.rows
                    state.resealed += batch.resealed
                    if batch.rows < batchSize || after >= end { break }
                    progress(state)
                    try await Task.sleep(for: max(ContinuousClock.now - started, pause))
                }
                state.finished = true
                progress(state)
            }
        } catch {
            _ = try? await onWriterConnection { db in try db.exec(SQLiteConnection.settingsAfterReseal) }
            throw error
        }
        try await onWriterConnection { db in
            try db.exec(SQLiteConnection.settingsAfterReseal)
            // Old page images stay in the WAL until it is overwritten; TRUNCATE empties it when
            // no reader needs it (with readers busy it copies what it can and leaves the rest).
            _ = try db.query("PRAGMA wal_checkpoint(TRUNCATE)") { $0.int(0) }
        }
        return try await census()
    }

    /// One batch of `reseal`: the `limit` rows of `table` after rowid `after` (up to `end`), each
    /// value not sealed with the current key opened and sealed again, in the caller's transaction.
    static func resealBatch(_ table: SealedTable, after: Int64, through end: Int64, limit: Int,
                            on writer: SQLiteWriter) throws -> (last: Int64?, rows: Int, resealed: Int) {
        guard let current = writer.keys.current else { throw ResealError(description: "no current key") }
        let width = table.identity.count
        let rows = try writer.db.query(table.select(), [after, end, limit]) { row in
            (rowid: row.int64(0),
             identity: (0..<width).map { row.text(Int32(1 + $0)) },
             values: table.columns.indices.map { row.optionalBlob(Int32(1 + width + $0)) })
        }
        var resealed = 0
        for row in rows {
            for (index, value) in row.values.enumerated() {
                guard let value, SealedValue.state(of: value) != .sealed(keyID: current.id) else { continue }
                let (name, column) = table.columns[index]
                let record = table.record(column, identity: row.identity, rowid: row.rowid)
                let plaintext = try writer.keys.open(value, record)
                let sealed = try StorageKeyring.seal(plaintext, record, with: current)
                try writer.db.execute("UPDATE \(table.name) SET \(name) = ? WHERE rowid = ?", [sealed, row.rowid])
                resealed += 1
            }
        }
        return (rows.last?.rowid, rows.count, resealed)
    }

    /// Counts the values of every sealed column by the key that seals them (or in clear), from
    /// their headers alone: no key is needed and nothing is opened. Reads in pages of its own
    /// snapshots, up to the rows there were when each table's turn came, so a census of a busy
    /// database leaves out what was written meanwhile.
    public func census(pageSize: Int = 5_000) async throws -> SealCensus {
        var census = SealCensus()
        let headerBytes = SealedValue.magic.count + 2 + StorageKey.maximumIDLength
        for table in SealedTable.all {
            let end = try await onReader { reader in try reader.db.queryFirst(table.extent) { $0.int64(1) } ?? 0 }
            var after: Int64 = 0
            while after < end {
                let page = try await onReader { [after] reader in
                    try reader.snapshot {
                        try reader.db.query(table.select(prefix: headerBytes), [after, end, pageSize]) { row in
                            (row.int64(0), table.columns.indices.map { row.optionalBlob(Int32(1 + table.identity.count + $0)) })
                        }
                    }
                }
                for (_, values) in page {
                    for (index, value) in values.enumerated() {
                        guard let value else { continue }
                        let column = table.columns[index].column
                        switch SealedValue.state(of: value, truncated: true) {
                        case .clear: census.clear[column, default: 0] += 1
                        case .sealed(let keyID): census.sealed[keyID, default: [:]][column, default: 0] += 1
                        case .unreadable: census.unreadable[column, default: 0] += 1
                        }
                    }
                }
                guard let last = page.last, page.count == pageSize else { break }
                after = last.0
            }
        }
        return census
    }
}
