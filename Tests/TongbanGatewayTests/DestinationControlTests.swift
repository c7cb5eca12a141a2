import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanHTTPClient
import TongbanPartners
import TongbanStorage
import TongbanTesting

/// An operator steering delivery by hand: pausing a partner for its maintenance window and
/// resuming it, holding its breaker open and resetting it, each a message log entry with who
/// and why.
@Suite("Pausing partners and breakers by hand")
struct DestinationControlTests {
    static let operatorToken = DeadLetterTests.operatorToken
    static let viewerToken = DeadLetterTests.viewerToken
    /// The harness's start and 30 minutes later, as the views and the log write them.
    static let start = Gateway.timestamp(GatewayHarness.start).rfc3339()
    static let halfHourLater = Gateway.timestamp(GatewayHarness.start + 30 * 60_000).rfc3339()

    /// The gateway's own delivery worker for 桐柏 (its breaker is the one the operations API
    /// acts on), one attempt at a time so the order on the wire is the queue's.
    static func service(_ harness: GatewayHarness, client: ScriptedHTTPClient) -> DeliveryService {
        let settings = harness.gateway.configuration
        return DeliveryService(destination: "henan-tongbai", gateway: harness.gateway, channel: KSTBChannel(baseURL: "http://partner"),
                               client: client, workers: 1, retry: settings.delivery.retry,
                               breaker: harness.gateway.breakers["henan-tongbai"]!, pollInterval: nil, logger: Logger(label: "test"))
    }

    static func reason(_ text: String, _ extra: (key: String, value: JSONValue)...) -> [UInt8] {
        JSONValue.object(JSONObject([("reason", .string(text))] + extra)).bytes
    }

    /// The case numbers (SBLSH) of the requests a scripted 桐柏 got, in order.
    static func caseNumbers(_ client: ScriptedHTTPClient) -> [String] {
        client.requests.compactMap { $0.body.text.firstMatch(of: /<SBLSH>([^<]+)<\/SBLSH>/).map { String($0.1) } }
    }

    /// Runs `body` while `service` runs, then stops the service and waits for it.
    static func running<T>(_ service: DeliveryService, _ body: () async throws -> T) async throws -> T {
        let worker = Task { try await service.run() }
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        worker.cancel()
        _ = try? await worker.value
        return try result.get()
    }

    /// Waits (in real time) until `condition` holds, at most `seconds`.
    static func eventually(_ seconds: Double = 10, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }

    static func actions(_ harness: GatewayHarness) async throws -> [MessageLogEntry] {
        try await harness.store.read { try $0.messageLog(after: 0, limit: 1000) }.filter { $0.direction == .action }
    }

