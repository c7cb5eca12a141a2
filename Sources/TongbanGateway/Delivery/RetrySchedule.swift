/// When a failed transfer is tried again: exponential backoff with full jitter (a random delay
/// between zero and the doubled base, capped), so a partner coming back from an outage is not hit
/// by every queued message at the same instant. A partner's `Retry-After` is a floor.
struct RetrySchedule: Sendable {
    var policy: GatewayConfiguration.RetryPolicy

    /// The delay before attempt `attempts + 1`, after `attempts` failed ones.
    func delay(afterAttempts attempts: Int, retryAfter: Duration?, random: (ClosedRange<Int64>) -> Int64 = { Int64.random(in: $0) }) -> Duration {
        let base = policy.base.milliseconds
        let cap = policy.cap.milliseconds
        let exponent = min(max(attempts - 1, 0), 40)
        let ceiling = base > cap >> exponent ? cap : min(cap, base << exponent)
        let jittered = random(0...max(ceiling, 0))
        let floor = retryAfter?.milliseconds ?? 0
        return .milliseconds(max(jittered, floor))
    }

    /// Whether a transfer that has failed `attempts` times, first queued at `createdAt`, may
    /// still be tried at `now`; otherwise it becomes a dead letter.
    func allowsAnotherAttempt(attempts: Int, createdAt: Int64, now: Int64) -> Bool {
        attempts < policy.maxAttempts && now - createdAt < policy.maxAge.milliseconds
    }
}

extension Duration {
    /// Whole milliseconds.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
