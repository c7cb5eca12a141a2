import Hummingbird

extension GatewayRouter {
    /// `GET /metrics`: every series in Prometheus text format. Outside the API-key group because
    /// Prometheus scrapes it without credentials; it carries partner names and counts only, never
    /// a case or a person. A store that does not answer is a 503, which Prometheus records as a
    /// failed scrape (`up == 0`) rather than as stale queue figures.
    func addMetricsRoute(to router: Router<Context>) {
        router.get("metrics") { _, _ in
            do {
                return Reply.bytes(try await self.gateway.metricsExposition(), contentType: GatewayMetrics.contentType)
            } catch {
                return Reply.problem(.serviceUnavailable, title: "Metrics unavailable", detail: "the store did not answer: \(error)")
            }
        }
    }
}
