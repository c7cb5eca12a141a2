import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanStorage
import TongbanTesting
import TongbanXML

@Suite("Withdrawals and the partners view")
struct WithdrawAndPartnersTests {
    static let reason = Array(#"{"reason": "申请人撤回申请"}"#.utf8)

    @Test("a withdrawal makes the case withdrawn and queues the partner's withdrawal message; a second one is 409")
    func withdrawTongbai() async throws {
        let harness = try await GatewayHarness()
        try await harness.application().test(.router) { client in
            let id = try #require(try await client.send("/v1/cases", .post, body: CaseFixtures.sample.bytes).body.json["id"]?.stringValue)
            let answer = try await client.send("/v1/cases/\(id)/withdraw", .post, body: Self.reason)
            #expect(answer.status == .accepted)
            #expect(answer.body.json["status"]?.stringValue == "withdrawn")
            let transfers = try await harness.transfers(of: id)
            #expect(transfers.map(\.kind) == [.case, .withdrawal])
            let text = try XMLCodec.canonicalForm(transfers[1].payload)
            #expect(text.contains("<YWLX>CH</YWLX>"))
            #expect(text.contains("<BZ>申请人撤回申请</BZ>"))
            #expect(try await client.send("/v1/cases/\(id)/withdraw", .post, body: Self.reason).status == .conflict)
        }
    }

    @Test("a partner without a withdrawal message (APAS) is 409 and nothing changes")
    func withdrawZaoyang() async throws {
        let harness = try await GatewayHarness()
        let zaoyang = CaseFixtures.sample.setting("handlingRegion", "420683").setting("matter.code", "421321RS0310002")
        try await harness.application().test(.router) { client in
            let submitted = try await client.send("/v1/cases", .post, body: zaoyang.bytes)
            let id = try #require(submitted.body.json["id"]?.stringValue)
            let answer = try await client.send("/v1/cases/\(id)/withdraw", .post, body: Self.reason)
            #expect(answer.status == .conflict)
            #expect(answer.body.json["detail"]?.stringValue?.contains("no withdrawal") == true)
            #expect(try await harness.transfers(of: id).count == 1)
            #expect(try await client.send("/v1/cases/\(id)").body.json["status"]?.stringValue == "queued")
        }
    }

    @Test("a withdrawal needs a reason", arguments: [#"{}"#, #"{"reason": ""}"#, #"{"reason": "x", "extra": 1}"#, "nope"])
    func withdrawalBody(body: String) async throws {
        let harness = try await GatewayHarness()
        try await harness.application().test(.router) { client in
            let id = try #require(try await client.send("/v1/cases", .post, body: CaseFixtures.sample.bytes).body.json["id"]?.stringValue)
            let answer = try await client.send("/v1/cases/\(id)/withdraw", .post, body: Array(body.utf8))
            #expect(answer.status == .unprocessableContent)
            #expect(try await harness.transfers(of: id).count == 1)
        }
    }

    @Test("GET /v1/partners shows each destination's breaker and queue")
    func partnersView() async throws {
        let harness = try await GatewayHarness()
        try await harness.application().test(.router) { client in
            _ = try await client.send("/v1/cases", .post, body: CaseFixtures.sample.bytes)
            let breaker = try #require(harness.gateway.breakers["henan-tongbai"])
            for _ in 1...3 { breaker.recordFailure(now: harness.clock.millis) }
            let view = try await client.send("/v1/partners")
            #expect(view.status == .ok)
            let items = view.body.json["items"]?.arrayValue ?? []
            #expect(items.compactMap { $0["name"]?.stringValue } == ["henan-tongbai", "hubei-zaoyang", "xiangshisuishen", "local"])
            let tongbai = try #require(items.first)
            #expect(tongbai["breaker"]?["state"]?.stringValue == "open")
            #expect(tongbai["transfers"]?["pending"]?.integerValue == 1)
            #expect(items[2]["breaker"]?.isNull == true)
            #expect(try await client.send("/v1/partners", key: nil).status == .unauthorized)
        }
    }
}
