import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanHTTPClient
import TongbanMappings
import TongbanPartners
import TongbanStorage
import TongbanTesting

@Suite("Dead letters and replay")
struct DeadLetterTests {
    static let operatorToken = "demo-operator-token"
    static let viewerToken = "demo-viewer-token"
    static let operators = """
        operators:
          duty: {role: operator, tokenSha256: 61112491d046c3f6f8ab801f170d9b2d0c734a17ceff60dee92123fb507cfc3f}
          watcher: {role: viewer, tokenSha256: db2c460a3dd812a27b2a7f60d1320322c27ac3b28b3b90b11c05ecc7b4bcc856}
        """

    /// The shipped mappings with 桐柏's ZJLX for 居民身份证 wrong (11, the temporary card).
    static func brokenCatalog() throws -> (MappingCatalog, URL) {
        // The agreements name their schemas under ../../contracts: copy both folders side by side.
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tongban-mappings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Repository.mappings, to: root.appendingPathComponent("mappings"))
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("contracts"), to: root.appendingPathComponent("contracts"))
        let folder = root.appendingPathComponent("mappings")
        let file = folder.appendingPathComponent("henan-tongbai/codes/id-types.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        let wrong = text.replacingOccurrences(of: "\"111\": \"10\"", with: "\"111\": \"11\"")
            .replacingOccurrences(of: "reverse:\n", with: "reverse:\n  \"11\": \"112\"\n")
        try wrong.write(to: file, atomically: true, encoding: .utf8)
        return (try MappingCatalog.load(from: folder), root)
    }

    /// Delivers every due transfer to 桐柏 through `gateway`, the partner answering `result`.
    static func deliver(_ gateway: Gateway, clock: TestClock, answering result: KSTBReceipt.Result) async throws -> ScriptedHTTPClient {
        let client = ScriptedHTTPClient(fallback: { .success(DeliveryTests.receipt($0, result)) })
        let settings = gateway.configuration
        let service = DeliveryService(destination: "henan-tongbai", gateway: gateway, channel: KSTBChannel(baseURL: "http://partner"),
                                      client: client, workers: 4, retry: settings.delivery.retry,
                                      breaker: CircuitBreaker(policy: settings.delivery.breaker), pollInterval: nil, logger: Logger(label: "test"))
        for transfer in try await service.claim(10, now: clock.millis) { await service.deliver(transfer) }
        return client
    }

    @Test("a code-list mistake: the partner refuses, the operator fixes the list, dry-runs a re-translation, sees the diff, replays; delivered once, same BWBH, the log shows who")
    func retranslateAfterACodeListFix() async throws {
        let harness = try await GatewayHarness(extraYAML: Self.operators)
        let (broken, folder) = try Self.brokenCatalog()
        defer { try? FileManager.default.removeItem(at: folder) }
        let clock = harness.clock
        let before = Gateway(configuration: harness.gateway.configuration, catalog: broken, store: harness.store, clock: GatewayClock { clock.millis })
        guard case .accepted(let record, _) = try await before.submit(CaseFixtures.sample.bytes) else { throw CancellationError() }
        _ = try await Self.deliver(before, clock: harness.clock, answering: .malformed)
        let dead = try #require(try await harness.transfers(of: record.id).first)
        #expect(dead.state == .dead)
        #expect(dead.payload.text.contains("<ZJLX>11</ZJLX>") || PayloadDiff.lines(dead.payload, contentType: dead.contentType).contains { $0.contains("<ZJLX>11</ZJLX>") })

        // After the fix (the shipped list), through the operators' API of the restarted gateway.
        try await harness.application().test(.router) { client in
            let listed = try await client.send("/ops/v1/dead-letters?destination=henan-tongbai&errorClass=permanent&partnerCode=1", key: Self.viewerToken)
            #expect(listed.status == .ok)
            #expect(listed.body.json["items"]?.arrayValue?.map { $0["id"]?.integerValue } == [dead.id])
            let exhausted = try await client.send("/ops/v1/dead-letters?errorClass=exhausted", key: Self.viewerToken)
            #expect(exhausted.body.json["items"]?.arrayValue?.isEmpty == true)

            let dry = try await client.send("/ops/v1/replays", .post, key: Self.operatorToken, body: JSONValue.object(JSONObject([
                ("filter", .object(JSONObject([("destination", .string("henan-tongbai"))]))), ("mode", .string("retranslate")),
                ("dryRun", .bool(true)),
            ])).bytes)
            #expect(dry.status == .ok, "\(dry.body.text)")
            let item = try #require(dry.body.json["items"]?.arrayValue?.first)
            #expect(item["outcome"]?.stringValue == "wouldQueue")
            let diff = item["diff"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(diff.contains { $0.hasPrefix("- ") && $0.contains("<ZJLX>11</ZJLX>") }, "\(diff)")
            #expect(diff.contains { $0.hasPrefix("+ ") && $0.contains("<ZJLX>10</ZJLX>") }, "\(diff)")
            #expect(try await harness.transfers(of: record.id).first?.state == .dead, "a dry run changes nothing")

            let refused = try await client.send("/ops/v1/replays", .post, key: Self.operatorToken, body: JSONValue.object(JSONObject([
                ("transferIds", .array([.int(dead.id)])), ("mode", .string("retranslate")),
            ])).bytes)
            #expect(refused.status == .unprocessableContent, "a replay needs a reason")
            let viewer = try await client.send("/ops/v1/replays", .post, key: Self.viewerToken, body: JSONValue.object(JSONObject([
                ("transferIds", .array([.int(dead.id)])), ("mode", .string("retranslate")), ("reason", .string("ZJLX fixed")),
            ])).bytes)
            #expect(viewer.status == .forbidden)
            let unknown = try await client.send("/ops/v1/replays", .post, key: Self.operatorToken, body: JSONValue.object(JSONObject([
                ("transferIds", .array([.int(dead.id), .int(99_999)])), ("mode", .string("resend")), ("reason", .string("typo")),
            ])).bytes)
            #expect(unknown.status == .unprocessableContent && unknown.body.text.contains("no transfer 99999"), "\(unknown.body.text)")
            #expect(try await harness.transfers(of: record.id).first?.state == .dead, "nothing half-done")
            let replayed = try await client.send("/ops/v1/replays", .post, key: Self.operatorToken, body: JSONValue.object(JSONObject([
                ("transferIds", .array([.int(dead.id)])), ("mode", .string("retranslate")), ("reason", .string("ZJLX 10 for 居民身份证, code list fixed")),
            ])).bytes)
            #expect(replayed.body.json["queued"]?.integerValue == 1, "\(replayed.body.text)")
            let replay = try #require(replayed.body.json["replayId"]?.integerValue)
            let progress = try await client.send("/ops/v1/replays/\(replay)", key: Self.viewerToken)
            #expect(progress.body.json["operator"]?.stringValue == "duty" && progress.body.json["mode"]?.stringValue == "retranslate")
            #expect(progress.body.json["total"]?.integerValue == 1 && progress.body.json["states"]?["pending"]?.integerValue == 1)
            #expect(progress.body.json["done"] == .bool(false))
        }
        let queued = try #require(try await harness.transfers(of: record.id).first)
        #expect(queued.state == .pending && queued.messageID == dead.messageID && queued.budgetAttempts == 1)
        #expect(queued.payload.text.contains(dead.messageID) || PayloadDiff.lines(queued.payload, contentType: queued.contentType).contains { $0.contains(dead.messageID) }, "the same BWBH")

        let partner = try await Self.deliver(harness.gateway, clock: harness.clock, answering: .accepted)
        #expect(partner.requests.count == 1)
        let delivered = try #require(try await harness.transfers(of: record.id).first)
        #expect(delivered.state == .delivered && delivered.attempts == 2)
        let log = try await harness.store.read { try $0.messageLog(caseID: record.id) }
        #expect(log.map { $0.direction } == [.outbound, .action, .outbound])
        #expect(log[1].actor == "operator:duty" && log[1].reason == "ZJLX 10 for 居民身份证, code list fixed" && log[1].route == "replay retranslate")
        let finished = try #require(try await harness.gateway.replayProgress(id: 1))
        #expect(finished["done"] == .bool(true) && finished["states"]?["delivered"]?.integerValue == 1)
        #expect(try await MessageLogVerifier.verify(harness.store).problem == nil)
        let scraped = MetricsExposition(String(decoding: try await harness.gateway.metricsExposition(), as: UTF8.self))
        #expect(scraped.value("tongban_replays_total", ["destination": "henan-tongbai", "mode": "retranslate"]) == 1)
    }

    @Test("a bulk resend skips a case the partner already confirmed; a closed dead letter is not sent again")
    func resendSkipsConfirmedAndClosed() async throws {
        let harness = try await GatewayHarness(extraYAML: Self.operators)
        let first = try await DeliveryTests.submit(harness, "SX2026112000001")
        let second = try await DeliveryTests.submit(harness, "SX2026112000002")
        let third = try await DeliveryTests.submit(harness, "SX2026112000003")
        _ = try await Self.deliver(harness.gateway, clock: harness.clock, answering: .malformed)
        // 桐柏 evidently has the second case: its status notice names the case.
        try await harness.store.write { writer in
            var record = try writer.caseRecord(id: second)!
            record.partnerCaseNumber = "TB-2026-0000002"
            try writer.updateCase(record)
        }
        let closing = try #require(try await harness.transfers(of: third).first)
        try await harness.application().test(.router) { client in
            let noReason = try await client.send("/ops/v1/transfers/\(closing.id)/close", .post, key: Self.operatorToken, body: Array("{}".utf8))
            #expect(noReason.status == .unprocessableContent)
            let closed = try await client.send("/ops/v1/transfers/\(closing.id)/close", .post, key: Self.operatorToken,
                                               body: Array(#"{"reason":"applicant withdrew at the window"}"#.utf8))
            #expect(closed.status == .ok && closed.body.json["state"]?.stringValue == "closed")
            let again = try await client.send("/ops/v1/transfers/\(closing.id)/close", .post, key: Self.operatorToken,
                                              body: Array(#"{"reason":"twice"}"#.utf8))
            #expect(again.status == .conflict)

            let resent = try await client.send("/ops/v1/replays", .post, key: Self.operatorToken, body: JSONValue.object(JSONObject([
                ("filter", .object(JSONObject([("destination", .string("henan-tongbai"))]))), ("mode", .string("resend")),
                ("reason", .string("partner fixed its validator")),
            ])).bytes)
            #expect(resent.body.json["queued"]?.integerValue == 1, "\(resent.body.text)")
            #expect(resent.body.json["skipped"]?.integerValue == 1)
            let skipped = resent.body.json["items"]?.arrayValue?.first { $0["outcome"]?.stringValue == "skipped" }
            #expect(skipped?["caseId"]?.stringValue == second)
            #expect(skipped?["reason"]?.stringValue?.contains("already confirmed") == true)

            let view = try await client.send("/ops/v1/transfers/\(closing.id)", key: Self.viewerToken)
            #expect(view.body.json["log"]?.arrayValue?.last?["actor"]?.stringValue == "operator:duty")
            #expect(view.body.json["attempts"]?.arrayValue?.count == 1)
            let anonymous = try await client.send("/ops/v1/dead-letters", key: nil)
            #expect(anonymous.status == .unauthorized)
        }
        #expect(try await harness.transfers(of: first).first?.state == .pending)
        #expect(try await harness.transfers(of: second).first?.state == .dead)
        #expect(try await harness.transfers(of: third).first?.state == .closed)
    }
}

extension TestClientProtocol {
    /// The operator's token first: the request bodies of these tests are long.
    func send(_ uri: String, _ method: HTTPRequest.Method, key: String?, body: [UInt8]) async throws
        -> (status: HTTPResponse.Status, headers: HTTPFields, body: [UInt8]) {
        try await send(uri, method, body: body, key: key)
    }
}
