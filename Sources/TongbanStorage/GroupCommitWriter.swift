/// A write closure queued for the writer thread, with the two ways to answer its caller.
struct WriteJob: Sendable {
    /// Runs the caller's closure and returns how to answer it; called only after the commit.
    let run: @Sendable (SQLiteWriter) throws -> @Sendable () -> Void
    /// Answers the caller with an error (its own, or the group's commit failure).
    let fail: @Sendable (any Error) -> Void
}

/// What the writer thread is asked to do.
enum WriterTask: Sendable {
    /// A caller's closure, committed together with the others queued at the same time.
    case write(WriteJob)
    /// Work run alone on the bare connection, outside any group transaction (migrations, which
    /// manage their own transactions).
    case exclusive(@Sendable (SQLiteConnection) -> Void)
}

/// The single writer thread and its connection. Durable commits cost an fsync each, so the
/// thread commits every closure queued while the previous fsync ran in one transaction (group
/// commit): throughput grows with load while each caller still waits for its own durability.
/// One closure's failure never undoes another's work: a group in which a closure throws is rolled
/// back and run again with a savepoint per closure.
final class GroupCommitWriter: Sendable {
    /// The most closures committed together; bounds the latency a group adds to its first member.
    static let maximumGroup = 256

    /// How long a group waits to be as large as the previous one. Under concurrent load a commit
    /// costs the pages it rewrites (each index's last page, whatever the group's size) and an
    /// fsync, so larger groups cost less per write (11% less writer CPU per accepted case under
    /// the intake benchmark). The wait ends as soon as the target is queued.
    static let gatheringDelay = Duration.microseconds(1_000)

    /// The smallest previous group that makes the next one wait: like PostgreSQL's
    /// `commit_siblings`, only many concurrent writers are worth delaying a commit for. A few
    /// writers in a pipeline (the delivery workers: claim, send, record) would only be slowed
    /// down: waiting for them cost the drain 16% of its rate.
    static let gatheringThreshold = 8

    private let queue: JobQueue<WriterTask>
    private let exited: ExitSignal

    /// Opens (creating) the database at `path` on a new writer thread; each group seals with
    /// the keys `keyring` holds when the group starts.
    init(path: String, keyring: KeyringBox) throws {
        let queue = JobQueue<WriterTask>()
        exited = try startConnectionThread(name: "tb-sqlite-write", path: path, readOnly: false) { db in
            var target = 1
            let chainHead = LogChainHead()
            while let tasks = queue.take(upTo: Self.maximumGroup, gathering: target, within: Self.gatheringDelay) {
                target = tasks.count >= Self.gatheringThreshold ? tasks.count : 1
                Self.perform(tasks, on: db, keys: keyring.current, chainHead: chainHead)
            }
        }
        self.queue = queue
    }

    /// Queues `task`; false once the writer is stopping.
    func submit(_ task: WriterTask) -> Bool {
        queue.push(task)
    }

    /// Refuses new work; the thread finishes what is queued, closes its connection and stops.
    func stop() {
        queue.close()
    }

    /// Stops and waits until the connection is closed.
    func close() async {
        stop()
        await exited.wait()
    }

    /// Runs `tasks` in order: consecutive writes as one group, exclusive work on its own.
    private static func perform(_ tasks: [WriterTask], on db: SQLiteConnection, keys: StorageKeyring, chainHead: LogChainHead) {
        var group: [WriteJob] = []
        for task in tasks {
            switch task {
            case .write(let job):
                group.append(job)
            case .exclusive(let body):
                commit(group, on: db, keys: keys, chainHead: chainHead)
                group = []
                body(db)
                chainHead.forget()
            }
        }
        commit(group, on: db, keys: keys, chainHead: chainHead)
    }

    /// Commits `jobs` in one transaction. Successful jobs are answered only once `COMMIT` has
    /// returned, i.e. once their changes are on disk.
    static func commit(_ jobs: [WriteJob], on db: SQLiteConnection, keys: StorageKeyring = .none, chainHead: LogChainHead = LogChainHead()) {
        guard !jobs.isEmpty else { return }
        if !commitTogether(jobs, on: db, keys: keys, chainHead: chainHead) {
            commitIsolated(jobs, on: db, keys: keys, chainHead: chainHead)
        }
    }

