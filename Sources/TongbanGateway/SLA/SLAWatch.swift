import Logging
import ServiceLifecycle
import TongbanStorage

/// Keeps `tongban_overdue_cases{partner}` current: every `interval` it computes the SLA figures
/// of the open cases created in the last `window` (decided ones are skipped before their
/// histories are read) and sets each partner's count of overdue cases (0 included, so the alert
/// sees a case leave the list).
struct SLAWatch: Service {
    let gateway: Gateway
    let interval: Duration
    let window: Duration
    let logger: Logger

    init(gateway: Gateway, interval: Duration = .seconds(300), window: Duration = .seconds(366 * 86_400), logger: Logger) {
        self.gateway = gateway
        self.interval = interval
        self.window = window
        self.logger = logger
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await update()
            } catch {
                logger.error("cannot compute the overdue cases", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    func update() async throws {
        guard let calendar = gateway.calendar, let settings = gateway.configuration.sla else { return }
        let now = gateway.clock.nowMillis()
        let timelines = try await SLAFigures.timelines(store: gateway.store, partner: nil, matter: nil,
                                                       from: now - window.milliseconds, to: nil, limit: .max, openOnly: true)
        let figures = try SLAFigures(timelines, calendar: calendar, now: now, dueSoon: settings.dueSoon)
        for partner in gateway.configuration.partners.map(\.name) {
            gateway.metrics.setOverdueCases(figures.byAgreement[partner]?.overdue.count ?? 0, partner: partner)
        }
    }
}