    @Test("a paused partner gets nothing while intake goes on; on resume the backlog goes out in queue order, and both are logged")
    func pauseAndResume() async throws {
        let harness = try await GatewayHarness(extraYAML: DeadLetterTests.operators)
        let client = ScriptedHTTPClient(fallback: { .success(DeliveryTests.receipt($0, .accepted)) })
        let service = Self.service(harness, client: client)
        let numbers = (1...4).map { "SX20261122000\(10 + $0)" }
        try await Self.running(service) {
            try await harness.application().test(.router) { api in
                let paused = try await api.send("/ops/v1/destinations/henan-tongbai/pause", .post, key: Self.operatorToken,
                                                body: Self.reason("桐柏 maintenance window 22:00–02:00"))
                #expect(paused.status == .ok, "\(paused.body.text)")
                #expect(paused.body.json["paused"] == .bool(true))
                #expect(paused.body.json["pause"]?["by"]?.stringValue == "duty")
                #expect(paused.body.json["pause"]?["since"]?.stringValue == Self.start)

                // Intake keeps accepting the partner's cases: they queue up.
                for number in numbers {
                    let body = CaseFixtures.sample.setting("caseNumber", .string(number)).bytes
                    #expect(try await api.send("/v1/cases", .post, body: body).status == .accepted)
                }
                try await Task.sleep(for: .milliseconds(600))
                #expect(client.requests.isEmpty, "nothing is sent while paused")
                let listed = try await api.send("/ops/v1/destinations", key: Self.viewerToken)
                let tongbai = listed.body.json["items"]?.arrayValue?.first { $0["name"]?.stringValue == "henan-tongbai" }
                #expect(tongbai?["paused"] == .bool(true) && tongbai?["pause"]?["reason"]?.stringValue == "桐柏 maintenance window 22:00–02:00")
                #expect(tongbai?["transfers"]?["pending"]?.integerValue == 4)
                #expect(tongbai?["transfers"]?["inFlight"]?.integerValue == 0)
                let partners = try await api.send("/v1/partners")
                #expect(partners.body.json["items"]?.arrayValue?.map { $0["paused"] } == [.bool(true), .bool(false), .bool(false), .bool(false)])

                let resumed = try await api.send("/ops/v1/destinations/henan-tongbai/resume", .post, key: Self.operatorToken,
                                                 body: Self.reason("桐柏 back at 01:40"))
                #expect(resumed.status == .ok, "\(resumed.body.text)")
                #expect(resumed.body.json["paused"] == .bool(false) && resumed.body.json["pause"]?.isNull == true)
            }
            #expect(try await Self.eventually { client.requests.count == 4 }, "the backlog drains after the resume")
        }
        #expect(Self.caseNumbers(client) == numbers, "in queue order")

        let actions = try await Self.actions(harness)
        #expect(actions.map { $0.route } == ["pause henan-tongbai", "resume henan-tongbai"])
        #expect(actions.map { $0.actor } == ["operator:duty", "operator:duty"])
        #expect(actions.map { $0.reason } == ["桐柏 maintenance window 22:00–02:00", "桐柏 back at 01:40"])
        #expect(actions.last?.result == "resumed (paused since \(Self.start) by duty)")
        #expect(try await MessageLogVerifier.verify(harness.store).problem == nil)
    }

    @Test("a pause outlives the gateway: a new one on the same store takes nothing until resumed")
    func pauseSurvivesARestart() async throws {
        let harness = try await GatewayHarness(extraYAML: DeadLetterTests.operators)
        _ = try await DeliveryTests.submit(harness)
        guard case .done = try await harness.gateway.pause(destination: "henan-tongbai", operator: "duty", reason: "maintenance") else {
            throw DeliveryTests.Failure("not paused")
        }
        let clock = harness.clock
        let restarted = Gateway(configuration: harness.gateway.configuration, catalog: try Repository.catalog(), store: harness.store,
                                clock: GatewayClock { clock.millis })
        let client = ScriptedHTTPClient(fallback: { .success(DeliveryTests.receipt($0, .accepted)) })
        let service = DeliveryService(destination: "henan-tongbai", gateway: restarted, channel: KSTBChannel(baseURL: "http://partner"),
                                      client: client, workers: 2, retry: restarted.configuration.delivery.retry,
                                      breaker: restarted.breakers["henan-tongbai"]!, pollInterval: nil, logger: Logger(label: "test"))
        #expect(try await service.claim(4, now: clock.millis).isEmpty)
        let view = try await restarted.destinationsOperationsView()["items"]?.arrayValue?.first
        #expect(view?["pause"]?["reason"]?.stringValue == "maintenance")
        let scraped = MetricsExposition(String(decoding: try await restarted.metricsExposition(), as: UTF8.self))
        #expect(scraped.value("tongban_destination_paused", ["destination": "henan-tongbai"]) == 1)
        #expect(scraped.value("tongban_destination_paused", ["destination": "local"]) == 0)
        guard case .done = try await restarted.resume(destination: "henan-tongbai", operator: "duty", reason: "done") else {
            throw DeliveryTests.Failure("not resumed")
        }
        #expect(try await service.claim(4, now: clock.millis).count == 1)
    }

