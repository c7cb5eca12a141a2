extension SQLiteStore {
    /// Caps the database at its current size (`PRAGMA max_page_count` on the writer's
    /// connection) when `limited`, or lifts the cap again. Tests use it to make SQLite answer
    /// `SQLITE_FULL` the way a full disk does, without filling one or mounting a small
    /// filesystem: the writer's error handling is the same either way.
    func limitGrowth(_ limited: Bool) async throws {
        try await onWriterConnection { db in
            // SQLite never sets the limit below the current size, so 1 means "as large as now".
            _ = try db.query("PRAGMA max_page_count = \(limited ? 1 : Int64(UInt32.max) - 1)") { $0.int64(0) }
        }
    }
}
