import TongbanCore

extension GatewayConfiguration {
    /// How many calls one principal (an API key's name, a partner, an operator) may make: a token
    /// bucket holding `burst` calls that refills at `requestsPerSecond`. Beyond it the caller is
    /// answered `429` with `Retry-After`, so a runaway client cannot take the gateway's capacity
    /// from the others.
    public struct RateLimit: Sendable, Equatable, CustomStringConvertible {
        /// 0: no limit.
        public var requestsPerSecond: Int
        public var burst: Int

        public init(requestsPerSecond: Int, burst: Int) {
            self.requestsPerSecond = requestsPerSecond
            self.burst = burst
        }

        /// `requestsPerSecond: 0`, for a caller that must never be refused for its pace.
        public static let unlimited = RateLimit(requestsPerSecond: 0, burst: 0)
        /// Each window system's API key: far above what people at windows type, low enough that a
        /// client stuck in a loop leaves room for the rest.
        public static let localDefault = RateLimit(requestsPerSecond: 100, burst: 200)
        /// Each operator, for the operations API and the console together.
        public static let operatorDefault = RateLimit(requestsPerSecond: 10, burst: 30)

        /// A partner's default: 枣阳's own interface document limits each appId to 10 requests a
        /// second, and the gateway holds it to the same; 桐柏 and the hub document no figure.
        public static func partnerDefault(_ wire: PartnerConfiguration.WireProtocol) -> RateLimit {
            switch wire {
            case .apas: RateLimit(requestsPerSecond: 10, burst: 10)
            case .kstb, .hub: RateLimit(requestsPerSecond: 20, burst: 40)
            }
        }

        public var isUnlimited: Bool { requestsPerSecond == 0 }

        public var description: String {
            isUnlimited ? "no limit" : "\(requestsPerSecond)/s, burst \(burst)"
        }
    }

    /// 30 s from a request's first byte to its last: a case or a KSTB message is a few KiB, and
    /// even KSTB's 10 MiB ceiling fits in it at 3 Mbit/s.
    public static let defaultReadTimeout = Duration.seconds(30)
    /// How long a kept-alive connection may wait for its next request.
    public static let defaultIdleTimeout = Duration.seconds(60)

    /// `listen.readTimeout` and `listen.idleTimeout`: at least a second (a slow client must never
    /// be able to hold a connection for ever) and at most an hour.
    /// `listen.failedAuthentication: {failures: 30, window: 1m, lockFor: 5m}`: each key
    /// defaults to `AddressLockout.defaultPolicy`'s; `failures: 0` turns the lock off.
    static func failedAuthentication(_ node: YAMLNode) throws(MappingError) -> FailurePolicy? {
        let fields = try node.fields(allowed: ["failures", "window", "lockFor"], required: [])
        var policy = AddressLockout.defaultPolicy
        if let failures = fields["failures"] {
            guard let count = Int(try failures.string()), (0...100_000).contains(count) else {
                throw failures.error("listen.failedAuthentication.failures must be a whole number from 0 (no lock) to 100000")
            }
            guard count > 0 else {
                if fields["window"] != nil || fields["lockFor"] != nil {
                    throw node.error("listen.failedAuthentication: window and lockFor mean nothing with failures 0 (no lock): remove them")
                }
                return nil
            }
            policy.failures = count
        }
        for (key, keyPath) in [("window", \FailurePolicy.window), ("lockFor", \FailurePolicy.lockFor)] {
            guard let value = fields[key] else { continue }
            let duration = try value.duration()
            guard duration >= .seconds(1), duration <= .seconds(86_400) else {
                throw value.error("listen.failedAuthentication.\(key) must be from 1s to 24h")
            }
            policy[keyPath: keyPath] = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        }
        return policy
    }

    static func listenTimeout(_ node: YAMLNode?, key: String, default fallback: Duration) throws(MappingError) -> Duration {
        guard let node else { return fallback }
        let value = try node.duration()
        guard value >= .seconds(1), value <= .seconds(3600) else {
            throw node.error("listen.\(key) must be from 1s to 1h: a slow client must not hold a connection for ever")
        }
        return value
    }
}

extension YAMLNode {
    /// `rateLimit: {requestsPerSecond: 10, burst: 20}` under `key` (named in errors); `burst`
    /// defaults to one second's worth; `requestsPerSecond: 0` is no limit.
    func rateLimit(_ key: String) throws(MappingError) -> GatewayConfiguration.RateLimit {
        let fields = try self.fields(allowed: ["requestsPerSecond", "burst"], required: ["requestsPerSecond"])
        let rateNode = try fields.required("requestsPerSecond")
        guard let rate = Int(try rateNode.string()), (0...100_000).contains(rate) else {
            throw rateNode.error("\(key).requestsPerSecond must be a whole number from 0 (no limit) to 100000")
        }
        guard rate > 0 else {
            if let burst = fields["burst"] { throw burst.error("\(key).burst means nothing with requestsPerSecond 0 (no limit): remove it") }
            return .unlimited
        }
        var burst = rate
        if let burstNode = fields["burst"] {
            guard let value = Int(try burstNode.string()), (1...1_000_000).contains(value) else {
                throw burstNode.error("\(key).burst must be a whole number from 1 to 1000000")
            }
            burst = value
        }
        return .init(requestsPerSecond: rate, burst: burst)
    }
}
