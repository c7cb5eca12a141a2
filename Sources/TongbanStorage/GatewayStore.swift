/// The gateway's durable state behind one protocol, so the embedded SQLite file and a shared
/// PostgreSQL database are interchangeable: the gateway never names an engine.
///
/// Work is expressed as closures over a transaction. A store runs each `write` closure atomically
/// (all of its changes or none) and answers only after the changes are durable on disk; it may
/// commit several callers' closures together (group commit) as long as one closure's failure
/// never undoes another's work. Closures run on the store's own threads, never on Swift's
/// cooperative pool, because the engines' calls block.
public protocol GatewayStore: Sendable {
    /// Brings the schema up to date by applying every migration not yet applied, in order, and
    /// returns the names of those applied now. Migrations are append-only: a shipped one is never
    /// edited.
    func migrate() async throws -> [String]

    /// The names of the migrations the store knows, applied or not, in order.
    var migrationNames: [String] { get }

    /// Whether the store answers and every known migration is applied (the readiness probe).
    func isReady() async -> Bool

    /// Runs `body` in a write transaction; its changes are durable when this returns. A thrown
    /// error rolls back everything `body` did and is rethrown. `body` may run more than once (an
    /// implementation may roll back a group of writes and run it again), so it must act only
    /// through the writer it is given.
    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreWriter) throws -> T) async throws -> T

    /// Runs `body` against a consistent snapshot.
    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreReader) throws -> T) async throws -> T

    /// The keys records are sealed and opened with now.
    var keys: StorageKeyring { get }

    /// Seals what is written from the next write on with `keys.current` (in clear when nil) and
    /// opens records with any of `keys`: a reload (SIGHUP) puts a rotated key in force without a
    /// restart. A record sealed with a key no longer listed cannot be read, so a key is removed
    /// only once `tongban keys status` shows no record uses it.
    func useKeys(_ keys: StorageKeyring)

    /// Finishes pending writes and closes the store's connections.
    func close() async
}

/// Queries over a consistent snapshot. Times are milliseconds since the Unix epoch (UTC).
public protocol StoreReader {
    func caseRecord(id: String) throws -> CaseRecord?
    /// The case a sender numbered `caseNumber`: `origin` is the submitting local system's name for
    /// outbound cases, the partner's name for inbound ones.
    func caseRecord(origin: String, caseNumber: String) throws -> CaseRecord?
    /// The case exchanged with `partner` in `direction` whose handling side numbered it
    /// `partnerCaseNumber`: the partner's number for outbound cases, the gateway's for inbound ones.
    func caseRecord(partner: String, partnerCaseNumber: String, direction: CaseRecord.Direction) throws -> CaseRecord?
    func versions(caseID: String) throws -> [CaseVersionRecord]
    func version(caseID: String, version: Int) throws -> CaseVersionRecord?
    /// Newest first; `after` is the `seq` of the last case of the previous page.
    func cases(matching filter: CaseFilter, after: Int64?, limit: Int) throws -> [CaseRecord]

    func statuses(caseID: String) throws -> [StatusRecord]

    func transfer(id: Int64) throws -> TransferRecord?
    func transfers(caseID: String) throws -> [TransferRecord]
    func attempts(transferID: Int64) throws -> [AttemptRecord]
    /// Transfers to `destination` a worker may take now: `pending`, due by `now`, and with no
    /// earlier transfer of the same case to the same destination still `pending`, `inFlight` or `held`
    /// (per-case order). Oldest (lowest id) first.
    func dueTransfers(destination: String, now: Int64, limit: Int) throws -> [TransferRecord]
    /// The earliest `nextAttemptAt` of the destination's pending transfers, nil when none.
    func nextDueTime(destination: String) throws -> Int64?
    /// How many transfers to `destination` are in `state`.
    func transferCount(destination: String, state: TransferState) throws -> Int
    /// When the destination's oldest `pending` transfer (the first in queue order, lowest id) was
    /// created, nil when none waits: the age of the queue that metrics and alerts watch.
    func oldestPendingCreatedAt(destination: String) throws -> Int64?

    /// The pull feed of a partner (transport `feed`): its `pending` transfers with `feedSeq`
    /// greater than `after`, ordered by `feedSeq`.
    func feed(destination: String, after: Int64, limit: Int) throws -> [TransferRecord]
    func transfer(destination: String, messageID: String) throws -> TransferRecord?

    /// Outbound cases to `partner` whose status is polled, due by `now` (`nextPollAt <= now`).
    func casesDueForPoll(partner: String, now: Int64, limit: Int) throws -> [CaseRecord]
    /// The earliest `nextPollAt` of the partner's cases, nil when none is scheduled.
    func nextPollTime(partner: String) throws -> Int64?

    /// What the gateway answered when `messageID` from `partner` was first received.
    func inboundMessage(partner: String, messageID: String) throws -> InboundMessageRecord?

    /// Dead letters matching `filter`, newest first; `after` is the `id` of the last transfer of
    /// the previous page.
    func deadLetters(matching filter: DeadLetterFilter, after: Int64?, limit: Int) throws -> [TransferRecord]

    /// A replay and how many of its transfers are in each state now.
    func replay(id: Int64) throws -> (record: ReplayRecord, states: [TransferState: Int])?

    /// Message log entries numbered after `seq`, in order.
    func messageLog(after seq: Int64, limit: Int) throws -> [MessageLogEntry]
    /// The message log entries of one case, in order.
    func messageLog(caseID: String) throws -> [MessageLogEntry]
    /// The last message log entry, nil while the log is empty.
    func messageLogHead() throws -> MessageLogEntry?

