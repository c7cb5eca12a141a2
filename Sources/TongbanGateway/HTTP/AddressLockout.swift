import Logging

/// Failed authentication per source address, for the credentials machines send: windows' API
/// keys (`/v1`), operators' tokens (`/ops/v1`), the hub's tokens, 枣阳's signatures and the
/// partners' client certificates. An address whose calls fail `policy.failures` times within
/// `policy.window` is locked for `policy.lockFor`: from then on its failed calls are answered
/// `429` with `Retry-After` in the caller's protocol instead of the usual refusal, are not
/// written to the message log, and the lock is logged once.
///
/// The credentials of a locked address are still checked, and valid ones are served: a window
/// system, an operator or a partner behind the same NAT or proxy as a misbehaving client keeps
/// working, and the check costs one SHA-256 (or HMAC) comparison. Guessing is not what this
/// stops (a key, token or secret of 32 random bytes cannot be guessed); it makes a failing
/// address cheap and visible, and tells its client to stop. The console, where people type
/// passwords that can be guessed, has its own locks that refuse before any check
/// (`ConsoleLockout`). No principal's rate limit is touched: an address is nobody's budget.
final class AddressLockout: Sendable {
    /// 30 failures in a minute: a client whose key was rotated away, retrying each few seconds,
    /// takes minutes to get there; a scanner or a guesser gets there at once. Five minutes then
    /// costs a legitimate client little once its credentials are fixed, since valid ones pass.
    static let defaultPolicy = FailurePolicy(failures: 30, window: 60_000, lockFor: 5 * 60_000)
    /// Addresses tracked at once: a few hundred kilobytes.
    static let capacity = 10_000

    typealias Lock = FailureLock

    /// Keyed by the address's `limitKey`; nil is the one key of calls without an IP address
    /// (an in-process test's channel).
    private let failures: FailureWindow<AddressBlock?>?
    private let policy: FailurePolicy?
    private let clock: GatewayClock
    private let metrics: GatewayMetrics
    private let logger: Logger

    /// `policy` nil: failures are counted in the metrics, and no address is ever locked.
    init(policy: FailurePolicy?, clock: GatewayClock, metrics: GatewayMetrics, logger: Logger) {
        self.policy = policy
        failures = policy.map { FailureWindow<AddressBlock?>($0, capacity: Self.capacity) }
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
    }

    /// A call from `address` to `surface` (`v1`, `ops` or a partner's name) failed
    /// authentication and is counted. Nil: answer it as usual; a lock: answer `429` with its
    /// `Retry-After` and do nothing else.
    func failed(_ surface: String, from address: IPAddress?) -> Lock? {
        let key = address?.limitKey
        let lock = failures?.failed(key, now: clock.nowMillis())
        metrics.countAuthenticationFailure(surface: surface, outcome: lock == nil ? .refused : .locked)
        if let lock, lock.started {
            logger.warning("address locked after repeated failed authentication: its failed calls are answered 429 until the lock ends", metadata: [
                "address": "\(key.map(\.description) ?? "unknown")", "surface": "\(surface)",
                "failures": "\(policy?.failures ?? 0)", "lockedForSeconds": "\((policy?.lockFor ?? 0) / 1000)",
            ])
        }
        return lock
    }
}
