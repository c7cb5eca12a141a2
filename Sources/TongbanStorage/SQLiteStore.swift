/// The embedded store: one SQLite file in WAL mode, written by one thread that commits
/// concurrent writes together (group commit) and read by a small pool of threads, so readers see
/// the last commit without waiting for the writer. Commits are fully synced: when `write`
/// returns, its changes survive a power cut. Columns that can hold personal data are sealed with
/// the keyring's current key on the writer thread and opened on the thread that reads them.
public final class SQLiteStore: GatewayStore {
    /// The database file.
    public let path: String
    private let writer: GroupCommitWriter
    private let readers: ReaderPool
    /// What the writer and the readers seal and open with; `useKeys` replaces it whole.
    let keyring: KeyringBox

    /// Opens the database at `path`, creating the file if needed, with one writer connection and
    /// `readers` (at least one) read-only connections, each on a thread of its own; blocks until
    /// they are open (once, at startup). Call `migrate()` before use. Throws `StoreError.engine`
    /// naming the path when the file cannot be opened.
    ///
    /// - Parameter keys: what records are sealed and opened with; `.none` writes them in clear.
    public init(path: String, readers: Int = 2, keys: StorageKeyring = .none) throws {
        let keyring = KeyringBox(keys)
        let writer = try GroupCommitWriter(path: path, keyring: keyring)
        do {
            self.readers = try ReaderPool(path: path, count: readers, keyring: keyring)
        } catch {
            writer.stop()
            throw error
        }
        self.writer = writer
        self.keyring = keyring
        self.path = path
    }

    deinit {
        // Not closed by its owner: let the threads finish the queued work and close their
        // connections on their own.
        readers.stop()
        writer.stop()
    }

    public func migrate() async throws -> [String] {
        try await onWriterConnection { db in try Self.applyMigrations(on: db) }
    }

    public var migrationNames: [String] {
        Self.migrations.map(\.name)
    }

    public func isReady() async -> Bool {
        // Any failure (no migrations table yet, unreadable file) means not ready.
        guard let applied = try? await onReader({ reader in try Self.appliedMigrations(on: reader.db) }) else {
            return false
        }
        return applied.isSuperset(of: migrationNames)
    }

    /// Queues `body` for the writer thread, which commits it together with the other writes
    /// queued meanwhile, and answers after that commit. Once queued, a write runs even if the
    /// calling task is cancelled: its outcome must be known.
    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreWriter) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let job = WriteJob(
                run: { writer in
                    let value = try body(writer)
                    return { continuation.resume(returning: value) }
                },
                fail: { continuation.resume(throwing: $0) })
            if !writer.submit(.write(job)) { continuation.resume(throwing: closedError) }
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreReader) throws -> T) async throws -> T {
        try await onReader { reader in try reader.snapshot { try body(reader) } }
    }

    public var keys: StorageKeyring {
        keyring.current
    }

    public func useKeys(_ keys: StorageKeyring) {
        keyring.replace(with: keys)
    }

    /// Waits for the queued reads, then the queued writes, and closes every connection; the
    /// writer closes last so it can checkpoint the WAL into the database file.
    public func close() async {
        await readers.close()
        await writer.close()
    }

    /// Runs `body` on a reader thread.
    func onReader<T: Sendable>(_ body: @escaping @Sendable (SQLiteReader) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let job = ReadJob { reader in continuation.resume(with: Result { try body(reader) }) }
            if !readers.submit(job) { continuation.resume(throwing: closedError) }
        }
    }

    /// Runs `body` on the writer thread, between write groups, outside any transaction.
    func onWriterConnection<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let task = WriterTask.exclusive { db in continuation.resume(with: Result { try body(db) }) }
            if !writer.submit(task) { continuation.resume(throwing: closedError) }
        }
    }

    private var closedError: StoreError {
        .engine("\(path): the store is closed")
    }
}
