import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TongbanCore
import TongbanHTTPClient
import TongbanPartners
import TongbanXML
@testable import TongbanSimulator

/// The partners' own residents' cases, sent to the gateway in each partner's own format.
@Suite struct OwnCasesTests {
    /// A gateway that takes every case: `JG=0` with `SX-IN-1`, `code` 0 with `unid` `SXIN0001`,
    /// `ok` for hub items; status polls answer "accepted".
    static func acceptingGateway() -> FakeGateway {
        FakeGateway { request in
            if request.url.hasSuffix("/kstb/v2/receive") {
                let number = (try? KSTBMessage(XMLCodec.parse(request.body)))?.messageNumber ?? ""
                return HTTPClientResponse(status: 200, body: KSTBReceipt(messageNumber: number, result: .accepted, message: "成功", caseNumber: "SX-IN-1").bytes)
            }
            if request.url.hasSuffix("/apas/submit") { return HTTPClientResponse(status: 200, body: APASAnswer(.accepted, "ok", unid: "SXIN0001").bytes) }
            if request.url.hasSuffix("/status") {
                return HTTPClientResponse(status: 200, body: Array(#"{"code":0,"msg":"ok","data":{"unid":"SXIN0001","projid":"x","handlestate":"1","statetime":"20261120100000","result":null}}"#.utf8))
            }
            let ids = (try? JSONParser.parse(request.body))?["items"]?.arrayValue?.compactMap { $0["header"]?["msg_id"]?.stringValue } ?? []
            return HTTPClientResponse(status: 200, body: HubMessages.results(ids.map { .ok($0) }))
        }
    }

    static func inbound(_ partner: String, _ body: [UInt8]) throws -> LocalCase {
        let canonical = try Fixture.partner(partner).translate(body, direction: .inbound, kind: .case, context: TranslationContext(now: Timestamp.now())).get()
        return try LocalCase.validate(JSONParser.parse(canonical)).get()
    }

    @Test func eachPartnerSendsItsOwnCasesThatTheGatewayCanRead() async throws {
        let clock = ManualClock()
        let gateway = Self.acceptingGateway()
        let simulator = try Fixture.simulator(clock: clock, gateway: gateway) { $0.inboundCasesPerPartner = 2 }
        try await simulator.prepareOwnCases()
        await simulator.sendOwnCases()

        let kstb = gateway.requests.filter { $0.url.hasSuffix("/partners/henan-tongbai/kstb/v2/receive") }
        #expect(kstb.count == 2)
        let tongbaiCases = try kstb.map { try Self.inbound("henan-tongbai", $0.body) }
        #expect(Set(tongbaiCases.map(\.caseNumber)).count == 2)
        #expect(tongbaiCases.allSatisfy { $0.handlingRegion == "421321" })
        #expect(Set(try kstb.map { KSTBMessage(try XMLCodec.parse($0.body)).messageNumber }).count == 2)

        let submits = gateway.requests.filter { $0.url.hasSuffix("/partners/hubei-zaoyang/api/v1/apas/submit") }
        #expect(submits.count == 2)
        for submit in submits {
            let signed = try APASSignature.SignedRequest { name in submit.headers.first { $0.name == name }?.value }
            #expect(signed.appID == "zaoyang-apas")
            try signed.verify(secret: Array("demo-suixian-secret-for-zaoyang".utf8), body: submit.body, now: clock.now)
            _ = try Self.inbound("hubei-zaoyang", submit.body)
        }

        let batches = gateway.requests.filter { $0.url.hasSuffix("/partners/xiangshisuishen/cases") }
        #expect(batches.count == 1)
        let items = try #require(try JSONParser.parse(batches[0].body)["items"]?.arrayValue)
        #expect(items.count == 2)
        for item in items { _ = try Self.inbound("xiangshisuishen", item.serialized()) }

        await simulator.sendOwnCases()
        let polls = gateway.requests.filter { $0.method == "GET" }
        #expect(polls.map(\.url) == ["http://127.0.0.1:8080/partners/hubei-zaoyang/api/v1/apas/SXIN0001/status",
                                     "http://127.0.0.1:8080/partners/hubei-zaoyang/api/v1/apas/SXIN0001/status"])
        let sent = gateway.requests.count
        #expect(sent == 7, "taken cases are not sent again: 2 KSTB, 2 APAS, 1 hub batch, 2 polls")

        let zaoyang = await simulator.casesJSON(.zaoyang)["own"]?.arrayValue ?? []
        #expect(zaoyang.map { $0["state"] } == ["accepted", "accepted"])
        #expect(zaoyang.map { $0["statuses"] } == [["1"], ["1"]])
        let stats = await simulator.statsJSON()
        #expect(stats["henan-tongbai"]?["ownCasesAccepted"] == 2)
        #expect(stats["xiangshisuishen"]?["ownCasesAccepted"] == 2)
    }

    @Test func tongbaiTakesTheGatewaysStatusNoticesForItsOwnCases() async throws {
        let gateway = Self.acceptingGateway()
        let simulator = try Fixture.simulator(gateway: gateway) { $0.inboundCasesPerPartner = 1 }
        try await simulator.prepareOwnCases()
        await simulator.sendOwnCases()
        let own = try #require(await simulator.casesJSON(.tongbai)["own"]?.arrayValue?.first)
        let caseNumber = try #require(own["caseNumber"]?.stringValue)
        let status = #"{"caseNumber": "\#(caseNumber)", "handlerCaseNumber": "SX-IN-1", "status": "accepted", "at": "2026-11-20T10:00:00+08:00", "partnerRegion": "411330"}"#
        let notice = try Fixture.gatewayMessage("henan-tongbai", kind: .status, canonical: Array(status.utf8))
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            #expect(try await client.post(TongbaiReceiveTests.path, notice).receipt?.result == .accepted)
            #expect(try await client.post(TongbaiReceiveTests.path, notice).receipt?.result == .duplicate)
            let listed = try await client.json("/_sim/cases?partner=henan-tongbai")["own"]?.arrayValue?.first
            #expect(listed?["statuses"] == ["02"])
            #expect(listed?["gatewayCaseNumber"] == "SX-IN-1")
        }
    }
}
