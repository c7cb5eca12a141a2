import Foundation
import Testing
import TongbanCore
import TongbanHTTPClient
import TongbanPartners
@testable import TongbanSimulator

/// The 襄十随神 hub pulling the feed and pushing status batches.
@Suite struct HubTests {
    /// A gateway whose feed hands out `items` once (then nothing), acknowledges everything and
    /// answers every batch item `ok`, or `retry: true` while `busy` is set.
    static func gateway(items: [[UInt8]], busy: Box<Bool> = Box(false)) -> FakeGateway {
        let handedOut = Box(false)
        return FakeGateway { request in
            if request.url.contains("/feed?") {
                defer { handedOut.value = true }
                return HTTPClientResponse(status: 200, body: HubMessages.feedPage(items: handedOut.value ? [] : items, next: "7"))
            }
            let ids = (try? JSONParser.parse(request.body))?["items"]?.arrayValue?.compactMap { $0["header"]?["msg_id"]?.stringValue } ?? []
            let results = ids.map { id in busy.value ? HubMessages.ItemResult.failed(id, "busy", retry: true) : .ok(id) }
            return HTTPClientResponse(status: 200, body: HubMessages.results(results))
        }
    }

    /// What the gateway puts in the feed for the hub's sample case.
    static func feedEnvelope() throws -> [UInt8] {
        try Fixture.gatewayMessage("xiangshisuishen", kind: .case, canonical: Fixture.contract("xiangshisuishen", "sample-local-case.json"))
    }

    @Test func takesTheFeedDropsDuplicatesByMsgIDAndAcknowledges() async throws {
        let envelope = try Self.feedEnvelope()
        let id = try #require(try JSONParser.parse(envelope)["header"]?["msg_id"]?.stringValue)
        let gateway = Self.gateway(items: [envelope, envelope])
        let simulator = try Fixture.simulator(gateway: gateway)

        #expect(await simulator.pollHubFeed() == false)
        await simulator.pollHubFeed()

        let requests = gateway.requests
        #expect(requests.map(\.method) == ["GET", "POST", "GET"])
        #expect(requests[0].url == "http://127.0.0.1:8080/partners/xiangshisuishen/feed?after=&limit=100")
        #expect(requests[0].headers.contains(HTTPHeader("Authorization", "Bearer demo-hub-token-1")))
        #expect(requests[1].url.hasSuffix("/partners/xiangshisuishen/ack"))
        #expect(try JSONParser.parse(requests[1].body)["msg_ids"] == [.string(id)])
        #expect(requests[2].url.hasSuffix("feed?after=7&limit=100"))

        let held = await simulator.casesJSON(.hub)["cases"]?.arrayValue ?? []
        #expect(held.count == 1)
        #expect(held.first?["caseNumber"] == "SX2026112000003")
        #expect(held.first?["region"] == "420300")
        #expect(held.first?["partnerCaseNumber"]?.stringValue?.hasPrefix("SY-") == true)
        #expect(held.first?["received"] == 2)
        #expect(held.first?["processed"] == 1)
        let stats = await simulator.statsJSON()["xiangshisuishen"]
        #expect(stats?["feedItems"] == 2)
        #expect(stats?["duplicatesRecognised"] == 1)
    }

    @Test func pushesStatusBatchesFromTheHandlingCityAndResendsOnRetry() async throws {
        let clock = ManualClock()
        let busy = Box(true)
        let gateway = Self.gateway(items: [try Self.feedEnvelope()], busy: busy)
        let simulator = try Fixture.simulator(clock: clock, gateway: gateway)
        await simulator.pollHubFeed()
        clock.advance(milliseconds: Fixture.stepMillis)
        await simulator.pushHubStatuses()
        busy.value = false
        await simulator.pushHubStatuses()
        await simulator.pushHubStatuses()

        let batches = gateway.requests.filter { $0.url.hasSuffix("/statuses") }
        #expect(batches.count == 2, "the refused batch is sent again, then nothing is pending")
        let items = try #require(try JSONParser.parse(batches[1].body)["items"]?.arrayValue)
        #expect(items.count == 2)
        #expect(try JSONParser.parse(batches[0].body) == JSONParser.parse(batches[1].body))
        let hub = try Fixture.partner("xiangshisuishen")
        for item in items {
            #expect(item["header"]?["from"] == "420300")
            #expect(item["header"]?["to"] == "421321")
            let canonical = try JSONParser.parse(try hub.translate(item.serialized(), direction: .inbound, kind: .status,
                                                                    context: TranslationContext(now: Timestamp.now())).get())
            #expect(canonical["caseNumber"] == "SX2026112000003")
            #expect(canonical["partnerRegion"] == "420300")
        }
        #expect(items.map { $0["body"]?["state"] } == ["RECEIVED", "ACCEPTED"])
        let stats = await simulator.statsJSON()["xiangshisuishen"]
        #expect(stats?["statusesAcknowledged"] == 2)
        #expect(stats?["statusesSent"] == 4)
    }
}
