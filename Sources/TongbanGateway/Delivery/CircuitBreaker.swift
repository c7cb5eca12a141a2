import Synchronization

/// Stops sending to a destination that keeps failing: after `failures` consecutive failed
/// attempts it opens for `openFor`, then lets one probe through (half-open); the probe's
/// success closes it, its failure opens it again. Queued transfers wait meanwhile instead of
/// spending their attempts against a partner that is down.
public final class CircuitBreaker: Sendable {
    public enum State: String, Sendable { case closed, open, halfOpen }

    struct Snapshot: Sendable {
        var state: State = .closed
        var consecutiveFailures = 0
        var openedAt: Int64 = 0
        var probeInFlight = false
    }

    let policy: GatewayConfiguration.BreakerPolicy
    private let snapshot = Mutex(Snapshot())

    init(policy: GatewayConfiguration.BreakerPolicy) { self.policy = policy }

    /// The state at `now`: an open breaker whose time is up reads as half-open.
    public func state(now: Int64) -> State {
        snapshot.withLock { s in
            if s.state == .open, now - s.openedAt >= policy.openFor.milliseconds { s.state = .halfOpen }
            return s.state
        }
    }

    public var consecutiveFailures: Int { snapshot.withLock { $0.consecutiveFailures } }

    /// How many transfers may start now, given `capacity` free workers: all of them when closed,
    /// one probe when half-open and none is out, none when open.
    func permits(capacity: Int, now: Int64) -> Int {
        snapshot.withLock { s in
            if s.state == .open, now - s.openedAt >= policy.openFor.milliseconds { s.state = .halfOpen }
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
        snapshot.withLock { s in s.state == .open ? s.openedAt + policy.openFor.milliseconds : nil }
    }

    func recordSuccess() {
        snapshot.withLock { s in
            s = Snapshot()
        }
    }

    func recordFailure(now: Int64) {
        snapshot.withLock { s in
            s.consecutiveFailures += 1
            if s.state == .halfOpen || s.consecutiveFailures >= policy.failures {
                s.state = .open
                s.openedAt = now
            }
            s.probeInFlight = false
        }
    }

    /// Gives back a half-open probe that found nothing to send.
    func cancelProbe() {
        snapshot.withLock { $0.probeInFlight = false }
    }

    /// Closes the breaker by hand (an operator's reset).
    public func reset() { recordSuccess() }
}
