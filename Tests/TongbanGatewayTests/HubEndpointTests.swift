import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanStorage
import TongbanTesting

@Suite("襄十随神 hub endpoint")
struct HubEndpointTests {
    static let hubCase = CaseFixtures.sample.setting("handlingRegion", "420600").setting("caseNumber", "SX2026112000202")

    static func submitted(_ harness: GatewayHarness) async throws -> String {
        guard case .accepted(let record, _) = try await harness.gateway.submit(hubCase.bytes) else { throw CancellationError() }
        return record.id
    }

    @Test("the feed hands out queued cases oldest first; an acknowledged item is delivered and not handed out again")
    func feedAndAck() async throws {
        let harness = try await GatewayHarness()
        let id = try await Self.submitted(harness)
        try await harness.application().test(.router) { client in
            let page = try await client.send("/partners/xiangshisuishen/feed?after=&limit=100", key: GatewayHarness.hubToken)
            #expect(page.status == .ok)
            let items = page.body.json["items"]?.arrayValue ?? []
            #expect(items.count == 1)
            #expect(items.first?["header"]?["msg_type"]?.stringValue == "case.submit")
            let messageID = try #require(items.first?["header"]?["msg_id"]?.stringValue)
            let next = try #require(page.body.json["next"]?.stringValue)
            let empty = try await client.send("/partners/xiangshisuishen/feed?after=\(next)", key: GatewayHarness.hubToken)
            #expect(empty.body.json["items"]?.arrayValue?.isEmpty == true)
            #expect(empty.body.json["next"]?.stringValue == next)

            let ack: JSONValue = ["msg_ids": [.string(messageID)]]
            let acked = try await client.send("/partners/xiangshisuishen/ack", .post, body: ack.bytes, key: GatewayHarness.hubToken)
            #expect(acked.body.json["results"]?.arrayValue?.first?["ok"] == .bool(true))
            #expect(try await harness.transfers(of: id).first?.state == .delivered)
            harness.advance(.seconds(3600))
            #expect(try await client.send("/partners/xiangshisuishen/feed?after=0", key: GatewayHarness.hubToken).body.json["items"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test("an item not acknowledged within 10 minutes is handed out again")
    func redelivery() async throws {
        let harness = try await GatewayHarness()
        _ = try await Self.submitted(harness)
        try await harness.application().test(.router) { client in
            let page = try await client.send("/partners/xiangshisuishen/feed", key: GatewayHarness.hubToken)
            let next = try #require(page.body.json["next"]?.stringValue)
            let messageID = page.body.json["items"]?.arrayValue?.first?["header"]?["msg_id"]?.stringValue
            harness.advance(.seconds(9 * 60))
            #expect(try await client.send("/partners/xiangshisuishen/feed?after=\(next)", key: GatewayHarness.hubToken).body.json["items"]?.arrayValue?.isEmpty == true)
            harness.advance(.seconds(2 * 60))
            let again = try await client.send("/partners/xiangshisuishen/feed?after=\(next)", key: GatewayHarness.hubToken)
            #expect(again.body.json["items"]?.arrayValue?.first?["header"]?["msg_id"]?.stringValue == messageID)
        }
    }

    @Test("either of the two rotation tokens is accepted; any other call is 401", arguments: [("demo-hub-token-1", true), ("demo-hub-token-2", true), ("demo-hub-token-3", false), ("", false)])
    func tokens(token: String, valid: Bool) async throws {
        let harness = try await GatewayHarness()
        try await harness.application().test(.router) { client in
            let answer = try await client.send("/partners/xiangshisuishen/feed", key: token.isEmpty ? nil : token)
            #expect(answer.status == (valid ? .ok : .unauthorized))
            let batch = try await client.send("/partners/xiangshisuishen/statuses", .post, body: Array(#"{"items": []}"#.utf8), key: token.isEmpty ? nil : token)
            #expect(batch.status == (valid ? .ok : .unauthorized))
        }
    }

    @Test("a status batch is answered per item; a repeated msg_id is ok and not applied twice")
    func statusBatch() async throws {
        let harness = try await GatewayHarness()
        let id = try await Self.submitted(harness)
        let status = try PartnerFixtures.contract("xiangshisuishen/examples/inbound-status/02-accepted/input.json").json
        let unknown = status.setting("header.msg_id", "11111111-2222-4333-8444-555555555555").setting("body.case_no", "SX-NOT-SENT")
        let batch: JSONValue = ["items": [status, status, unknown]]
        try await harness.application().test(.router) { client in
            let answer = try await client.send("/partners/xiangshisuishen/statuses", .post, body: batch.bytes, key: GatewayHarness.hubToken)
            let results = answer.body.json["results"]?.arrayValue ?? []
            #expect(results.count == 3)
            #expect(results.map { $0["ok"] } == [.bool(true), .bool(true), .bool(false)])
            #expect(results[2]["retry"] == .bool(false))
            let view = try await client.send("/v1/cases/\(id)")
            #expect(view.body.json["status"]?.stringValue == "accepted")
            #expect(view.body.json["statusHistory"]?.arrayValue?.count == 1)
            #expect(view.body.json["statusHistory"]?.arrayValue?.first?["partnerCode"]?.stringValue == "ACCEPTED")
        }
    }
}