    @Test("a breaker held open stops every attempt, even when an attempt still out succeeds; a reset lets them through at once")
    func breakerByHand() async throws {
        let harness = try await GatewayHarness(extraYAML: DeadLetterTests.operators)
        let breaker = try #require(harness.gateway.breakers["henan-tongbai"])
        try await harness.application().test(.router) { api in
            let opened = try await api.send("/ops/v1/destinations/henan-tongbai/breaker/open", .post, key: Self.operatorToken,
                                            body: Self.reason("桐柏 answers slowly, their ticket 4711", ("for", "30m")))
            #expect(opened.status == .ok, "\(opened.body.text)")
            #expect(opened.body.json["breaker"]?["state"]?.stringValue == "open")
            #expect(opened.body.json["breaker"]?["forcedOpenUntil"]?.stringValue == Self.halfHourLater)
        }
        let now = harness.clock.millis
        #expect(breaker.permits(capacity: 4, now: now) == 0)
        breaker.recordSuccess()
        breaker.recordFailure(now: now)
        #expect(breaker.state(now: now + 29 * 60_000) == .open, "attempts still out neither close nor shorten it")
        #expect(breaker.reopensAt() == now + 30 * 60_000)

        let client = ScriptedHTTPClient(fallback: { .success(DeliveryTests.receipt($0, .accepted)) })
        let service = Self.service(harness, client: client)
        let id = try await DeliveryTests.submit(harness)
        try await Self.running(service) {
            try await Task.sleep(for: .milliseconds(400))
            #expect(client.requests.isEmpty, "held open: nothing is sent")
            try await harness.application().test(.router) { api in
                let reset = try await api.send("/ops/v1/destinations/henan-tongbai/breaker/reset", .post, key: Self.operatorToken,
                                               body: Self.reason("桐柏 fixed their load balancer"))
                #expect(reset.status == .ok, "\(reset.body.text)")
                #expect(reset.body.json["breaker"]?["state"]?.stringValue == "closed")
                #expect(reset.body.json["breaker"]?["consecutiveFailures"]?.integerValue == 0)
                #expect(reset.body.json["breaker"]?["forcedOpenUntil"]?.isNull == true)
            }
            #expect(try await Self.eventually { try await harness.transfers(of: id).first?.state == .delivered })
        }
        #expect(client.requests.count == 1)

        let actions = try await Self.actions(harness)
        #expect(actions.map { $0.route } == ["breaker open henan-tongbai", "breaker reset henan-tongbai"])
        #expect(actions.map { $0.result } == ["open until \(Self.halfHourLater)", "closed (was open)"])
        #expect(actions.allSatisfy { $0.actor == "operator:duty" && $0.party == "operator" })
        #expect(actions.map { $0.reason } == ["桐柏 answers slowly, their ticket 4711", "桐柏 fixed their load balancer"])
    }

    @Test("a held breaker's time runs out into one probe, like any open breaker")
    func forcedOpenExpires() async throws {
        let breaker = CircuitBreaker(policy: .init(failures: 3, openFor: .seconds(30)))
        breaker.forceOpen(until: 10_000)
        #expect(breaker.state(now: 9_999) == .open)
        #expect(breaker.forcedOpenUntil(now: 9_999) == 10_000)
        #expect(breaker.permits(capacity: 4, now: 10_000) == 1)
        #expect(breaker.forcedOpenUntil(now: 10_000) == nil)
        breaker.recordSuccess()
        #expect(breaker.state(now: 10_001) == .closed)
        for _ in 1...2 { breaker.recordFailure(now: 11_000) }
        breaker.reset()
        breaker.recordFailure(now: 12_000)
        #expect(breaker.state(now: 12_000) == .closed && breaker.consecutiveFailures == 1, "a reset clears the count")
    }

