import Foundation
import HummingbirdTesting
import Logging
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanHTTPClient
import TongbanPartners
import TongbanStorage
import TongbanTesting

@Suite("Pausing a bulk replay")
struct ReplayPauseTests {
    static let operatorToken = DeadLetterTests.operatorToken

    /// Three cases to 桐柏, refused (JG=1): three dead letters. Answers the case ids.
    static func threeDeadLetters(_ harness: GatewayHarness) async throws -> [String] {
        var ids: [String] = []
        for number in ["SX2026112200101", "SX2026112200102", "SX2026112200103"] { ids.append(try await DeliveryTests.submit(harness, number)) }
        _ = try await DeadLetterTests.deliver(harness.gateway, clock: harness.clock, answering: .malformed)
        return ids
    }

    static func state(_ harness: GatewayHarness, _ caseID: String) async throws -> TransferState? {
        try await harness.transfers(of: caseID).first?.state
    }

    @Test("a paused replay holds its waiting transfers, and a retry during the pause; the partner's other cases still go; a restart keeps the hold; the resume sends them; both are logged")
    func pauseHoldResume() async throws {
        let harness = try await GatewayHarness(extraYAML: DeadLetterTests.operators)
        let cases = try await Self.threeDeadLetters(harness)
        let transferIDs = try await cases.asyncMap { try #require(try await harness.transfers(of: $0).first).id }
        let result = try await harness.gateway.replay(ids: Array(transferIDs.prefix(2)), filter: nil, mode: .resend, dryRun: false,
                                                      operator: "duty", reason: "桐柏 fixed its validator")
        let replay = try #require(result.record).id

        // The first replayed transfer is out when the operator pauses; the partner answers JG=9 (busy).
        let busy = DeliveryTests.service(harness, client: ScriptedHTTPClient(fallback: { .success(DeliveryTests.receipt($0, .busy)) }))
        let out = try await busy.claim(1, now: harness.clock.millis)
        #expect(out.map(\.id) == [transferIDs[0]])
        guard case .done(let paused) = try await harness.gateway.pauseReplay(id: replay, operator: "duty", reason: "桐柏 asked for a slower pace") else {
            throw DeliveryTests.Failure("not paused")
        }
        #expect(paused["paused"] == .bool(true) && paused["pause"]?["by"]?.stringValue == "duty")
        #expect(paused["states"]?["held"]?.integerValue == 1 && paused["states"]?["inFlight"]?.integerValue == 1)
        #expect(paused["done"] == .bool(false))
        await busy.deliver(out[0])
        #expect(try await Self.state(harness, cases[0]) == .held, "a retry during the pause waits for the resume")

        // The partner's other traffic goes on: a new case is taken, the held ones are not.
        let fresh = try await DeliveryTests.submit(harness, "SX2026112200104")
        harness.advance(.seconds(3600))
        let taken = try await busy.claim(10, now: harness.clock.millis)
        #expect(taken.map(\.caseID) == [fresh])

        // A new gateway on the same store (a restart) releases what was in flight, and holds it again.
        let clock = harness.clock
        let restarted = Gateway(configuration: harness.gateway.configuration, catalog: try Repository.catalog(), store: harness.store,
                                clock: GatewayClock { clock.millis })
        _ = try await harness.store.write { writer in try writer.releaseInFlight(now: clock.millis) }
        #expect(try await Self.state(harness, cases[1]) == .held)
        #expect(try await restarted.replayProgress(id: replay)?["paused"] == .bool(true))

        guard case .done(let resumed) = try await restarted.resumeReplay(id: replay, operator: "duty", reason: "桐柏 ready") else {
            throw DeliveryTests.Failure("not resumed")
        }
        #expect(resumed["paused"] == .bool(false) && resumed["pause"]?.isNull == true)
        #expect(resumed["states"]?["pending"]?.integerValue == 2)
        let accepting = ScriptedHTTPClient(fallback: { .success(DeliveryTests.receipt($0, .accepted)) })
        let service = DeliveryService(destination: "henan-tongbai", gateway: restarted, channel: KSTBChannel(baseURL: "http://partner"),
                                      client: accepting, workers: 2, retry: restarted.configuration.delivery.retry,
                                      breaker: restarted.breakers["henan-tongbai"]!, pollInterval: nil, logger: Logger(label: "test"))
        for transfer in try await service.claim(10, now: clock.millis) { await service.deliver(transfer) }
        #expect(try await Self.state(harness, cases[0]) == .delivered)
        #expect(try await Self.state(harness, cases[1]) == .delivered)
        #expect(try await Self.state(harness, cases[2]) == .dead, "not in the replay")
        #expect(try await restarted.replayProgress(id: replay)?["done"] == .bool(true))

        let actions = try await DestinationControlTests.actions(harness)
        #expect(actions.map { $0.route ?? "" } == ["replay resend", "replay resend", "replay pause \(replay)", "replay resume \(replay)"])
        #expect(actions.suffix(2).map { $0.reason ?? "" } == ["桐柏 asked for a slower pace", "桐柏 ready"])
        #expect(actions.suffix(2).map { $0.actor } == ["operator:duty", "operator:duty"])
        let resumeResult = actions.last?.result ?? ""
        #expect(resumeResult.hasPrefix("resumed, 2 queued again"), "\(resumeResult)")
        let verified = try await MessageLogVerifier.verify(harness.store)
        #expect(verified.problem == nil)
    }

    @Test("a later message of a held case waits behind it: per-case order holds through a pause")
    func perCaseOrderThroughAPause() async throws {
        let harness = try await GatewayHarness(extraYAML: DeadLetterTests.operators)
        let cases = try await Self.threeDeadLetters(harness)
        let first = try #require(try await harness.transfers(of: cases[0]).first).id
        let replay = try #require(try await harness.gateway.replay(ids: [first], filter: nil, mode: .resend, dryRun: false,
                                                                  operator: "duty", reason: "resend").record).id
        _ = try await harness.gateway.pauseReplay(id: replay, operator: "duty", reason: "hold")
        _ = try await harness.gateway.withdraw(caseID: cases[0], body: Array(#"{"reason":"申请人撤回"}"#.utf8))
        let withdrawal = try #require(try await harness.transfers(of: cases[0]).first { $0.kind == .withdrawal && $0.destination == "henan-tongbai" })
        #expect(withdrawal.state == .pending)
        let service = DeliveryTests.service(harness, client: ScriptedHTTPClient(fallback: { .success(DeliveryTests.receipt($0, .accepted)) }))
        #expect(try await service.claim(10, now: harness.clock.millis).isEmpty, "the withdrawal may not overtake the held case")
        _ = try await harness.gateway.resumeReplay(id: replay, operator: "duty", reason: "go")
        #expect(try await service.claim(10, now: harness.clock.millis).map(\.kind) == [.case])
    }

    @Test("pausing needs the operator role and a reason; an unknown replay is 404; a second pause, a resume of a running replay and a pause of a finished one are 409")
    func refusals() async throws {
        let harness = try await GatewayHarness(extraYAML: DeadLetterTests.operators)
        let cases = try await Self.threeDeadLetters(harness)
        let ids = try await cases.asyncMap { try #require(try await harness.transfers(of: $0).first).id }
        let running = try #require(try await harness.gateway.replay(ids: [ids[0]], filter: nil, mode: .resend, dryRun: false,
                                                                   operator: "duty", reason: "resend").record).id
        let finished = try #require(try await harness.gateway.replay(ids: [ids[1]], filter: nil, mode: .resend, dryRun: false,
                                                                    operator: "duty", reason: "resend").record).id
        try await harness.store.write { writer in
            var transfer = try writer.transfer(id: ids[1])!
            transfer.state = .delivered
            try writer.updateTransfer(transfer)
        }
        let reason = DestinationControlTests.reason("hold it")
        try await harness.application().test(.router) { api in
            #expect(try await api.send("/ops/v1/replays/\(running)/pause", .post, key: DeadLetterTests.viewerToken, body: reason).status == .forbidden)
            #expect(try await api.send("/ops/v1/replays/\(running)/pause", .post, key: nil, body: reason).status == .unauthorized)
            let blank = try await api.send("/ops/v1/replays/\(running)/pause", .post, key: Self.operatorToken, body: Array(#"{"reason":" "}"#.utf8))
            #expect(blank.status == .unprocessableContent && blank.body.text.contains("$.reason"))
            #expect(try await api.send("/ops/v1/replays/999/pause", .post, key: Self.operatorToken, body: reason).status == .notFound)
            #expect(try await api.send("/ops/v1/replays/x/pause", .post, key: Self.operatorToken, body: reason).status == .notFound)
            let notPaused = try await api.send("/ops/v1/replays/\(running)/resume", .post, key: Self.operatorToken, body: reason)
            #expect(notPaused.status == .conflict && notPaused.body.text.contains("is not paused"))
            #expect(try await api.send("/ops/v1/replays/\(running)/pause", .post, key: Self.operatorToken, body: reason).status == .ok)
            let twice = try await api.send("/ops/v1/replays/\(running)/pause", .post, key: Self.operatorToken, body: reason)
            #expect(twice.status == .conflict && twice.body.text.contains("already paused"))
            let done = try await api.send("/ops/v1/replays/\(finished)/pause", .post, key: Self.operatorToken, body: reason)
            #expect(done.status == .conflict && done.body.text.contains("is done"))
        }
        let pauses = try await DestinationControlTests.actions(harness).filter { $0.route?.hasPrefix("replay pause") == true }
        #expect(pauses.count == 1, "refused actions change nothing and are not logged as done")
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var mapped: [T] = []
        for element in self { mapped.append(try await transform(element)) }
        return mapped
    }
}