    /// The paused destinations (maintenance windows), by name.
    func pauses() throws -> [DestinationPause]
    /// The pause of `destination`; nil while it delivers.
    func pause(destination: String) throws -> DestinationPause?
}

/// Changes, inside one transaction. Every method throws `StoreError` on a constraint violation
/// the caller can act on (`.duplicate`), or the engine's error.
public protocol StoreWriter: StoreReader {
    /// Inserts a case and its first version; assigns `seq`. Throws `.duplicate` when the origin
    /// already has a case with that number.
    func insertCase(_ record: CaseRecord, firstVersion: CaseVersionRecord) throws -> CaseRecord
    /// Like `insertCase`, but nil (and nothing written) when the origin already has a case with
    /// that number: a window's new case costs one statement instead of a lookup and an insert.
    func insertCaseIfNew(_ record: CaseRecord, firstVersion: CaseVersionRecord) throws -> CaseRecord?
    /// Adds a version (a supplement) and makes it the case's current one. Throws `.notFound` for
    /// an unknown case, `.duplicate` when the case already has that version.
    func insertVersion(_ record: CaseVersionRecord) throws
    /// Writes every field of the case `record.id` (all but `id` and `seq`); throws `.notFound`
    /// when there is no such case.
    func updateCase(_ record: CaseRecord) throws

    /// Appends to a case's status history; assigns `seq`.
    func insertStatus(_ record: StatusRecord) throws -> StatusRecord

    /// Queues a transfer; assigns `id` and, for feed destinations, `feedSeq`: a record with any
    /// non-nil `feedSeq` (a placeholder such as 0) gets the next feed sequence number in its place,
    /// one with nil (a pushed transfer) keeps nil. Throws `.duplicate` when the destination already
    /// has a transfer with that message id.
    func insertTransfer(_ record: TransferRecord) throws -> TransferRecord
    /// Writes every field of the transfer `record.id` (all but `id`); throws `.notFound` when
    /// there is no such transfer.
    func updateTransfer(_ record: TransferRecord) throws
    /// Moves every `inFlight` transfer back to `pending` (due now): work a stopped or crashed
    /// gateway had taken but not finished; those of a paused replay are `held` instead. Returns
    /// how many.
    func releaseInFlight(now: Int64) throws -> Int
    /// Gives a feed transfer a new `feedSeq` after every other, so a reader past its old
    /// position sees it again (redelivery of an unacknowledged item). Only the position changes:
    /// the feed lists `pending` transfers, so the caller also sets the state back. Throws
    /// `.notFound` when there is no such transfer.
    func resequence(transferID: Int64) throws -> Int64
    /// Feed transfers handed out (`offered`) before `cutoff` and not acknowledged.
    func unacknowledged(destination: String, handedOutBefore cutoff: Int64) throws -> [TransferRecord]
    func insertAttempt(_ record: AttemptRecord) throws

    /// Records the answer given to a partner's message so a resend gets the same answer.
    /// Throws `.duplicate` when the message id is already recorded.
    func insertInboundMessage(_ record: InboundMessageRecord) throws
    /// Remembers a signed request's nonce; false when it was already seen (a replay). Nonces seen
    /// before `forgetBefore` are deleted.
    func rememberNonce(partner: String, nonce: String, at: Int64, forgetBefore: Int64) throws -> Bool

    /// Records a replay and the transfers it queued; assigns `id`.
    func insertReplay(_ record: ReplayRecord, transferIDs: [Int64]) throws -> ReplayRecord
    /// Pauses replay `id`: records who, when and why, and moves its `pending` transfers to
    /// `held`. Answers how many it held. Transfers out at that moment finish their attempt.
    func pauseReplay(id: Int64, _ pause: ReplayRecord.Pause) throws -> Int
    /// Ends a replay's pause: its `held` transfers are `pending` again, due at `now`. Answers how
    /// many went back to the queue.
    func resumeReplay(id: Int64, now: Int64) throws -> Int
    /// Holds transfer `transferID` when it is `pending` and the latest replay that queued it is
    /// paused: for a transfer that goes back to the queue (a retry, a feed redelivery) during
    /// the pause.
    func holdIfReplayPaused(transferID: Int64) throws

    /// Appends to the message log: numbers the entry after the last one and chains it to it, in
    /// this transaction, so entries follow the order of the commits that wrote them.
    func appendLog(_ draft: MessageLogDraft) throws -> MessageLogEntry
    /// Drops the bodies of the oldest entries logged before `cutoff`, at most `limit` entries
    /// per call, and answers how many entries it went past (0 once nothing older is left).
    /// Digests and the chain stay.
    func purgeLogBodies(before cutoff: Int64, limit: Int) throws -> Int

    /// Pauses a destination. Throws `.duplicate` when it is already paused: the first pause, with
    /// its operator and reason, stays.
    func insertPause(_ pause: DestinationPause) throws
    /// Resumes a destination: deletes its pause and answers it; nil when it was not paused.
    func deletePause(destination: String) throws -> DestinationPause?
}

public enum StoreError: Error, Equatable, Sendable {
    /// A unique key is taken: the message names what.
    case duplicate(String)
    /// The record to update does not exist.
    case notFound(String)
    /// The engine failed; the message is its own.
    case engine(String)
    /// The engine could not write: the disk is full (or the database at its size limit), or it
    /// failed to write or sync. The transaction was rolled back, nothing of it is kept, and the
    /// same write can succeed once there is room again. The message is the engine's own.
    case unwritable(String)
}
