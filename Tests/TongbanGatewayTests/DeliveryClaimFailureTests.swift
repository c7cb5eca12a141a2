import Foundation
import Logging
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanStorage
import TongbanTesting

/// A destination whose work cannot be taken (here: its payloads are sealed under a key the
/// gateway was restarted without) waits longer after each failure instead of retrying at every
/// look for work: the log says it once per wait, not a hundred times a second.
@Suite("Delivery: work that cannot be taken")
struct DeliveryClaimFailureTests {
    @Test("the waits after consecutive failures: 1 s, doubling, at most 60 s")
    func delays() {
        #expect((1...8).map { DeliveryService.claimRetryDelay(afterFailures: $0) }
                == [1, 2, 4, 8, 16, 32, 60, 60].map { Duration.seconds($0) })
    }

    @Test("a payload under a key that is not configured: 'cannot take transfers' is logged once per wait; nothing is sent")
    func backsOff() async throws {
        let keys = FileManager.default.temporaryDirectory.appendingPathComponent("tongban-claim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: keys) }
        try StorageKey.generate(file: keys.appendingPathComponent("k1.key").path)
        try StorageKey.generate(file: keys.appendingPathComponent("k2.key").path)
        let harness = try await GatewayHarness(extraYAML: """
            storage:
              encryption: {current: k1, keys: [{id: k1, file: \(keys.path)/k1.key}]}
            """)
        _ = try await DeliveryTests.submit(harness)

        // The same data directory opened with k2 only, as after a restart with k1 left out.
        let withoutK1 = try SQLiteStore(path: harness.directory.appendingPathComponent("tongban.sqlite").path,
                                        keys: try StorageKeyring(current: "k2", keys: [try StorageKey.read(id: "k2", file: keys.appendingPathComponent("k2.key").path)]))
        let clock = harness.clock
        let gateway = Gateway(configuration: harness.gateway.configuration, catalog: try Repository.catalog(), store: withoutK1,
                              clock: GatewayClock { clock.millis })
        let captured = CapturedLog()
        let client = ScriptedHTTPClient(fallback: { .success(DeliveryTests.receipt($0, .accepted)) })
        let settings = gateway.configuration
        let service = DeliveryService(destination: "henan-tongbai", gateway: gateway, channel: KSTBChannel(baseURL: "http://partner"),
                                      client: client, workers: 2, retry: settings.delivery.retry,
                                      breaker: CircuitBreaker(policy: settings.delivery.breaker), pollInterval: nil, logger: captured.logger)
        let running = Task { try await service.run() }
        try await Task.sleep(for: .milliseconds(2500))
        running.cancel()
        _ = try? await running.value
        await withoutK1.close()

        let failures = captured.lines("cannot take transfers")
        // At 0 s, 1 s and 3 s at most; before the waits it was every 10 ms (about 250 lines).
        #expect((1...3).contains(failures.count), "\(failures.count) lines")
        #expect(client.requests.isEmpty)
    }
}
