import Foundation

/// A finished backup: where it is and what it holds, read back from the copy itself.
public struct BackupReport: Sendable, Equatable {
    /// The backup file.
    public var path: String
    /// Its size in bytes.
    public var bytes: Int64
    public var cases: Int
    public var transfers: Int
    public var messageLogEntries: Int
}

extension SQLiteStore {
    /// Writes a consistent copy of the database to `destination` while the gateway keeps working,
    /// replacing any file there (the caller decides whether it may), and answers what the copy
    /// holds. Throws `StoreError.engine` naming `destination` when the copy cannot be written or
    /// fails its checks; `destination` is then left as it was.
    ///
    /// The copy is `VACUUM INTO` rather than the online backup API: it reads the database in one
    /// read transaction, which in WAL mode sees one commit and neither blocks nor waits for the
    /// writer, so it finishes however busy the gateway is. The backup API, copying in steps,
    /// starts over whenever another connection commits between two steps (the gateway commits
    /// many times a second, so a large copy might never finish); copying in one step, it holds
    /// one read just the same. `VACUUM INTO` also compacts the copy. Its cost: while it runs,
    /// checkpoints cannot pass the commit it reads, so the WAL grows by what the gateway writes
    /// meanwhile (and is reused after the next checkpoint).
    ///
    /// SQLite neither syncs a `VACUUM INTO` file nor makes it appear atomically, so the copy is
    /// written to `destination.partial`, synced, opened again and checked (`PRAGMA
    /// integrity_check`, every migration this version knows applied), and only then renamed to
    /// `destination`: a backup that fails or is interrupted never leaves a file that looks
    /// complete. A `.partial` file left by an interrupted backup is replaced by the next one.
    ///
    /// The copy runs on a connection and thread of its own, so a long copy takes none of the
    /// store's readers.
    public func backup(to destination: String) async throws -> BackupReport {
        let expected = migrationNames
        var copier: ExitSignal?
        let outcome = await withCheckedContinuation { (answer: CheckedContinuation<Result<BackupReport, any Error>, Never>) in
            do {
                copier = try startConnectionThread(name: "tb-sqlite-copy", path: path, readOnly: true) { db in
                    answer.resume(returning: Result { try Self.copy(db, to: destination, expecting: expected) })
                }
            } catch {
                answer.resume(returning: .failure(error))
            }
        }
        // Once the copier's connection is closed, this store's writer can be the database's last
        // connection again, the one that checkpoints and removes the WAL when it closes.
        await copier?.wait()
        return try outcome.get()
    }

    /// Copies `db` to `destination` through `destination.partial` (see `backup(to:)`).
    private static func copy(_ db: SQLiteConnection, to destination: String, expecting migrations: [String]) throws -> BackupReport {
        let partial = destination + ".partial"
        do {
            // VACUUM INTO writes only into a new or empty file.
            if FileManager.default.fileExists(atPath: partial) { try FileManager.default.removeItem(atPath: partial) }
            try db.execute("VACUUM INTO ?", [partial])
            try synchronize(partial)
            let report = try check(partial, reportedAs: destination, expecting: migrations)
            guard rename(partial, destination) == 0 else { throw StoreError.engine("cannot rename \(partial): \(systemError())") }
            // The rename itself is durable only once the directory is synced.
            try synchronize(URL(fileURLWithPath: destination).deletingLastPathComponent().path)
            return report
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw StoreError.wrapping(error, "\(destination): ")
        }
    }

    /// Opens the copy at `path` read-only (it is not in WAL mode, so nothing is written beside
    /// it), checks it and counts its records.
    private static func check(_ path: String, reportedAs destination: String, expecting migrations: [String]) throws -> BackupReport {
        let copy = try SQLiteConnection(path: path, readOnly: true)
        defer { copy.close() }
        let problems = try copy.query("PRAGMA integrity_check") { $0.text(0) }
        guard problems == ["ok"] else {
            throw StoreError.engine("the copy fails its integrity check: \(problems.prefix(3).joined(separator: "; "))")
        }
        let applied = try appliedMigrations(on: copy)
        let missing = migrations.filter { !applied.contains($0) }
        guard missing.isEmpty else {
            throw StoreError.engine("the copy lacks migrations \(missing.joined(separator: ", ")): the database is not at this version's schema")
        }
        func count(_ table: String) throws -> Int {
            try copy.queryFirst("SELECT COUNT(*) FROM \(table)") { $0.int(0) } ?? 0
        }
        // A file out of VACUUM INTO is its pages, no more.
        let bytes = try copy.queryFirst("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()") { $0.int64(0) } ?? 0
        return BackupReport(path: destination, bytes: bytes, cases: try count("cases"), transfers: try count("transfers"),
                            messageLogEntries: try count("message_log"))
    }
}

/// Flushes the file or directory at `path` to the disk (`fsync`).
private func synchronize(_ path: String) throws {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw StoreError.engine("cannot open \(path) to sync it: \(systemError())") }
    defer { close(descriptor) }
    guard fsync(descriptor) == 0 else { throw StoreError.engine("cannot sync \(path): \(systemError())") }
}

/// The reason of the last failed system call.
private func systemError() -> String {
    String(cString: strerror(errno))
}
