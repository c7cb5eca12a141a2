/// A read closure queued for the reader threads; it answers its caller itself.
struct ReadJob: Sendable {
    let run: @Sendable (SQLiteReader) -> Void
}

/// A few threads, each with a read-only connection, taking read closures from one shared queue.
/// In WAL mode readers see the last commit and never wait for the writer.
final class ReaderPool: Sendable {
    private let queue: JobQueue<ReadJob>
    private let exits: [ExitSignal]

    /// Opens `count` (at least one) read-only connections to `path`, which must already exist;
    /// each read opens sealed values with the keys `keyring` holds when it starts.
    init(path: String, count: Int, keyring: KeyringBox) throws {
        let queue = JobQueue<ReadJob>()
        var exits: [ExitSignal] = []
        do {
            for index in 0..<max(1, count) {
                exits.append(try startConnectionThread(
                    name: "tb-sqlite-read\(index)", path: path, readOnly: true
                ) { connection in
                    while let jobs = queue.take(upTo: 1) {
                        for job in jobs { job.run(SQLiteReader(db: connection, keys: keyring.current)) }
                    }
                })
            }
        } catch {
            // The threads already started drain the empty queue and close their connections.
            queue.close()
            throw error
        }
        self.queue = queue
        self.exits = exits
    }

    /// Queues `job`; false once the pool is stopping.
    func submit(_ job: ReadJob) -> Bool {
        queue.push(job)
    }

    /// Refuses new reads; the threads finish the queued ones, close their connections and stop.
    func stop() {
        queue.close()
    }

    /// Stops and waits until every connection is closed.
    func close() async {
        stop()
        for exit in exits { await exit.wait() }
    }
}