    @Test("a paused hub feed hands out nothing and hands out the backlog after the resume")
    func pausedFeed() async throws {
        let harness = try await GatewayHarness(extraYAML: DeadLetterTests.operators)
        _ = try await HubEndpointTests.submitted(harness)
        try await harness.application().test(.router) { api in
            let paused = try await api.send("/ops/v1/destinations/xiangshisuishen/pause", .post, key: Self.operatorToken,
                                            body: Self.reason("hub migration"))
            #expect(paused.status == .ok, "\(paused.body.text)")
            let empty = try await api.send("/partners/xiangshisuishen/feed?after=0", key: GatewayHarness.hubToken)
            #expect(empty.status == .ok && empty.body.json["items"]?.arrayValue?.isEmpty == true)
            #expect(empty.body.json["next"]?.stringValue == "0")
            let breaker = try await api.send("/ops/v1/destinations/xiangshisuishen/breaker/open", .post, key: Self.operatorToken,
                                             body: Self.reason("hub migration"))
            #expect(breaker.status == .conflict && breaker.body.json["detail"]?.stringValue?.contains("pause it instead") == true)
            _ = try await api.send("/ops/v1/destinations/xiangshisuishen/resume", .post, key: Self.operatorToken, body: Self.reason("migrated"))
            let page = try await api.send("/partners/xiangshisuishen/feed?after=0", key: GatewayHarness.hubToken)
            #expect(page.body.json["items"]?.arrayValue?.count == 1)
        }
    }

    @Test("changes need the operator role, a reason and a known destination; a second pause or a resume of a running partner is 409")
    func refusals() async throws {
        let harness = try await GatewayHarness(extraYAML: DeadLetterTests.operators)
        try await harness.application().test(.router) { api in
            let viewer = try await api.send("/ops/v1/destinations/henan-tongbai/pause", .post, key: Self.viewerToken, body: Self.reason("x"))
            #expect(viewer.status == .forbidden)
            #expect(try await api.send("/ops/v1/destinations", key: Self.viewerToken).status == .ok, "a viewer reads")
            #expect(try await api.send("/ops/v1/destinations", key: nil).status == .unauthorized)
            for body in [Array("{}".utf8), Self.reason("  "), Array("not json".utf8)] {
                let missing = try await api.send("/ops/v1/destinations/henan-tongbai/pause", .post, key: Self.operatorToken, body: body)
                #expect(missing.status == .unprocessableContent)
                let paths = missing.body.json["issues"]?.arrayValue?.compactMap { $0["path"]?.stringValue }
                #expect(paths == ["$.reason"] || paths == ["$"], "\(missing.body.text)")
            }
            let badHold = try await api.send("/ops/v1/destinations/henan-tongbai/breaker/open", .post, key: Self.operatorToken,
                                             body: JSONValue.object(JSONObject([("for", .string("2d"))])).bytes)
            #expect(badHold.status == .unprocessableContent)
            #expect(badHold.body.json["issues"]?.arrayValue?.compactMap { $0["path"]?.stringValue } == ["$.reason", "$.for"])
            let unknown = try await api.send("/ops/v1/destinations/henan-nowhere/pause", .post, key: Self.operatorToken, body: Self.reason("x"))
            #expect(unknown.status == .notFound && unknown.body.json["detail"]?.stringValue?.contains("henan-tongbai") == true)
            let notPaused = try await api.send("/ops/v1/destinations/local/resume", .post, key: Self.operatorToken, body: Self.reason("x"))
            #expect(notPaused.status == .conflict)
            #expect(try await api.send("/ops/v1/destinations/local/pause", .post, key: Self.operatorToken, body: Self.reason("suixian upgrade")).status == .ok)
            let twice = try await api.send("/ops/v1/destinations/local/pause", .post, key: Self.operatorToken, body: Self.reason("again"))
            #expect(twice.status == .conflict && twice.body.json["detail"]?.stringValue?.contains("by duty: suixian upgrade") == true)
        }
        #expect(try await Self.actions(harness).map { $0.route } == ["pause local"], "refused changes are not logged")
    }
}
