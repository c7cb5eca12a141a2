import Synchronization

/// Failed attempts per key (a source address, a console name, both): `policy.failures` of them
/// within `policy.window` lock the key for `policy.lockFor`. The console's lockouts and the
/// per-address limit on failed authentication are each one of these.
///
/// Memory is bounded: at most `capacity` keys. A new key that finds the table full first drops
/// what has expired, then the tenth of the unlocked keys whose last failure is oldest; a key
/// that is locked is never dropped before its lock ends. When every key held is locked, a new
/// key is not counted until a lock ends (the failure is answered as usual): an attacker who
/// fills the table has locked each of the addresses or names doing it.
///
/// Times are the gateway's clock in milliseconds; a clock that steps back ends nothing early.
final class FailureWindow<Key: Hashable & Sendable>: Sendable {
    private struct Entry {
        /// The latest failures, oldest first, at most `policy.failures` of them.
        var failedAt: [Int64] = []
        var lockedUntil: Int64?

        func isLocked(at now: Int64) -> Bool { lockedUntil.map { $0 > now } ?? false }
    }

    let policy: FailurePolicy
    let capacity: Int
    private let entries = Mutex<[Key: Entry]>([:])

    init(_ policy: FailurePolicy, capacity: Int) {
        self.policy = policy
        self.capacity = capacity
    }

    /// The lock on `key` now, if any; looking changes nothing.
    func lock(_ key: Key, now: Int64) -> FailureLock? {
        entries.withLock { table in
            guard let until = table[key]?.lockedUntil, until > now else { return nil }
            return FailureLock(remaining: until - now, started: false)
        }
    }

    /// Counts a failure for `key`, unless it is locked already; the lock when there is one now.
    @discardableResult
    func failed(_ key: Key, now: Int64) -> FailureLock? {
        entries.withLock { table -> FailureLock? in
            if let until = table[key]?.lockedUntil, until > now { return FailureLock(remaining: until - now, started: false) }
            if table[key] == nil {
                guard makeRoom(in: &table, now: now) else { return nil }
            }
            var entry = table[key] ?? Entry()
            entry.lockedUntil = nil
            entry.failedAt = entry.failedAt.filter { now - $0 < policy.window }.suffix(policy.failures - 1) + [now]
            defer { table[key] = entry }
            guard entry.failedAt.count >= policy.failures else { return nil }
            entry.failedAt = []
            entry.lockedUntil = now + policy.lockFor
            return FailureLock(remaining: policy.lockFor, started: true)
        }
    }

    /// Forgets `key`'s failures and lock (a successful login clears its own name's count).
    func forget(_ key: Key) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }

    /// Makes room for one more key; false when every key held is locked.
    private func makeRoom(in table: inout [Key: Entry], now: Int64) -> Bool {
        guard table.count >= capacity else { return true }
        table = table.filter { _, entry in
            entry.isLocked(at: now) || entry.failedAt.contains { now - $0 < policy.window }
        }
        guard table.count >= capacity else { return true }
        let unlocked = table.filter { !$0.value.isLocked(at: now) }
        guard !unlocked.isEmpty else { return false }
        let oldest = unlocked.sorted { ($0.value.failedAt.last ?? 0) < ($1.value.failedAt.last ?? 0) }.prefix(max(1, capacity / 10))
        for (key, _) in oldest { table[key] = nil }
        return true
    }
}

/// How many failures within how long lock a key, and for how long (milliseconds).
struct FailurePolicy: Sendable, Equatable {
    var failures: Int
    var window: Int64
    var lockFor: Int64
}

/// A key of a `FailureWindow` that is locked.
struct FailureLock: Sendable, Equatable {
    /// Milliseconds until it ends.
    var remaining: Int64
    /// This failure started it (say so once, in the log).
    var started: Bool

    /// For `Retry-After`: whole seconds, at least 1.
    var retryAfterSeconds: Int { Int(max(1, (remaining + 999) / 1000)) }
}
