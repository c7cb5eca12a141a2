import Foundation
import Logging
import Testing
@testable import TongbanGateway
import TongbanHTTPClient
import TongbanPartners
import TongbanStorage
import TongbanTesting

@Suite("Delivery engine")
struct DeliveryTests {
    static func receipt(_ request: HTTPClientRequest, _ result: KSTBReceipt.Result, caseNumber: String? = "TB-2026-0000001") -> HTTPClientResponse {
        let number = request.body.text.firstMatch(of: /<BWBH>([^<]+)<\/BWBH>/).map { String($0.1) } ?? ""
        return HTTPClientResponse(status: 200, body: KSTBReceipt(messageNumber: number, result: result, message: "", caseNumber: caseNumber).bytes)
    }

    static func service(_ harness: GatewayHarness, client: ScriptedHTTPClient, workers: Int = 2) -> DeliveryService {
        let settings = harness.gateway.configuration
        return DeliveryService(destination: "henan-tongbai", gateway: harness.gateway, channel: KSTBChannel(baseURL: "http://partner"),
                               client: client, workers: workers, retry: settings.delivery.retry,
                               breaker: CircuitBreaker(policy: settings.delivery.breaker), pollInterval: nil, logger: Logger(label: "test"))
    }

    static func submit(_ harness: GatewayHarness, _ number: String = "SX2026112000001", version: Int64 = 1) async throws -> String {
        let body = CaseFixtures.sample.setting("caseNumber", .string(number)).setting("version", .int(version)).bytes
        guard case .accepted(let record, _) = try await harness.gateway.submit(body) else { throw Failure("not accepted") }
        return record.id
    }

    struct Failure: Error { var message: String; init(_ m: String) { message = m } }

    @Test("JG=0 delivers, keeps the attempt and Tongbai's case number")
    func delivered() async throws {
        let harness = try await GatewayHarness()
        let id = try await Self.submit(harness)
        let client = ScriptedHTTPClient(fallback: { .success(DeliveryTests.receipt($0, .accepted)) })
        let service = Self.service(harness, client: client)
        let taken = try await service.claim(5, now: harness.clock.millis)
        #expect(taken.count == 1)
        await service.deliver(taken[0])
        let transfer = try #require(try await harness.transfers(of: id).first)
        #expect(transfer.state == .delivered)
        #expect(transfer.attempts == 1)
        #expect(client.requests.first?.url == "http://partner/kstb/v2/receive")
        #expect(client.requests.first?.headers.contains(HTTPHeader("Content-Type", "application/xml; charset=GB18030")) == true)
        let record = try await harness.store.read { try $0.caseRecord(id: id) }
        #expect(record?.partnerCaseNumber == "TB-2026-0000001")
        let attempts = try await harness.store.read { try $0.attempts(transferID: transfer.id) }
        #expect(attempts.map(\.outcome) == [.delivered])
        #expect(attempts.first?.partnerCode == "0")
    }

    @Test("JG=3 (already received) counts as delivered")
    func duplicateIsDelivered() async throws {
        let harness = try await GatewayHarness()
        let id = try await Self.submit(harness)
        let service = Self.service(harness, client: ScriptedHTTPClient(fallback: { .success(DeliveryTests.receipt($0, .duplicate)) }))
        await service.deliver(try await service.claim(1, now: harness.clock.millis)[0])
        #expect(try await harness.transfers(of: id).first?.state == .delivered)
    }

    @Test("JG=1 and HTTP 400 are permanent: a dead letter with the partner's answer", arguments: [true, false])
    func permanent(receiptAnswer: Bool) async throws {
        let harness = try await GatewayHarness()
        let id = try await Self.submit(harness)
        let client = ScriptedHTTPClient(fallback: { request in
            receiptAnswer ? .success(DeliveryTests.receipt(request, .malformed)) : .success(HTTPClientResponse(status: 400, body: Array("bad".utf8)))
        })
        let service = Self.service(harness, client: client)
        await service.deliver(try await service.claim(1, now: harness.clock.millis)[0])
        let transfer = try #require(try await harness.transfers(of: id).first)
        #expect(transfer.state == .dead)
        #expect(transfer.lastError?.contains(receiptAnswer ? "JG=1" : "HTTP 400") == true)
    }

    @Test("JG=9, 5xx and network errors are retried later with backoff; Retry-After is a floor")
    func retried() async throws {
        let harness = try await GatewayHarness()
        let id = try await Self.submit(harness)
        let client = ScriptedHTTPClient([
            .success(HTTPClientResponse(status: 503, headers: [HTTPHeader("Retry-After", "120")])),
        ], fallback: { _ in .failure(.connect("refused")) })
        let service = Self.service(harness, client: client)
        let start = harness.clock.millis
        await service.deliver(try await service.claim(1, now: start)[0])
        var transfer = try #require(try await harness.transfers(of: id).first)
        #expect(transfer.state == .pending)
        #expect(transfer.nextAttemptAt >= start + 120_000)
        // Not due yet: nothing to take.
        #expect(try await service.claim(1, now: harness.clock.millis).isEmpty)
        harness.advance(.seconds(121))
        await service.deliver(try await service.claim(1, now: harness.clock.millis)[0])
        transfer = try #require(try await harness.transfers(of: id).first)
        #expect(transfer.state == .pending)
        #expect(transfer.attempts == 2)
        // Second failure: at most base * 2 = 2 s later (cap 60 s), full jitter.
        #expect(transfer.nextAttemptAt <= harness.clock.millis + 2000)
        #expect(transfer.lastError?.contains("refused") == true)
    }

