import Synchronization

/// Spaces the requests to one partner so they never exceed its rate limit (APAS: 10 requests/s
/// per appId), shared by everything that calls it: case deliveries and status polls alike.
///
/// The slots are a tenth wider than the limit's spacing. A partner counts requests by when they
/// arrive, and arrival jitters (the network, a busy machine): spaced exactly at the limit, one
/// late request and the next on-time one land in the same second, one over the limit (a `429`
/// and a retry). With the margin, a request may arrive up to a slot's tenth late without that.
final class RequestPacer: Sendable {
    private let interval: Duration
    private let nextSlot = Mutex<ContinuousClock.Instant?>(nil)

    init(requestsPerSecond: Int) {
        interval = .nanoseconds(1_100_000_000 / Int64(max(requestsPerSecond, 1)))
    }

    /// Returns when the caller may send: at once if the partner has been quiet, else at its slot.
    func wait() async {
        let now = ContinuousClock.now
        let slot = nextSlot.withLock { next -> ContinuousClock.Instant in
            let slot = max(next ?? now, now)
            next = slot + interval
            return slot
        }
        if slot > now { try? await Task.sleep(until: slot, clock: .continuous) }
    }
}
