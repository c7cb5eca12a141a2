import Synchronization

/// Failed console logins per name typed: after `failures` wrong passwords within `window` the
/// name is locked for `lockout`, during which every login for it is refused without looking at
/// the password, the right one included. Guessing an operator's password then costs a
/// `lockout` per `failures` guesses, and a locked name costs no scrypt work at all.
///
/// Names that are no operator's are counted the same way, so a lockout does not tell which names
/// exist. The table lives in memory (a restart clears it) and holds at most `capacity` names;
/// when it is full the names with the oldest failures make room. Changing an account's
/// `passwordHash` (and reloading) ends its lockout: the entry remembers the hash it counted
/// against.
final class ConsoleLockout: Sendable {
    static let failures = 5
    static let window: Int64 = 15 * 60_000
    static let lockout: Int64 = 15 * 60_000
    static let capacity = 10_000

    private struct Entry {
        /// Times of the failures within the window, oldest first.
        var failedAt: [Int64] = []
        var lockedUntil: Int64?
        /// The account's `passwordHash` when these were counted; nil for a name no operator has.
        var hash: String?
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// Milliseconds until `name` may try again; nil when it may try now. `hash` is the account's
    /// password hash in force, nil for a name no operator has.
    func lockedFor(_ name: String, hash: String?, now: Int64) -> Int64? {
        entries.withLock { table -> Int64? in
            guard let entry = table[name] else { return nil }
            guard entry.hash == hash else {
                table[name] = nil
                return nil
            }
            guard let until = entry.lockedUntil else { return nil }
            guard until > now else {
                table[name] = nil
                return nil
            }
            return until - now
        }
    }

    /// Counts a wrong password for `name`; the lockout's length when this failure starts one.
    func failed(_ name: String, hash: String?, now: Int64) -> Int64? {
        entries.withLock { table -> Int64? in
            var entry = table[name].flatMap { $0.hash == hash ? $0 : nil } ?? Entry(hash: hash)
            entry.failedAt = entry.failedAt.filter { now - $0 < Self.window } + [now]
            defer { table[name] = entry }
            guard entry.failedAt.count >= Self.failures else {
                if table[name] == nil { Self.makeRoom(in: &table, now: now) }
                return nil
            }
            entry.failedAt = []
            entry.lockedUntil = now + Self.lockout
            return Self.lockout
        }
    }

    /// A successful login: the name's failures are forgotten.
    func succeeded(_ name: String) {
        _ = entries.withLock { $0.removeValue(forKey: name) }
    }

    /// Drops what has expired and, if the table is still full, the tenth of the names whose
    /// last failure is oldest (a lock has none, so it goes last), so the next names are cheap.
    private static func makeRoom(in table: inout [String: Entry], now: Int64) {
        guard table.count >= capacity else { return }
        table = table.filter { _, entry in
            if let until = entry.lockedUntil { return until > now }
            return entry.failedAt.contains { now - $0 < window }
        }
        guard table.count >= capacity else { return }
        let oldest = table.sorted { ($0.value.failedAt.last ?? .max) < ($1.value.failedAt.last ?? .max) }.prefix(capacity / 10)
        for (name, _) in oldest { table[name] = nil }
    }
}