    @Test("after maxAttempts the transfer is a dead letter and is not tried again")
    func exhausted() async throws {
        let harness = try await GatewayHarness()
        let id = try await Self.submit(harness)
        let client = ScriptedHTTPClient(fallback: { _ in .success(HTTPClientResponse(status: 502)) })
        let service = Self.service(harness, client: client)
        for _ in 1...5 {
            harness.advance(.seconds(61))
            service.breaker.reset()
            let taken = try await service.claim(1, now: harness.clock.millis)
            try #require(taken.count == 1)
            await service.deliver(taken[0])
        }
        let transfer = try #require(try await harness.transfers(of: id).first)
        #expect(transfer.state == .dead)
        #expect(transfer.lastError?.hasPrefix("gave up after 5 attempts") == true)
        harness.advance(.seconds(3600))
        #expect(try await service.claim(1, now: harness.clock.millis).isEmpty)
        #expect(client.requests.count == 5)
    }

    @Test("the breaker opens after consecutive failures, lets one probe through later, and closes on success")
    func breaker() async throws {
        let harness = try await GatewayHarness()
        let breaker = CircuitBreaker(policy: .init(failures: 3, openFor: .seconds(30)))
        let now = harness.clock.millis
        for _ in 1...3 { breaker.recordFailure(now: now) }
        #expect(breaker.state(now: now) == .open)
        #expect(breaker.permits(capacity: 4, now: now + 29_000) == 0)
        #expect(breaker.permits(capacity: 4, now: now + 30_000) == 1)
        #expect(breaker.permits(capacity: 4, now: now + 30_001) == 0, "one probe at a time")
        breaker.recordFailure(now: now + 31_000)
        #expect(breaker.state(now: now + 31_000) == .open)
        #expect(breaker.permits(capacity: 4, now: now + 61_000) == 1)
        breaker.recordSuccess()
        #expect(breaker.state(now: now + 61_000) == .closed)
        #expect(breaker.permits(capacity: 4, now: now + 61_000) == 4)
    }

    @Test("a case's messages go in order, and a case waiting for a retry holds up no other case")
    func perCaseOrderWithoutHeadOfLineBlocking() async throws {
        let harness = try await GatewayHarness()
        let first = try await Self.submit(harness, "SX2026112000001")
        _ = try await Self.submit(harness, "SX2026112000001", version: 2)
        let other = try await Self.submit(harness, "SX2026112000002")
        let client = ScriptedHTTPClient([.success(HTTPClientResponse(status: 503))], fallback: { .success(DeliveryTests.receipt($0, .accepted)) })
        let service = Self.service(harness, client: client, workers: 4)
        let taken = try await service.claim(4, now: harness.clock.millis)
        // Case 1's supplement waits for its first message; case 2 goes alongside.
        #expect(Set(taken.map(\.caseID)) == [first, other])
        #expect(taken.count == 2)
        for transfer in taken.sorted(by: { $0.id < $1.id }) { await service.deliver(transfer) }
        // Case 1's first message now waits for its retry: its supplement must still wait.
        #expect(try await service.claim(4, now: harness.clock.millis).isEmpty)
        harness.advance(.seconds(61))
        let retry = try await service.claim(4, now: harness.clock.millis)
        #expect(retry.map(\.kind) == [.case])
        await service.deliver(retry[0])
        let supplement = try await service.claim(4, now: harness.clock.millis)
        #expect(supplement.map(\.kind) == [.supplement])
    }

    @Test("the running service drains the queue and stops on cancellation")
    func runDrains() async throws {
        let harness = try await GatewayHarness()
        var ids: [String] = []
        for n in 1...6 { ids.append(try await Self.submit(harness, "SX20261120000\(10 + n)")) }
        let caseIDs = ids
        let client = ScriptedHTTPClient(fallback: { .success(DeliveryTests.receipt($0, .accepted)) })
        let service = Self.service(harness, client: client, workers: 3)
        let task = Task { try await service.run() }
        for _ in 0..<200 {
            let states = try await harness.store.read { reader in try caseIDs.flatMap { try reader.transfers(caseID: $0) }.map(\.state) }
            if states.allSatisfy({ $0 == .delivered }) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        task.cancel()
        _ = try? await task.value
        let states = try await harness.store.read { reader in try caseIDs.flatMap { try reader.transfers(caseID: $0) }.map(\.state) }
        #expect(states == Array(repeating: .delivered, count: 6))
        #expect(client.requests.count == 6)
    }
}
