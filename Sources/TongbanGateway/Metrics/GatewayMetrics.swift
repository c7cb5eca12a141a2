import Prometheus

/// The gateway's Prometheus metrics: one `PrometheusCollectorRegistry` per `Gateway`, never the
/// process-wide `MetricsSystem`, so two gateways in one process (parallel tests) count apart.
///
/// Every series of every known partner, destination and outcome is created here, at zero, before
/// anything happens: Prometheus can only see a counter grow (`increase`, the dead-letter alert)
/// from a value it scraped before, and the hot paths then only look a handle up in a dictionary
/// built once, without the registry's lock.
///
/// Counters and the attempt histogram are fed where things happen (intake, inbound cases,
/// delivery attempts; later replay and the SLA check through the public hooks); the gauges that
/// describe the store (queue depth and age, dead letters) and the breakers are set at scrape time
/// by `Gateway.metricsExposition()`.
public final class GatewayMetrics: Sendable {
    /// Holds every series; `/metrics` renders it.
    public let registry: PrometheusCollectorRegistry
    /// Configured partners (the `partner` label).
    public let partners: [String]
    /// Every destination: each partner and `local` (the `destination` label of store gauges).
    public let destinations: [String]
    /// Destinations with delivery workers and a breaker: `local` and the pushed partners.
    public let pushedDestinations: [String]

    let cases: [String: [CaseOutcome: Counter]]
    let inboundCases: [String: [InboundOutcome: Counter]]
    let attempts: [String: [AttemptOutcome: Counter]]
    let attemptDurations: [String: ValueHistogram]
    let deadLettersTotal: [String: Counter]
    let deadLetters: [String: Gauge]
    let queueDepth: [String: Gauge]
    let queueOldestAge: [String: Gauge]
    let destinationPaused: [String: Gauge]
    let breakerState: [String: Gauge]
    let replays: [String: [ReplayMode: Counter]]
    let overdueCases: [String: Gauge]
    let authenticationFailures: [String: [AuthenticationOutcome: Counter]]
    let dataFreeBytes: Gauge
    let dataMinFreeBytes: Gauge
    let dataSizeBytes: Gauge

    public init(partners: [String], destinations: [String], pushedDestinations: [String]) {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        self.partners = partners
        self.destinations = destinations
        self.pushedDestinations = pushedDestinations

        func descriptor(_ series: Series) -> MetricNameDescriptor {
            MetricNameDescriptor(metricName: series.name, unitName: "", helpText: series.help)
        }
        func counters<Value: RawRepresentable & Hashable & CaseIterable>(
            _ series: Series, _ names: [String], _: Value.Type
        ) -> [String: [Value: Counter]] where Value.RawValue == String {
            Dictionary(uniqueKeysWithValues: names.map { name in
                (name, Dictionary(uniqueKeysWithValues: Value.allCases.map { value in
                    (value, registry.makeCounter(descriptor: descriptor(series),
                                                 labels: [(series.labels[0], name), (series.labels[1], value.rawValue)]))
                }))
            })
        }
        func counters(_ series: Series, _ names: [String]) -> [String: Counter] {
            Dictionary(uniqueKeysWithValues: names.map { ($0, registry.makeCounter(descriptor: descriptor(series), labels: [(series.labels[0], $0)])) })
        }
        func gauges(_ series: Series, _ names: [String]) -> [String: Gauge] {
            Dictionary(uniqueKeysWithValues: names.map { ($0, registry.makeGauge(descriptor: descriptor(series), labels: [(series.labels[0], $0)])) })
        }

        var cases = counters(Self.casesTotal, partners, CaseOutcome.self)
        // A case no connected agreement covers can only be refused as invalid.
        cases[Self.unknownPartner] = [.invalid: registry.makeCounter(
            descriptor: descriptor(Self.casesTotal), labels: [("partner", Self.unknownPartner), ("outcome", CaseOutcome.invalid.rawValue)])]
        self.cases = cases
        inboundCases = counters(Self.inboundCasesTotal, partners, InboundOutcome.self)
        attempts = counters(Self.transferAttemptsTotal, pushedDestinations, AttemptOutcome.self)
        attemptDurations = Dictionary(uniqueKeysWithValues: pushedDestinations.map { destination in
            (destination, registry.makeValueHistogram(descriptor: descriptor(Self.attemptDurationSeconds),
                                                       labels: [("destination", destination)], buckets: Self.attemptDurationBuckets))
        })
        deadLettersTotal = counters(Self.deadLettersTotal, destinations)
        deadLetters = gauges(Self.deadLetters, destinations)
        queueDepth = gauges(Self.queueDepth, destinations)
        queueOldestAge = gauges(Self.queueOldestAgeSeconds, destinations)
        destinationPaused = gauges(Self.destinationPaused, destinations)
        breakerState = gauges(Self.breakerState, pushedDestinations)
        replays = counters(Self.replaysTotal, destinations, ReplayMode.self)
        overdueCases = gauges(Self.overdueCases, partners)
        authenticationFailures = counters(Self.authenticationFailuresTotal, Self.authenticationSurfaces + partners, AuthenticationOutcome.self)
        dataFreeBytes = registry.makeGauge(descriptor: descriptor(Self.dataFreeBytes))
        dataMinFreeBytes = registry.makeGauge(descriptor: descriptor(Self.dataMinFreeBytes))
        dataSizeBytes = registry.makeGauge(descriptor: descriptor(Self.dataSizeBytes))
    }

