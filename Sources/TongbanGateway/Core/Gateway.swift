import Foundation
import Logging
import Synchronization
import TongbanCore
import TongbanMappings
import TongbanPartners
import TongbanStorage

/// The gateway's behaviour, independent of HTTP: cases in, statuses both ways, transfers queued
/// in the same transaction as the change that causes them. Routes and workers call into it.
public final class Gateway: Sendable {
    public let configuration: GatewayConfiguration
    public let catalog: MappingCatalog
    public let store: any GatewayStore
    let clock: GatewayClock
    let logger: Logger
    /// One per destination (each partner, and `local`): rung when a transfer is queued.
    let wakeups: [String: Wakeup]
    /// One per pushed destination, shared by its delivery workers and shown by `GET /v1/partners`.
    public let breakers: [String: CircuitBreaker]
    /// This gateway's Prometheus series (`GET /metrics`), its own registry.
    public let metrics: GatewayMetrics
    /// Deliveries per destination in the last hour, for the console.
    let throughput = DeliveryThroughput()
    /// The SLA clock's holidays (`sla.holidays`), loaded at start; nil when not configured.
    public let calendar: HolidayCalendar?
    /// The secrets in force: those of `configuration` until a reload replaces them.
    let credentialBox: Mutex<GatewayCredentials>
    /// Refuses new work while the data directory's filesystem is nearly full (`FreeSpaceWatch`).
    public let storageGuard: StorageGuard
    /// Refuses each principal's calls beyond its rate limit (`429`).
    let rateLimiter: RateLimiter
    /// Answers `429` to the failed calls of an address that keeps failing authentication.
    let addressLockout: AddressLockout

    /// The destination name of the local system's own endpoint.
    public static let localDestination = "local"

    public init(configuration: GatewayConfiguration, catalog: MappingCatalog, store: any GatewayStore,
                clock: GatewayClock = .system, calendar: HolidayCalendar? = nil, logger: Logger = Logger(label: "tongban.gateway")) {
        self.configuration = configuration
        credentialBox = Mutex(GatewayCredentials(configuration))
        self.calendar = calendar
        self.catalog = catalog
        self.store = store
        self.clock = clock
        self.logger = logger
        storageGuard = StorageGuard(minimumFreeBytes: configuration.minimumFreeBytes)
        var wakeups = [Gateway.localDestination: Wakeup()]
        var breakers = [Gateway.localDestination: CircuitBreaker(policy: configuration.delivery.breaker)]
        for partner in configuration.partners {
            wakeups[partner.name] = Wakeup()
            if partner.wireProtocol != .hub { breakers[partner.name] = CircuitBreaker(policy: configuration.delivery.breaker) }
        }
        self.wakeups = wakeups
        self.breakers = breakers
        metrics = GatewayMetrics(partners: configuration.partners.map(\.name),
                                 destinations: configuration.partners.map(\.name) + [Gateway.localDestination],
                                 pushedDestinations: breakers.keys.sorted())
        rateLimiter = RateLimiter(clock: clock, registry: metrics.registry, principals: Principal.configured(in: configuration), logger: logger)
        addressLockout = AddressLockout(policy: configuration.addressLockout, clock: clock, metrics: metrics, logger: logger)
    }

    func partnerConfiguration(_ name: String) -> PartnerConfiguration? {
        configuration.partners.first { $0.name == name }
    }

    func wake(_ destination: String) {
        wakeups[destination]?.signal()
    }

    /// A new record or message id: a time-ordered UUID (version 7), so the store's indexes on
    /// ids (cases, versions, transfers, message ids) take each new id at their right edge.
    static func newID() -> String {
        MessageID.timeOrdered(millis: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// The instant of `millis`, written in China Standard Time like every partner's clock.
    static func timestamp(_ millis: Int64) -> Timestamp {
        Timestamp(epochSeconds: millis / 1000, offsetSeconds: Timestamp.chinaStandardTimeOffset)
    }
}

/// Where the gateway reads the time: the system clock, or a test's.
public struct GatewayClock: Sendable {
    public var nowMillis: @Sendable () -> Int64

    public init(nowMillis: @escaping @Sendable () -> Int64) { self.nowMillis = nowMillis }

    public static let system = GatewayClock { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}
