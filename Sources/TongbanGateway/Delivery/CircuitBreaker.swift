import Synchronization

/// Stops sending to a destination that keeps failing: after `failures` consecutive failed
/// attempts it opens for `openFor`, then lets one probe through (half-open); the probe's
/// success closes it, its failure opens it again. Queued transfers wait meanwhile instead of
/// spending their attempts against a partner that is down.
///
/// An operator can also open it by hand for a while (`forceOpen(until:)`) or close it
/// (`reset()`). Its state lives in memory only: a restart closes it (a pause is what lasts).
public final class CircuitBreaker: Sendable {
    public enum State: String, Sendable { case closed, open, halfOpen }

    struct Snapshot: Sendable {
        var state: State = .closed
        var consecutiveFailures = 0
        var openedAt: Int64 = 0
        var probeInFlight = false
        /// Set while an operator holds it open: until then no attempt's outcome closes or
        /// shortens the open (attempts sent before the operator acted still come back).
        var forcedUntil: Int64?
    }

    let policy: GatewayConfiguration.BreakerPolicy
    private let snapshot = Mutex(Snapshot())

    init(policy: GatewayConfiguration.BreakerPolicy) { self.policy = policy }

    /// The state at `now`: an open breaker whose time is up reads as half-open.
    public func state(now: Int64) -> State {
        snapshot.withLock { s in
            expire(&s, now: now)
            return s.state
        }
    }

    public var consecutiveFailures: Int { snapshot.withLock { $0.consecutiveFailures } }

    /// Until when an operator holds it open; nil when they do not (any more) at `now`.
    public func forcedOpenUntil(now: Int64) -> Int64? {
        snapshot.withLock { s in
            expire(&s, now: now)
            return s.state == .open ? s.forcedUntil : nil
        }
    }

    /// How many transfers may start now, given `capacity` free workers: all of them when closed,
    /// one probe when half-open and none is out, none when open.
    func permits(capacity: Int, now: Int64) -> Int {
        snapshot.withLock { s in
            expire(&s, now: now)
            switch s.state {
            case .closed: return capacity
            case .open: return 0
            case .halfOpen:
                guard !s.probeInFlight, capacity > 0 else { return 0 }
                s.probeInFlight = true
                return 1
            }
        }
    }

    /// When an open breaker lets the next probe through; nil when not open.
    func reopensAt() -> Int64? {
        snapshot.withLock { s in s.state == .open ? openUntil(s) : nil }
    }

    func recordSuccess() {
        snapshot.withLock { s in
            guard s.forcedUntil == nil else { return }
            s = Snapshot()
        }
    }

    func recordFailure(now: Int64) {
        snapshot.withLock { s in
            s.consecutiveFailures += 1
            s.probeInFlight = false
            if let until = s.forcedUntil, now < until { return }
            s.forcedUntil = nil
            if s.state == .halfOpen || s.consecutiveFailures >= policy.failures {
                s.state = .open
                s.openedAt = now
            }
        }
    }

    /// Gives back a half-open probe that found nothing to send.
    func cancelProbe() {
        snapshot.withLock { $0.probeInFlight = false }
    }

    /// Opens the breaker by hand until `until` (an operator's `breaker open`, e.g. while a
    /// partner is known to be unreliable): no attempt starts, and the outcomes of attempts still
    /// out neither close nor shorten it. Then it lets a probe through like any open breaker
    /// whose time is up. Opening it again replaces the time.
    public func forceOpen(until: Int64) {
        snapshot.withLock { s in
            s.state = .open
            s.forcedUntil = until
            s.probeInFlight = false
        }
    }

    /// Closes the breaker by hand (an operator's reset): a forced open ends too, and the count
    /// of consecutive failures starts again from 0.
    public func reset() {
        snapshot.withLock { $0 = Snapshot() }
    }

    /// When an open breaker's time is up.
    private func openUntil(_ s: Snapshot) -> Int64 {
        s.forcedUntil ?? s.openedAt + policy.openFor.milliseconds
    }

    /// Moves an open breaker whose time is up to half-open.
    private func expire(_ s: inout Snapshot, now: Int64) {
        if s.state == .open, now >= openUntil(s) {
            s.state = .halfOpen
            s.forcedUntil = nil
        }
    }
}