    /// The media type of `registry`'s rendering: Prometheus text format 0.0.4.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    // MARK: Counted where things happen

    /// One answer to a local window's case. `partner` is the agreement's partner, or
    /// `unknownPartner` when none covers the case; names not configured count as `unknownPartner`.
    public func countCase(partner: String, outcome: CaseOutcome) {
        (cases[partner]?[outcome] ?? cases[Self.unknownPartner]?[outcome])?.increment()
    }

    /// One answer to a case a partner sent.
    public func countInboundCase(partner: String, outcome: InboundOutcome) {
        inboundCases[partner]?[outcome]?.increment()
    }

    /// One delivery attempt to `destination`: its outcome and how long the partner took to answer.
    public func recordAttempt(destination: String, outcome: AttemptOutcome, seconds: Double) {
        attempts[destination]?[outcome]?.increment()
        attemptDurations[destination]?.record(seconds)
    }

    /// A transfer to `destination` became a dead letter.
    public func countDeadLetter(destination: String) {
        deadLettersTotal[destination]?.increment()
    }

    /// `count` dead letters to `destination` were put back in the queue by a replay.
    public func countReplay(destination: String, mode: ReplayMode, count: Int = 1) {
        replays[destination]?[mode]?.increment(by: Int64(count))
    }

    /// A call to `surface` (`authenticationSurfaces` or a partner's name) failed authentication.
    func countAuthenticationFailure(surface: String, outcome: AuthenticationOutcome) {
        authenticationFailures[surface]?[outcome]?.increment()
    }

    /// Set by `SLAWatch`: how many of `partner`'s open cases are past their promise now. Every
    /// partner is set on each pass (0 included); unknown partners are ignored.
    public func setOverdueCases(_ count: Int, partner: String) {
        overdueCases[partner]?.set(Double(count))
    }

    /// Set by `FreeSpaceWatch` at each look at the disk.
    func setStorage(_ reading: StorageGuard.Reading, minimumFreeBytes: Int64) {
        dataFreeBytes.set(Double(reading.freeBytes))
        dataMinFreeBytes.set(Double(minimumFreeBytes))
        dataSizeBytes.set(Double(reading.databaseBytes))
    }

    // MARK: Set at scrape time

    /// What the store and the breakers say at one instant, for one destination.
    struct DestinationSnapshot: Sendable {
        var pending: Int
        var dead: Int
        /// Milliseconds since the oldest pending transfer was created; 0 when none.
        var oldestPendingAgeMillis: Int64
        /// Nil for destinations without a breaker (a feed).
        var breaker: CircuitBreaker.State?
        var paused: Bool
    }

    /// Sets the store and breaker gauges of `destination`.
    func update(destination: String, _ snapshot: DestinationSnapshot) {
        queueDepth[destination]?.set(Double(snapshot.pending))
        deadLetters[destination]?.set(Double(snapshot.dead))
        queueOldestAge[destination]?.set(Double(max(snapshot.oldestPendingAgeMillis, 0)) / 1000)
        if let state = snapshot.breaker { breakerState[destination]?.set(Self.breakerValue(state)) }
        destinationPaused[destination]?.set(snapshot.paused ? 1.0 : 0.0)
    }

    /// The registry in Prometheus text format.
    public func render() -> [UInt8] {
        registry.emitToBuffer()
    }
}
