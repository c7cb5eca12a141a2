import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TongbanCore
import TongbanHTTPClient
import TongbanPartners
import TongbanXML
@testable import TongbanSimulator

/// 桐柏 pushing `ZT` notices for the cases it holds, as the gateway receives them.
@Suite struct TongbaiPushTests {
    /// Takes the golden case at the clock's time through the router.
    static func takeGoldenCase(_ simulator: Simulator) async throws {
        let body = try Fixture.contract("henan-tongbai", TongbaiReceiveTests.golden)
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            let receipt = try await client.post(TongbaiReceiveTests.path, body).receipt
            #expect(receipt?.result == .accepted)
        }
    }

    /// The canonical statuses the gateway's own inbound mapping reads from the notices sent.
    static func gatewayReading(_ requests: [HTTPClientRequest]) throws -> [JSONValue] {
        let tongbai = try Fixture.partner("henan-tongbai")
        return try requests.map { request in
            try JSONParser.parse(try tongbai.translate(request.body, direction: .inbound, kind: .status, context: TranslationContext(now: Timestamp.now())).get())
        }
    }

    @Test func pushesEachDueStepAsAGB18030NoticeTheGatewayReads() async throws {
        let clock = ManualClock()
        let gateway = FakeGateway(FakeGateway.kstbReceipt(.accepted))
        let simulator = try Fixture.simulator(clock: clock, gateway: gateway)
        try await Self.takeGoldenCase(simulator)
        clock.advance(milliseconds: 2 * Fixture.stepMillis)
        await simulator.pushTongbaiStatuses()

        let requests = gateway.requests
        #expect(requests.count == 3)
        for request in requests {
            #expect(request.url == "http://127.0.0.1:8080/partners/henan-tongbai/kstb/v2/receive")
            #expect(request.headers.contains(HTTPHeader("Content-Type", "application/xml; charset=GB18030")))
            #expect(String(decoding: request.body.prefix(40), as: UTF8.self).contains("encoding=\"GB18030\""))
            let notice = KSTBMessage(try XMLCodec.parse(request.body))
            #expect(notice.text("BWT", "FSF") == "411330")
            #expect(notice.text("BWT", "JSF") == "421321")
        }
        let statuses = try Self.gatewayReading(requests)
        #expect(statuses.map { $0["status"] } == ["received", "accepted", "inProgress"])
        #expect(statuses.allSatisfy { $0["caseNumber"] == "SX2026112000001" && $0["partnerRegion"] == "411330" })

        await simulator.pushTongbaiStatuses()
        #expect(gateway.requests.count == 3, "acknowledged notices are not sent again")
        clock.advance(milliseconds: 10 * Fixture.stepMillis)
        await simulator.pushTongbaiStatuses()
        let all = try Self.gatewayReading(gateway.requests)
        #expect(all.map { $0["status"] } == ["received", "accepted", "inProgress", "approved", "delivered"])
        #expect(all[3]["result"]?["name"] == "户口迁移（迁入）准予许可决定书")
        let stats = await simulator.statsJSON()["henan-tongbai"]
        #expect(stats?["statusesSent"] == 5)
        #expect(stats?["statusesAcknowledged"] == 5)
    }

    @Test func resendsTheSameNoticeUntilTheGatewayTakesIt() async throws {
        let clock = ManualClock()
        let answer = Box(KSTBReceipt.Result.busy)
        let gateway = FakeGateway { request in FakeGateway.kstbReceipt(answer.value)(request) }
        let simulator = try Fixture.simulator(clock: clock, gateway: gateway)
        try await Self.takeGoldenCase(simulator)
        await simulator.pushTongbaiStatuses()
        await simulator.pushTongbaiStatuses()
        answer.value = .duplicate
        await simulator.pushTongbaiStatuses()
        await simulator.pushTongbaiStatuses()

        let numbers = try gateway.requests.map { KSTBMessage(try XMLCodec.parse($0.body)).messageNumber }
        #expect(numbers.count == 3)
        #expect(Set(numbers).count == 1, "every resend carries the same BWBH")
        let stats = await simulator.statsJSON()["henan-tongbai"]
        #expect(stats?["statusesSent"] == 3)
        #expect(stats?["statusesAcknowledged"] == 1)
    }

    @Test func sendsDuplicatesAndHoldsStepsBackToSendThemNewestFirst() async throws {
        let clock = ManualClock()
        let gateway = FakeGateway(FakeGateway.kstbReceipt(.accepted))
        let simulator = try Fixture.simulator(clock: clock, gateway: gateway) { configuration in
            configuration.faults = FaultSettings(duplicates: true, outOfOrder: true)
        }
        try await Self.takeGoldenCase(simulator)
        await simulator.pushTongbaiStatuses()
        #expect(gateway.requests.isEmpty, "a single pending step is held back while more are to come")
        clock.advance(milliseconds: 2 * Fixture.stepMillis)
        await simulator.pushTongbaiStatuses()
        let statuses = try Self.gatewayReading(gateway.requests).map { $0["status"] }
        #expect(statuses == ["inProgress", "inProgress", "accepted", "accepted", "received", "received"])
    }
}
