import Foundation
import HummingbirdTesting
import Testing
@testable import TongbanGateway
import TongbanTesting

@Suite("Throughput on the console's overview")
struct DeliveryThroughputTests {
    @Test("deliveries count in the minute they happened and leave the window after an hour; a reused slot starts from zero")
    func window() {
        let throughput = DeliveryThroughput()
        let start: Int64 = 1_795_370_400_000
        for second in [0, 10, 59] { throughput.record("henan-tongbai", at: start + Int64(second) * 1000) }
        throughput.record("henan-tongbai", at: start + 14 * 60_000)
        throughput.record("local", at: start)
        #expect(throughput.count("henan-tongbai", lastMinutes: 60, now: start + 14 * 60_000) == 4)
        #expect(throughput.count("henan-tongbai", lastMinutes: 1, now: start + 14 * 60_000) == 1)
        #expect(throughput.count("henan-tongbai", lastMinutes: 15, now: start + 14 * 60_000) == 4)
        #expect(throughput.count("henan-tongbai", lastMinutes: 14, now: start + 14 * 60_000) == 1)
        // An hour later the first minute's slot is reused: its three deliveries are gone.
        throughput.record("henan-tongbai", at: start + 60 * 60_000)
        #expect(throughput.count("henan-tongbai", lastMinutes: 60, now: start + 60 * 60_000) == 2)
        #expect(throughput.count("henan-tongbai", lastMinutes: 60, now: start + 200 * 60_000) == 0)
        #expect(throughput.count("xiangshisuishen", lastMinutes: 60, now: start) == 0)
        #expect(Console.perMinute(4, minutes: 15) == "0.3/min")
        #expect(Console.perMinute(186, minutes: 15) == "12.4/min")
    }

    @Test("the overview shows the last hour's deliveries and the rate per destination")
    func overview() async throws {
        let harness = try await GatewayHarness(extraYAML: ConsoleTests.operators)
        for number in ["SX2026112200201", "SX2026112200202", "SX2026112200203"] { _ = try await DeliveryTests.submit(harness, number) }
        _ = try await DeadLetterTests.deliver(harness.gateway, clock: harness.clock, answering: .accepted)
        try await harness.application().test(.router) { client in
            let duty = try #require(try await ConsoleTests.login(client, "duty").browser)
            let page = try await ConsoleTests.get(client, "/console", as: duty).body.text
            #expect(page.contains("<td>henan-tongbai</td>"))
            #expect(page.contains("<td>3</td><td>0.2/min</td><td>3</td>"), "\(page)")
        }
    }
}
