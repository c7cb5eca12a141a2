import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanHTTPClient
import TongbanTesting

@Suite("Metrics: GET /metrics")
struct MetricsTests {
    /// Counts the calls a scripted partner got, so its answer can depend on the order.
    final class CallCounter: Sendable {
        private let count = Mutex(0)
        func next() -> Int { count.withLock { $0 += 1; return $0 } }
    }

    static func caseBody(_ number: Int) -> [UInt8] {
        CaseFixtures.sample.setting("caseNumber", .string("SX20261120000\(10 + number)")).bytes
    }

    @Test("intake answers, attempts, dead letters, queues and breakers are scraped as documented")
    func scrapeAfterTraffic() async throws {
        let harness = try await GatewayHarness()
        try await harness.application().test(.router) { client in
            // Five cases for Tongbai, then one of each refusal and a resend.
            for number in 1...5 {
                #expect(try await client.send("/v1/cases", .post, body: Self.caseBody(number)).status == .accepted)
            }
            #expect(try await client.send("/v1/cases", .post, body: Self.caseBody(1)).status == .accepted)
            let changed = CaseFixtures.sample.setting("caseNumber", .string("SX2026112000011")).setting("remarks", "不加急")
            #expect(try await client.send("/v1/cases", .post, body: changed.bytes).status == .conflict)
            let invalid = CaseFixtures.sample.setting("caseNumber", .string("SX2026112000099")).setting("timeLimit.unit", nil)
            #expect(try await client.send("/v1/cases", .post, body: invalid.bytes).status == .unprocessableContent)
            let uncovered = CaseFixtures.sample.setting("handlingRegion", "110101")
            #expect(try await client.send("/v1/cases", .post, body: uncovered.bytes).status == .unprocessableContent)
            #expect(try await client.send("/v1/cases", .post, body: Array("{not json".utf8)).status == .unprocessableContent)
            let supplement = CaseFixtures.sample.setting("version", 2).bytes
            #expect(try await client.send("/v1/cases/no-such-case/supplements", .post, body: supplement).status == .notFound)

            // Tongbai takes the first, refuses the second for good, and is down for the other three,
            // which opens its breaker (the harness's policy: 3 failures).
            let calls = CallCounter()
            let partner = ScriptedHTTPClient(fallback: { request in
                switch calls.next() {
                case 1: .success(DeliveryTests.receipt(request, .accepted))
                case 2: .success(HTTPClientResponse(status: 400, body: Array("bad".utf8)))
                default: .success(HTTPClientResponse(status: 503, body: []))
                }
            })
            let settings = harness.gateway.configuration
            let service = DeliveryService(
                destination: "henan-tongbai", gateway: harness.gateway, channel: KSTBChannel(baseURL: "http://partner"),
                client: partner, workers: 5, retry: settings.delivery.retry,
                breaker: try #require(harness.gateway.breakers["henan-tongbai"]), pollInterval: nil, logger: Logger(label: "test"))
            let taken = try await service.claim(5, now: harness.clock.millis)
            #expect(taken.count == 5)
            for transfer in taken { await service.deliver(transfer) }

            let scrape = try await client.send("/metrics", key: nil)
            #expect(scrape.status == .ok)
            #expect(scrape.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let metrics = MetricsExposition(scrape.body.text)

            func cases(_ partner: String, _ outcome: String) -> Double? {
                metrics.value("tongban_cases_total", ["partner": partner, "outcome": outcome])
            }
            #expect(cases("henan-tongbai", "accepted") == 5)
            #expect(cases("henan-tongbai", "duplicate") == 1)
            #expect(cases("henan-tongbai", "conflict") == 1)
            #expect(cases("henan-tongbai", "invalid") == 1)
            #expect(cases("henan-tongbai", "not_found") == 1)
            #expect(cases("unknown", "invalid") == 2)  // no agreement covers 110101; not JSON at all
            #expect(cases("hubei-zaoyang", "accepted") == 0)  // every series exists from the start

            func attempts(_ outcome: String) -> Double? {
                metrics.value("tongban_transfer_attempts_total", ["destination": "henan-tongbai", "outcome": outcome])
            }
            #expect(attempts("delivered") == 1)
            #expect(attempts("permanent") == 1)
            #expect(attempts("retry") == 3)
            #expect(metrics.value("tongban_transfer_attempts_total", ["destination": "local", "outcome": "delivered"]) == 0)
            // The test clock stands still, so every attempt took 0 s: all in the first bucket.
            #expect(metrics.value("tongban_attempt_duration_seconds_count", ["destination": "henan-tongbai"]) == 5)
            #expect(metrics.value("tongban_attempt_duration_seconds_bucket", ["destination": "henan-tongbai", "le": "0.05"]) == 5)
            #expect(metrics.value("tongban_attempt_duration_seconds_bucket", ["destination": "henan-tongbai", "le": "30.0"]) == 5)
            #expect(metrics.value("tongban_attempt_duration_seconds_bucket", ["destination": "henan-tongbai", "le": "+Inf"]) == 5)

            #expect(metrics.value("tongban_dead_letters_total", ["destination": "henan-tongbai"]) == 1)
            #expect(metrics.value("tongban_dead_letters", ["destination": "henan-tongbai"]) == 1)
            #expect(metrics.value("tongban_queue_depth", ["destination": "henan-tongbai"]) == 3)
            #expect(metrics.value("tongban_queue_depth", ["destination": "local"]) == 0)
            #expect(metrics.value("tongban_queue_oldest_age_seconds", ["destination": "henan-tongbai"]) == 0)
            #expect(metrics.value("tongban_breaker_state", ["destination": "henan-tongbai"]) == 2)
            #expect(metrics.value("tongban_breaker_state", ["destination": "local"]) == 0)
            // The hub pulls its feed: no breaker, so no breaker series.
            #expect(metrics.value("tongban_breaker_state", ["destination": "xiangshisuishen"]) == nil)
            #expect(metrics.value("tongban_replays_total", ["destination": "henan-tongbai", "mode": "resend"]) == 0)
            #expect(metrics.value("tongban_overdue_cases", ["partner": "henan-tongbai"]) == 0)
            #expect(metrics.value("tongban_inbound_cases_total", ["partner": "henan-tongbai", "outcome": "accepted"]) == 0)

            // Two minutes on: the three retries still wait, and the breaker lets a probe through.
            harness.advance(.seconds(120))
            let later = MetricsExposition(try await client.send("/metrics", key: nil).body.text)
            #expect(later.value("tongban_queue_oldest_age_seconds", ["destination": "henan-tongbai"]) == 120)
            #expect(later.value("tongban_queue_oldest_age_seconds", ["destination": "local"]) == 0)
            #expect(later.value("tongban_breaker_state", ["destination": "henan-tongbai"]) == 1)
        }
    }

    @Test("a partner's cases are counted by answer; a resent message is not a second case")
    func inboundCases() async throws {
        let harness = try await GatewayHarness()
        let message = try PartnerFixtures.contract("henan-tongbai/examples/inbound-case/01-henan-resident-gb18030/input.xml")
        // A matter outside the agreement: refused (JG=2).
        let outside = Array(String(decoding: try PartnerFixtures.contract("henan-tongbai/examples/inbound-case/07-utf8-temporary-id-passport-agent/input.xml"), as: UTF8.self)
            .replacingOccurrences(of: #"<SXBM>[^<]*</SXBM>"#, with: "<SXBM>411330000ZZ9990001</SXBM>", options: .regularExpression).utf8)
        try await harness.application().test(.router) { client in
            for body in [message, message, outside] {
                #expect(try await client.send(KSTBEndpointTests.path, .post, body: body, key: nil).status == .ok)
            }
            let metrics = MetricsExposition(try await client.send("/metrics", key: nil).body.text)
            func inbound(_ outcome: String) -> Double? {
                metrics.value("tongban_inbound_cases_total", ["partner": "henan-tongbai", "outcome": outcome])
            }
            #expect(inbound("accepted") == 1)
            // A resend of the same message (same BWBH) is answered from the record of the first answer,
            // before any case is read: not counted again.
            #expect(inbound("duplicate") == 0)
            #expect(inbound("refused") == 1)
            #expect(inbound("conflict") == 0)
            // The accepted case waits for the local system.
            #expect(metrics.value("tongban_queue_depth", ["destination": "local"]) == 1)
        }
    }

    @Test("the replay and SLA hooks show in the scrape; unknown names are ignored")
    func hooks() async throws {
        let harness = try await GatewayHarness()
        let metrics = harness.gateway.metrics
        metrics.countReplay(destination: "henan-tongbai", mode: .retranslate, count: 4)
        metrics.countReplay(destination: "henan-tongbai", mode: .resend)
        metrics.countReplay(destination: "nowhere", mode: .resend)
        metrics.setOverdueCases(7, partner: "hubei-zaoyang")
        metrics.setOverdueCases(3, partner: "nobody")
        let scraped = MetricsExposition(String(decoding: try await harness.gateway.metricsExposition(), as: UTF8.self))
        #expect(scraped.value("tongban_replays_total", ["destination": "henan-tongbai", "mode": "retranslate"]) == 4)
        #expect(scraped.value("tongban_replays_total", ["destination": "henan-tongbai", "mode": "resend"]) == 1)
        #expect(scraped.value("tongban_overdue_cases", ["partner": "hubei-zaoyang"]) == 7)
        #expect(scraped.samples("tongban_replays_total").allSatisfy { $0.labels["destination"] != "nowhere" })
        #expect(scraped.samples("tongban_overdue_cases").allSatisfy { $0.labels["partner"] != "nobody" })
    }

    @Test("two gateways in one process count apart")
    func registriesAreSeparate() async throws {
        let (first, second) = (try await GatewayHarness(), try await GatewayHarness())
        _ = try await first.gateway.submit(CaseFixtures.sample.bytes)
        let counted = { (harness: GatewayHarness) async throws -> Double? in
            MetricsExposition(String(decoding: try await harness.gateway.metricsExposition(), as: UTF8.self))
                .value("tongban_cases_total", ["partner": "henan-tongbai", "outcome": "accepted"])
        }
        #expect(try await counted(first) == 1)
        #expect(try await counted(second) == 0)
    }

    @Test("the series table in docs/operations.md, the code's table and a scrape name the same series")
    func documentedSeries() async throws {
        let documented = try DocumentedSeries.fromOperationsGuide()
        let coded = GatewayMetrics.series.map { DocumentedSeries(name: $0.name, type: $0.kind.rawValue, labels: $0.labels) }
        #expect(!documented.isEmpty, "docs/operations.md has no series table under \"## Metrics and alerts\"")
        #expect(documented == coded, "docs/operations.md and GatewayMetrics.series differ")

        let harness = try await GatewayHarness()
        let scraped = MetricsExposition(String(decoding: try await harness.gateway.metricsExposition(), as: UTF8.self))
        let families = scraped.types.filter { $0.key.hasPrefix("tongban_") }
        #expect(families == Dictionary(uniqueKeysWithValues: coded.map { ($0.name, $0.type) }), "scraped families differ from the table")
        // Every sample carries exactly the documented labels (a histogram's bucket adds `le`).
        for series in GatewayMetrics.series {
            let names = series.kind == .histogram
                ? ["_bucket", "_sum", "_count"].map { series.name + $0 } : [series.name]
            let samples = scraped.samples.filter { names.contains($0.name) }
            #expect(!samples.isEmpty, "\(series.name) has no sample")
            for sample in samples {
                let expected = Set(series.labels + (sample.name.hasSuffix("_bucket") ? ["le"] : []))
                #expect(Set(sample.labels.keys) == expected, "\(sample.name) \(sample.labels)")
            }
        }
    }
}