    /// The usual case, where no job throws: one `BEGIN IMMEDIATE … COMMIT` around every job and
    /// no savepoints (a savepoint makes SQLite copy each page a job changes; that copying was a
    /// third of the writer's work per accepted case). Returns false, having rolled everything back
    /// and answered no one, as soon as a job throws: the group then runs again, isolated.
    private static func commitTogether(_ jobs: [WriteJob], on db: SQLiteConnection, keys: StorageKeyring, chainHead: LogChainHead) -> Bool {
        do {
            try db.execute("BEGIN IMMEDIATE")
            try chainHead.begin(on: db)
        } catch {
            chainHead.forget()
            if db.inTransaction { _ = try? db.execute("ROLLBACK") }
            for job in jobs { job.fail(error) }
            return true
        }
        let writer = SQLiteWriter(db: db, keys: keys, chainHead: chainHead)
        var answers: [@Sendable () -> Void] = []
        answers.reserveCapacity(jobs.count)
        for job in jobs {
            do {
                answers.append(try job.run(writer))
            } catch {
                // If even this fails, the isolated run's BEGIN reports the stuck transaction.
                chainHead.forget()
                if db.inTransaction { _ = try? db.execute("ROLLBACK") }
                return false
            }
        }
        do {
            try db.execute("COMMIT")
        } catch {
            abandon(jobs.map(\.fail), because: error, on: db, chainHead: chainHead)
            return true
        }
        for answer in answers { answer() }
        return true
    }

    /// One `BEGIN IMMEDIATE … COMMIT` around every job, each in a savepoint that a throwing job
    /// rolls back alone. A job whose error ends the transaction (a full disk) is dropped and the
    /// rest run again, so only jobs that fail themselves fail.
    private static func commitIsolated(_ jobs: [WriteJob], on db: SQLiteConnection, keys: StorageKeyring, chainHead: LogChainHead) {
        do {
            try db.execute("BEGIN IMMEDIATE")
            try chainHead.begin(on: db)
        } catch {
            chainHead.forget()
            if db.inTransaction { _ = try? db.execute("ROLLBACK") }
            for job in jobs { job.fail(error) }
            return
        }
        let writer = SQLiteWriter(db: db, keys: keys, chainHead: chainHead)
        var succeeded: [(answer: @Sendable () -> Void, fail: @Sendable (any Error) -> Void)] = []
        /// The jobs whose outcome is still open when the transaction is abandoned at job `index`.
        func undecided(_ index: Int) -> [@Sendable (any Error) -> Void] {
            succeeded.map(\.fail) + jobs[index...].map(\.fail)
        }
        for (index, job) in jobs.enumerated() {
            do {
                try db.execute("SAVEPOINT job")
            } catch {
                return abandon(undecided(index), because: error, on: db, chainHead: chainHead)
            }
            let answer: @Sendable () -> Void
            do {
                answer = try job.run(writer)
            } catch {
                job.fail(error)
                chainHead.forget()
                // Some engine errors (disk full, I/O) end the whole transaction, not just the job:
                // the others lost their changes through no fault of theirs and run again without it.
                guard db.inTransaction else {
                    return commitIsolated(Array(jobs[..<index] + jobs[(index + 1)...]), on: db, keys: keys, chainHead: chainHead)
                }
                do {
                    try db.execute("ROLLBACK TO job")
                    try db.execute("RELEASE job")
                } catch {
                    return abandon(undecided(index + 1), because: error, on: db, chainHead: chainHead)
                }
                continue
            }
            do {
                try db.execute("RELEASE job")
            } catch {
                return abandon(undecided(index), because: error, on: db, chainHead: chainHead)
            }
            succeeded.append((answer, job.fail))
        }
        do {
            try db.execute("COMMIT")
        } catch {
            return abandon(succeeded.map(\.fail), because: error, on: db, chainHead: chainHead)
        }
        for job in succeeded { job.answer() }
    }

    /// Gives up the open transaction: nothing of it is kept, and every job whose outcome was not
    /// yet decided gets the error.
    private static func abandon(_ fails: [@Sendable (any Error) -> Void], because error: any Error, on db: SQLiteConnection,
                                chainHead: LogChainHead) {
        chainHead.forget()
        if db.inTransaction {
            // Nothing more can be done if even ROLLBACK fails: the next BEGIN reports the
            // stuck transaction to the callers of the next group.
            _ = try? db.execute("ROLLBACK")
        }
        let groupError = StoreError.wrapping(error, "write transaction abandoned: ")
        for fail in fails { fail(groupError) }
    }
}
