import CSQLite

/// Extended result codes from sqlite3.h, whose macros Swift does not import.
private let constraintUnique = SQLITE_CONSTRAINT | (8 << 8)
private let constraintPrimaryKey = SQLITE_CONSTRAINT | (6 << 8)

/// One SQLite connection with its prepared-statement cache. It is opened, used and closed by a
/// single store thread, so it needs no lock and is deliberately not `Sendable`.
final class SQLiteConnection {
    typealias Arguments = [(any SQLiteBindable)?]

    private let handle: OpaquePointer
    /// Prepared statements keyed by their SQL text: every query the store runs is one of a small,
    /// fixed set of texts, and preparing dominates the cost of the short statements it runs.
    private var statements: [String: OpaquePointer] = [:]

    /// How long a statement waits for a lock another connection holds (another process's
    /// write, a checkpoint) before it fails with `SQLITE_BUSY`.
    static let busyTimeoutMillis: Int32 = 5_000

    /// Library settings that must precede the first connection; evaluated once, on first use.
    private static let libraryConfigured: Void = { _ = tongban_sqlite3_disable_memstatus() }()

    /// Opens `path` (creating it unless `readOnly`) in WAL mode with full sync, so a commit
    /// survives a power cut and readers never block the writer.
    init(path: String, readOnly: Bool) throws {
        Self.libraryConfigured
        var opened: OpaquePointer?
        let mode = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        let code = sqlite3_open_v2(path, &opened, mode | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let opened else {
            let reason = opened.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_close_v2(opened)
            throw StoreError.engine("\(path): \(reason)")
        }
        handle = opened
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, Self.busyTimeoutMillis)
        do {
            try configure(readOnly: readOnly)
        } catch {
            close()
            throw StoreError.engine("\(path): \(StoreError.reason(error))")
        }
    }

    private func configure(readOnly: Bool) throws {
        // The journal mode is a property of the file: the writer sets it, readers find it.
        if !readOnly {
            let mode = try query("PRAGMA journal_mode=WAL") { $0.text(0) }.first
            guard mode?.lowercased() == "wal" else {
                throw StoreError.engine("journal mode is \(mode ?? "unknown"), WAL is required")
            }
        }
        // A savepoint's undo copies (the statement journal, one page image per page a job
        // changes) stay in memory rather than in a temporary file: a crash never needs them
        // (the WAL makes commits atomic), and writing them cost more than the commit itself.
        try exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY")
    }

    /// Finalizes the cached statements and closes the connection; the last use of `self`.
    func close() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Whether a transaction is open; SQLite ends one by itself on some errors (disk full, I/O).
    var inTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Runs one or more statements without arguments or caching (schema changes, pragmas).
    func exec(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        guard code == SQLITE_OK else {
            throw StoreError.classified(code, message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code)))
        }
    }

    /// Runs a statement that returns no rows and answers how many rows it changed. A unique or
    /// primary-key violation becomes `.duplicate(duplicate)` when `duplicate` names the record
    /// (worded only then: most statements succeed).
    @discardableResult
    func execute(_ sql: String, _ arguments: Arguments = [], duplicate: @autoclosure () -> String? = nil) throws -> Int {
        try withStatement(sql, arguments) { statement in
            let code = sqlite3_step(statement)
            guard code == SQLITE_DONE || code == SQLITE_ROW else { throw failure(duplicate: duplicate()) }
            return Int(sqlite3_changes(handle))
        }
    }

    /// Runs a query and maps each row.
    func query<T>(_ sql: String, _ arguments: Arguments = [], row: (SQLiteRow) throws -> T) throws -> [T] {
        try withStatement(sql, arguments) { statement in
            var rows: [T] = []
            while true {
                let code = sqlite3_step(statement)
                if code == SQLITE_DONE { return rows }
                guard code == SQLITE_ROW else { throw failure(duplicate: nil) }
                rows.append(try row(SQLiteRow(statement: statement)))
            }
        }
    }

    /// The first row of a query, if any.
    func queryFirst<T>(_ sql: String, _ arguments: Arguments = [], row: (SQLiteRow) throws -> T) throws -> T? {
        try withStatement(sql, arguments) { statement in
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { return nil }
            guard code == SQLITE_ROW else { throw failure(duplicate: nil) }
            return try row(SQLiteRow(statement: statement))
        }
    }

    /// The query plan SQLite chooses, one line per step (for checking index use).
    func queryPlan(_ sql: String, _ arguments: Arguments = []) throws -> [String] {
        try query("EXPLAIN QUERY PLAN " + sql, arguments) { $0.text(3) }
    }

    /// Hands `body` the cached statement for `sql` with `arguments` bound, and leaves it reset
    /// and unbound afterwards so the next use starts clean.
    private func withStatement<T>(_ sql: String, _ arguments: Arguments, _ body: (OpaquePointer) throws -> T) throws -> T {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (offset, argument) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let code = argument?.bind(to: statement, at: index) ?? sqlite3_bind_null(statement, index)
            guard code == SQLITE_OK else { throw failure(duplicate: nil) }
        }
        return try body(statement)
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            throw failure(duplicate: nil)
        }
        statements[sql] = statement
        return statement
    }

    private func failure(duplicate: String?) -> StoreError {
        let message = String(cString: sqlite3_errmsg(handle))
        let code = sqlite3_extended_errcode(handle)
        if let duplicate, code == constraintUnique || code == constraintPrimaryKey {
            return .duplicate("\(duplicate) (\(message))")
        }
        return .classified(code, message)
    }
}

extension StoreError {
    /// The engine's own message of `error`, for wrapping it in a message with more context.
    static func reason(_ error: any Error) -> String {
        switch error as? StoreError {
        case .engine(let message)?, .unwritable(let message)?: message
        default: "\(error)"
        }
    }

    /// `message` of an engine failure with result `code`: a full disk or database (`SQLITE_FULL`)
    /// and a failed write or sync (`SQLITE_IOERR_*`) are `.unwritable`, because the caller can
    /// try again once there is room; everything else is `.engine`.
    static func classified(_ code: Int32, _ message: String) -> StoreError {
        let primary = code & 0xFF
        return primary == SQLITE_FULL || primary == SQLITE_IOERR ? .unwritable(message) : .engine(message)
    }

    /// `error` with `context` before its message, keeping whether the engine could not write.
    static func wrapping(_ error: any Error, _ context: String) -> StoreError {
        if case .unwritable(let message)? = error as? StoreError { return .unwritable("\(context)\(message)") }
        return .engine("\(context)\(reason(error))")
    }
}
