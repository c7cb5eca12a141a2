import Logging
import Prometheus
import Synchronization

/// A token bucket per principal: each call takes a token, tokens come back at the principal's
/// `requestsPerSecond` up to its `burst`, and a call that finds none is refused with the time
/// until the next one. Buckets are kept only for authenticated principals, which the
/// configuration names, so the table cannot be grown by strangers and a flood of unauthenticated
/// calls never spends a real caller's budget.
///
/// Time is the gateway's clock (a test's clock in the tests), in milliseconds; a clock that steps
/// back refills nothing. The log says when a principal starts being refused, once until one of
/// its calls is admitted again, so a flood of refusals is one line.
final class RateLimiter: Sendable {
    /// Why a call was refused and when to come back.
    struct Refusal: Sendable, Equatable {
        let limit: GatewayConfiguration.RateLimit
        /// Whole seconds until the bucket holds a token again, at least 1 (`Retry-After`).
        let retryAfterSeconds: Int
    }

    /// Tokens are counted in thousandths, so a millisecond adds exactly `requestsPerSecond` of
    /// them and no rounding ever gives or takes a call.
    private struct Bucket {
        var milliTokens: Int64
        var at: Int64
        /// Its last call was refused.
        var refusing = false
    }

    private let buckets = Mutex<[Principal: Bucket]>([:])
    private let clock: GatewayClock
    private let registry: PrometheusCollectorRegistry
    private let logger: Logger

    /// `principals`: those the configuration names at start, whose refusal counters then exist
    /// at 0 from the first scrape (Prometheus sees an increase only from a value it scraped).
    init(clock: GatewayClock, registry: PrometheusCollectorRegistry, principals: [Principal], logger: Logger) {
        self.clock = clock
        self.registry = registry
        self.logger = logger
        for principal in principals { _ = counter(principal) }
    }

    /// Takes a token from `principal`'s bucket under `limit`; the refusal when there is none.
    /// A changed limit (a reload) applies at once, the tokens saved up capped at its burst.
    func admit(_ principal: Principal, limit: GatewayConfiguration.RateLimit) -> Refusal? {
        guard !limit.isUnlimited else { return nil }
        let now = clock.nowMillis()
        let rate = Int64(limit.requestsPerSecond), capacity = Int64(limit.burst) * 1000
        let (refusal, started) = buckets.withLock { table -> (Refusal?, Bool) in
            var bucket = table[principal] ?? Bucket(milliTokens: capacity, at: now)
            bucket.milliTokens = min(capacity, bucket.milliTokens + max(0, now - bucket.at) * rate)
            bucket.at = now
            let wasRefusing = bucket.refusing
            defer { table[principal] = bucket }
            guard bucket.milliTokens < 1000 else {
                bucket.milliTokens -= 1000
                bucket.refusing = false
                return (nil, false)
            }
            bucket.refusing = true
            let waitMillis = (1000 - bucket.milliTokens + rate - 1) / rate
            return (Refusal(limit: limit, retryAfterSeconds: Int(max(1, (waitMillis + 999) / 1000))), !wasRefusing)
        }
        guard let refusal else { return nil }
        counter(principal).increment()
        if started {
            logger.warning("caller over its rate limit: its calls are answered 429 until its budget refills",
                           metadata: ["caller": "\(principal)", "limit": "\(limit)"])
        }
        return refusal
    }

    /// `tongban_rate_limited_total{kind, name}`; the registry hands back the same counter for the
    /// same labels, so a name a reload added gets its series at its first refusal.
    private func counter(_ principal: Principal) -> Counter {
        let series = GatewayMetrics.rateLimitedTotal
        return registry.makeCounter(descriptor: MetricNameDescriptor(metricName: series.name, unitName: "", helpText: series.help),
                                    labels: [(series.labels[0], principal.kind.rawValue), (series.labels[1], principal.name)])
    }
}
