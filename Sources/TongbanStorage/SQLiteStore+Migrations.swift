import Foundation

/// One named schema change.
struct Migration: Sendable {
    let name: String
    let sql: String
}

extension SQLiteStore {
    /// The schema, as the ordered list of changes that build it. A database remembers in
    /// `schema_migrations` which ones it has applied, so the list is append-only: a shipped
    /// migration is never edited (databases that applied it would silently differ from new ones);
    /// a change is a new migration added at the end. Times are INTEGER milliseconds since the
    /// Unix epoch; byte strings are BLOBs.
    static let migrations: [Migration] = [
        Migration(name: "0001-cases", sql: """
            CREATE TABLE cases (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                direction TEXT NOT NULL,
                origin TEXT NOT NULL,
                partner TEXT NOT NULL,
                case_number TEXT NOT NULL,
                version INTEGER NOT NULL,
                matter_code TEXT NOT NULL,
                status TEXT,
                status_at INTEGER,
                partner_case_number TEXT,
                next_poll_at INTEGER,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                UNIQUE (origin, case_number)
            );
            -- Every index ends with the rowid (seq), so a filtered page comes out in seq order.
            CREATE INDEX cases_partner ON cases (partner);
            CREATE INDEX cases_status ON cases (status);
            CREATE INDEX cases_created_at ON cases (created_at);
            CREATE INDEX cases_case_number ON cases (case_number);
            CREATE INDEX cases_partner_case_number ON cases (partner, partner_case_number);
            CREATE INDEX cases_poll ON cases (partner, next_poll_at) WHERE next_poll_at IS NOT NULL;
            """),
        Migration(name: "0002-case-versions", sql: """
            CREATE TABLE case_versions (
                case_id TEXT NOT NULL REFERENCES cases (id),
                version INTEGER NOT NULL,
                digest TEXT NOT NULL,
                canonical BLOB NOT NULL,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (case_id, version)
            );
            """),
        Migration(name: "0003-statuses", sql: """
            CREATE TABLE statuses (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                case_id TEXT NOT NULL,
                status TEXT NOT NULL,
                partner_code TEXT,
                at INTEGER NOT NULL,
                received_at INTEGER NOT NULL,
                source TEXT NOT NULL,
                outcome TEXT NOT NULL,
                note TEXT,
                canonical BLOB NOT NULL
            );
            CREATE INDEX statuses_case ON statuses (case_id);
            """),
        Migration(name: "0004-transfers", sql: """
            CREATE TABLE transfers (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                case_id TEXT NOT NULL,
                destination TEXT NOT NULL,
                kind TEXT NOT NULL,
                message_id TEXT NOT NULL,
                payload BLOB NOT NULL,
                content_type TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                next_attempt_at INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                finished_at INTEGER,
                last_error TEXT,
                feed_seq INTEGER,
                handed_out_at INTEGER,
                UNIQUE (destination, message_id)
            );
            -- The trailing columns make `dueTransfers` an index-only search: it never reads a
            -- row (with its payload) that it does not return.
            CREATE INDEX transfers_due ON transfers (destination, state, next_attempt_at, case_id);
            CREATE INDEX transfers_case_order ON transfers (case_id, destination, id, state);
            CREATE INDEX transfers_feed ON transfers (destination, feed_seq);
            """),
        Migration(name: "0005-attempts", sql: """
            CREATE TABLE attempts (
                transfer_id INTEGER NOT NULL,
                number INTEGER NOT NULL,
                started_at INTEGER NOT NULL,
                duration_ms INTEGER NOT NULL,
                outcome TEXT NOT NULL,
                http_status INTEGER,
                partner_code TEXT,
                detail TEXT,
                PRIMARY KEY (transfer_id, number)
            );
            """),
        Migration(name: "0006-inbound-messages", sql: """
            CREATE TABLE inbound_messages (
                partner TEXT NOT NULL,
                message_id TEXT NOT NULL,
                case_id TEXT,
                answer BLOB NOT NULL,
                received_at INTEGER NOT NULL,
                PRIMARY KEY (partner, message_id)
            );
            """),
        Migration(name: "0007-nonces", sql: """
            CREATE TABLE nonces (
                partner TEXT NOT NULL,
                nonce TEXT NOT NULL,
                seen_at INTEGER NOT NULL,
                PRIMARY KEY (partner, nonce)
            );
            CREATE INDEX nonces_seen_at ON nonces (seen_at);
            """),
        Migration(name: "0008-feed-counter", sql: """
            -- The last feed sequence number handed out; one row.
            CREATE TABLE feed_counter (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                last INTEGER NOT NULL
            );
            INSERT INTO feed_counter (id, last) VALUES (1, 0);
            """),
        Migration(name: "0009-transfers-queue", sql: """
            -- A destination's transfers in claiming order (id), with the columns `dueTransfers`
            -- checks: taking the oldest due transfers reads a few index entries, where
            -- transfers_due (in due-time order) made it sort every pending transfer on each claim.
            CREATE INDEX transfers_queue ON transfers (destination, state, id, next_attempt_at, case_id);
            """),
        Migration(name: "0010-partial-indexes", sql: """
            -- Only feed (hub) transfers have a feed position, and a case has a status and a
            -- partner case number only once the partner answered: partial indexes spare every
            -- other row an entry, three of the B-tree insertions each accepted case cost. Queries
            -- on these columns compare them with a value, which lets SQLite use the partial index.
            DROP INDEX cases_status;
            CREATE INDEX cases_status ON cases (status) WHERE status IS NOT NULL;
            DROP INDEX transfers_feed;
            CREATE INDEX transfers_feed ON transfers (destination, feed_seq) WHERE feed_seq IS NOT NULL;
            DROP INDEX cases_partner_case_number;
            CREATE INDEX cases_partner_case_number ON cases (partner, partner_case_number)
                WHERE partner_case_number IS NOT NULL;
            """),
        Migration(name: "0011-message-log", sql: """
            -- Every message in and out and every operator action, hash-chained (see
            -- MessageLogEntry). `seq` is assigned by the writer (last + 1), never reused.
            CREATE TABLE message_log (
                seq INTEGER PRIMARY KEY,
                at INTEGER NOT NULL,
                direction TEXT NOT NULL,
                party TEXT NOT NULL,
                route TEXT,
                case_id TEXT,
                transfer_id INTEGER,
                message_id TEXT,
                body_sha256 TEXT,
                answer_sha256 TEXT,
                http_status INTEGER,
                result TEXT,
                actor TEXT NOT NULL,
                reason TEXT,
                body BLOB,
                previous_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            );
            CREATE INDEX message_log_case ON message_log (case_id) WHERE case_id IS NOT NULL;
            -- How far body purging has gone: entries up to this seq have no body any more.
            CREATE TABLE message_log_purge (id INTEGER PRIMARY KEY CHECK (id = 1), through_seq INTEGER NOT NULL);
            INSERT INTO message_log_purge (id, through_seq) VALUES (1, 0);
            """),
        Migration(name: "0012-dead-letters", sql: """
            -- A replayed dead letter gets a fresh retry budget from the replay on.
            ALTER TABLE transfers ADD COLUMN budget_attempts INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE transfers ADD COLUMN budget_since INTEGER;
            -- Dead letters are few: a list over every destination reads this small index, newest
            -- first (one destination's list reads transfers_queue).
            CREATE INDEX transfers_dead ON transfers (id) WHERE state = 'dead';
            """),
        Migration(name: "0013-replays", sql: """
            -- Each replay an operator started, and the transfers it put back in the queue: its
            -- progress is the state of those transfers.
            CREATE TABLE replays (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                created_at INTEGER NOT NULL,
                operator TEXT NOT NULL,
                reason TEXT NOT NULL,
                mode TEXT NOT NULL
            );
            CREATE TABLE replay_transfers (
                replay_id INTEGER NOT NULL REFERENCES replays (id),
                transfer_id INTEGER NOT NULL,
                PRIMARY KEY (replay_id, transfer_id)
            );
            """),
        Migration(name: "0014-destination-pauses", sql: """
            -- Destinations an operator paused (a maintenance window), with who and why; a row per
            -- paused destination, deleted on resume. Their workers take nothing meanwhile.
            CREATE TABLE destination_pauses (
                destination TEXT PRIMARY KEY,
                paused_at INTEGER NOT NULL,
                operator TEXT NOT NULL,
                reason TEXT NOT NULL
            );
            """),
        Migration(name: "0015-replay-pauses", sql: """
            -- A replay an operator paused: who, when and why (null while it runs). Its transfers
            -- wait as `held` meanwhile; the index finds the replays a transfer belongs to.
            ALTER TABLE replays ADD COLUMN paused_at INTEGER;
            ALTER TABLE replays ADD COLUMN paused_by TEXT;
            ALTER TABLE replays ADD COLUMN pause_reason TEXT;
            CREATE INDEX replay_transfers_transfer ON replay_transfers (transfer_id, replay_id);
            """),
        Migration(name: "0016-transfers-exhausted", sql: """
            -- Encryption at rest seals last_error (partners' answers may quote the case), so the
            -- dead letters' errorClass filter can no longer read it: whether a transfer ran out
            -- of attempts or age is kept in clear beside it. Rows from before are all in clear.
            ALTER TABLE transfers ADD COLUMN exhausted INTEGER NOT NULL DEFAULT 0;
            UPDATE transfers SET exhausted = 1 WHERE last_error LIKE 'gave up after %';
            """),
    ]

    /// Applies the migrations `db` has not applied yet, each in its own transaction, in order,
    /// and answers their names.
    static func applyMigrations(on db: SQLiteConnection) throws -> [String] {
        try db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)")
        let applied = try appliedMigrations(on: db)
        var appliedNow: [String] = []
        for migration in migrations where !applied.contains(migration.name) {
            do {
                try db.exec("BEGIN IMMEDIATE")
                do {
                    try db.exec(migration.sql)
                    let now = Int64((Date().timeIntervalSince1970 * 1000).rounded())
                    try db.execute("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)", [migration.name, now])
                    try db.exec("COMMIT")
                } catch {
                    if db.inTransaction { try db.exec("ROLLBACK") }
                    throw error
                }
            } catch {
                throw StoreError.engine("migration \(migration.name): \(StoreError.reason(error))")
            }
            appliedNow.append(migration.name)
        }
        return appliedNow
    }

    /// The names of the migrations applied to `db`; throws when none ever was (no table).
    static func appliedMigrations(on db: SQLiteConnection) throws -> Set<String> {
        Set(try db.query("SELECT name FROM schema_migrations") { $0.text(0) })
    }
}
