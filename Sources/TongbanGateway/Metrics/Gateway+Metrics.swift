import TongbanCore
import TongbanStorage

/// The gateway's side of its metrics: turning its own outcomes into metric labels (so each
/// instrumentation point is one call), and reading the store and the breakers when Prometheus
/// scrapes (so nothing runs between scrapes to keep gauges current).
extension Gateway {
    /// Counts a local window's case. The partner comes from the outcome when the case was stored;
    /// a refused one is read again for its handling region: refusals are rare, and this keeps the
    /// accepted path from paying for the label.
    func countIntake(_ outcome: IntakeOutcome, body: [UInt8]) {
        let label: GatewayMetrics.CaseOutcome
        switch outcome {
        case .accepted(let record, let created):
            metrics.countCase(partner: record.partner, outcome: created ? .accepted : .duplicate)
            return
        case .invalid: label = .invalid
        case .conflict: label = .conflict
        case .notFound: label = .notFound
        }
        metrics.countCase(partner: intakePartnerLabel(body), outcome: label)
    }

    /// The connected partner whose agreement covers the body's handling region, or `unknown`.
    func intakePartnerLabel(_ body: [UInt8]) -> String {
        guard let json = try? JSONParser.parse(body), let region = json["handlingRegion"]?.stringValue,
              let partner = catalog.partner(forRegion: region), partnerConfiguration(partner.name) != nil else {
            return GatewayMetrics.unknownPartner
        }
        return partner.name
    }

    /// Counts a partner's case.
    func countInboundCase(_ outcome: InboundCaseOutcome, partner: String) {
        let label: GatewayMetrics.InboundOutcome
        switch outcome {
        case .accepted(_, let created): label = created ? .accepted : .duplicate
        case .refused: label = .refused
        case .conflict: label = .conflict
        }
        metrics.countInboundCase(partner: partner, outcome: label)
    }

    /// Counts one delivery attempt and, when it made one, a dead letter. The outcome is the stored
    /// transfer's new state when the attempt was recorded (a retry past the last attempt is dead),
    /// else the partner's verdict.
    func countAttempt(destination: String, verdict: DeliveryVerdict, recorded state: TransferState?, millis: Int64) {
        let outcome: GatewayMetrics.AttemptOutcome
        switch (state, verdict) {
        case (.delivered?, _): outcome = .delivered
        case (.dead?, _): outcome = .permanent
        case (.some, _): outcome = .retry
        case (nil, .delivered): outcome = .delivered
        case (nil, .retry): outcome = .retry
        case (nil, .permanent): outcome = .permanent
        }
        metrics.recordAttempt(destination: destination, outcome: outcome, seconds: Double(max(millis, 0)) / 1000)
        if state == .dead { metrics.countDeadLetter(destination: destination) }
        if outcome == .delivered { throughput.record(destination, at: clock.nowMillis()) }
    }

    /// Sets the scrape-time gauges from one store snapshot and the breakers, then renders every
    /// series in Prometheus text format. Throws when the store does not answer: a scrape that
    /// fails is better than one that shows stale queues as current.
    public func metricsExposition() async throws -> [UInt8] {
        let destinations = metrics.destinations
        let now = clock.nowMillis()
        let rows = try await store.read { reader in
            try destinations.map { destination in
                (pending: try reader.transferCount(destination: destination, state: .pending),
                 dead: try reader.transferCount(destination: destination, state: .dead),
                 oldest: try reader.oldestPendingCreatedAt(destination: destination),
                 paused: try reader.pause(destination: destination) != nil)
            }
        }
        for (destination, row) in zip(destinations, rows) {
            metrics.update(destination: destination, GatewayMetrics.DestinationSnapshot(
                pending: row.pending, dead: row.dead, oldestPendingAgeMillis: row.oldest.map { now - $0 } ?? 0,
                breaker: breakers[destination]?.state(now: now), paused: row.paused))
        }
        return metrics.render()
    }
}
