/// The message log's last entry, number and hash, as the writer thread last appended or read
/// it: every accepted case and delivery attempt appends an entry, and reading the head back with
/// a query for each was a statement per append on the single writer thread.
///
/// It is trusted only while nothing else could have moved the head: it is forgotten whenever the
/// writer's transaction, or part of it, is rolled back (an entry it remembers may be gone), after
/// work run outside the groups, and when another connection committed since the writer's last
/// transaction (`PRAGMA data_version`, checked once per transaction). The entry's number is the
/// table's primary key, so a head that were stale anyway would fail the append, never fork the
/// chain silently.
///
/// `@unchecked Sendable` is sound: the writer thread is its only user.
final class LogChainHead: @unchecked Sendable {
    private(set) var link: (seq: Int64, hash: String)?
    private var dataVersion: Int64?

    /// At the start of a transaction: keeps the head only if no other connection committed since.
    func begin(on db: SQLiteConnection) throws {
        let version = try db.queryFirst("PRAGMA data_version", row: { $0.int64(0) })
        if version != dataVersion { link = nil }
        dataVersion = version
    }

    func appended(_ entry: MessageLogEntry) {
        link = (entry.seq, entry.hash)
    }

    func read(_ head: (seq: Int64, hash: String)?) {
        link = head
    }

    /// Something the head may have described was undone, or the connection was used outside a
    /// group: the next append reads the head from the table.
    func forget() {
        link = nil
    }
}
