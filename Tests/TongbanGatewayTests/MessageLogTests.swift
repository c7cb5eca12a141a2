import Foundation
import Logging
import Testing
@testable import TongbanGateway
import TongbanHTTPClient
import TongbanPartners
import TongbanStorage
import TongbanTesting

@Suite("Message log")
struct MessageLogTests {
    static func entries(_ harness: GatewayHarness) async throws -> [MessageLogEntry] {
        try await harness.store.read { try $0.messageLog(after: 0, limit: 100) }
    }

    @Test("a window's case, its delivery and 桐柏's status notice each leave a chained entry with the exact bytes' digests")
    func caseRoundTripIsLogged() async throws {
        let harness = try await GatewayHarness()
        let body = Array(CaseFixtures.sampleText.utf8)
        try await harness.application().test(.router) { client in
            let answer = try await client.send("/v1/cases", .post, body: body)
            #expect(answer.status == .accepted)
        }
        let caseID = try #require(try await harness.store.read { try $0.cases(matching: CaseFilter(), after: nil, limit: 1) }.first?.id)
        let partner = ScriptedHTTPClient(fallback: { .success(DeliveryTests.receipt($0, .accepted)) })
        let service = DeliveryTests.service(harness, client: partner)
        await service.deliver(try await service.claim(1, now: harness.clock.millis)[0])
        let notice = PartnerFixtures.kstbStatus(messageNumber: "411330-ZT-000001", code: "02", at: "2026-11-20 10:00:00")
        try await harness.application().test(.router) { client in
            let answer = try await client.send(KSTBEndpointTests.path, .post, body: notice, key: nil)
            #expect(answer.status == .ok)
        }

        let log = try await Self.entries(harness)
        try #require(log.count == 3)
        let (received, sent, status) = (log[0], log[1], log[2])
        #expect(received.direction == .inbound && received.party == "suixian" && received.actor == "local:suixian")
        #expect(received.route == "POST /v1/cases" && received.httpStatus == 202)
        #expect(received.caseID == caseID && received.messageID == "SX2026112000001 v1")
        #expect(received.bodyDigest == MessageLogEntry.digest(body) && received.body == body)

        let transfer = try #require(try await harness.transfers(of: caseID).first)
        let request = try #require(partner.requests.first)
        #expect(sent.direction == .outbound && sent.party == "henan-tongbai" && sent.actor == "worker")
        #expect(sent.route == "POST /kstb/v2/receive" && sent.httpStatus == 200 && sent.result == "delivered 0")
        #expect(sent.caseID == caseID && sent.transferID == transfer.id && sent.messageID == transfer.messageID)
        #expect(sent.bodyDigest == MessageLogEntry.digest(request.body), "the GB18030 bytes sent, not the canonical case")
        #expect(sent.answerDigest == MessageLogEntry.digest(DeliveryTests.receipt(request, .accepted).body))

        #expect(status.direction == .inbound && status.party == "henan-tongbai" && status.actor == "partner:henan-tongbai")
        #expect(status.route == "POST /partners/henan-tongbai/kstb/v2/receive" && status.httpStatus == 200)
        #expect(status.messageID == "411330-ZT-000001" && status.result == "JG 0")
        #expect(status.bodyDigest == MessageLogEntry.digest(notice))

        #expect(try await harness.store.read { try $0.messageLog(caseID: caseID) }.map(\.seq) == [1, 2])
        #expect(try await MessageLogVerifier.verify(harness.store).problem == nil)
    }

    @Test("a refused case is logged with its 422; a call without a key and the windows' reads are not")
    func refusalsAndReads() async throws {
        let harness = try await GatewayHarness()
        let invalid = CaseFixtures.sample.setting("caseNumber", .int(7)).bytes
        try await harness.application().test(.router) { client in
            let refused = try await client.send("/v1/cases", .post, body: invalid)
            #expect(refused.status == .unprocessableContent)
            let anonymous = try await client.send("/v1/cases", .post, body: CaseFixtures.sample.bytes, key: nil)
            #expect(anonymous.status == .unauthorized)
            let read = try await client.send("/v1/cases")
            #expect(read.status == .ok)
        }
        let log = try await Self.entries(harness)
        try #require(log.count == 1)
        #expect(log[0].httpStatus == 422 && log[0].caseID == nil && log[0].bodyDigest == MessageLogEntry.digest(invalid))
        #expect(log[0].answerDigest != nil)
        #expect(try await harness.caseCount() == 0)
    }

    @Test("bodies past their retention are dropped; digests stay and the chain still verifies")
    func purge() async throws {
        let harness = try await GatewayHarness(extraYAML: "messageLog: {keepBodies: 2h}")
        let purger = MessageLogPurger(gateway: harness.gateway, batch: 1, logger: Logger(label: "test"))
        try await harness.application().test(.router) { client in
            let answer = try await client.send("/v1/cases", .post, body: CaseFixtures.sample.bytes)
            #expect(answer.status == .accepted)
        }
        harness.advance(.seconds(3600))
        #expect(try await purger.purge() == 0, "an hour old: kept")
        let log = try await Self.entries(harness)
        #expect(log.count == 1 && log[0].body != nil)
        harness.advance(.seconds(2 * 3600))
        #expect(try await purger.purge() == 1, "three hours old: dropped")
        let purged = try await Self.entries(harness)
        #expect(purged[0].body == nil && purged[0].bodyDigest == log[0].bodyDigest)
        #expect(try await MessageLogVerifier.verify(harness.store).problem == nil)
    }
}
