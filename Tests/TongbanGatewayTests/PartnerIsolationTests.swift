import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanHTTPClient
import TongbanPartners
import TongbanStorage
import TongbanTesting

/// A partner sees and changes only the cases it sent or was sent. For every ordered pair of
/// partners (A, B), every call of A's that names a case is aimed at each of B's cases (one the
/// windows sent to B, one B sent) by every number B's case is known by, and must get exactly the
/// answer A gets for a case that does not exist: the same request to a twin gateway that never
/// saw B's cases, byte for byte, in A's own format. Nothing of B's cases changes, and nothing of
/// them reaches A.
@Suite("Partner isolation", .serialized)
struct PartnerIsolationTests {
    enum Partner: String, CaseIterable, CustomStringConvertible {
        case tongbai = "henan-tongbai", zaoyang = "hubei-zaoyang", hub = "xiangshisuishen"
        var description: String { rawValue }
    }

    struct Pair: CustomStringConvertible {
        var caller: Partner
        var owner: Partner
        var description: String { "\(caller) → \(owner)'s cases" }
        static let all: [Pair] = Partner.allCases.flatMap { a in Partner.allCases.filter { $0 != a }.map { Pair(caller: a, owner: $0) } }
    }

    /// A call as it goes on the wire, sent unchanged to both gateways.
    struct Call {
        var label: String
        var path: String
        var method: HTTPRequest.Method = .post
        var body: [UInt8]?
        var headers: HTTPFields = [:]
    }

    typealias Answer = (status: HTTPResponse.Status, headers: HTTPFields, body: [UInt8])

    // MARK: The world: two cases per partner, with their numbers, statuses and transfers

    static let outboundNumbers: [Partner: String] = [.tongbai: "SX2026112000001", .zaoyang: "SX2026112000002", .hub: "SX2026112000003"]

    static func outboundCase(_ partner: Partner) -> JSONValue {
        let base = CaseFixtures.sample.setting("caseNumber", .string(outboundNumbers[partner]!))
        switch partner {
        case .tongbai: return base
        case .zaoyang: return base.setting("handlingRegion", "420683").setting("matter.code", "421321RS0310002")
        case .hub: return base.setting("handlingRegion", "420600")
        }
    }

    static func deliver(_ harness: GatewayHarness, to partner: Partner, channel: any DeliveryChannel, answer: HTTPClientResponse) async throws {
        let settings = harness.gateway.configuration
        let service = DeliveryService(destination: partner.rawValue, gateway: harness.gateway, channel: channel,
                                      client: ScriptedHTTPClient(fallback: { _ in .success(answer) }), workers: 1, retry: settings.delivery.retry,
                                      breaker: CircuitBreaker(policy: settings.delivery.breaker), pollInterval: nil, logger: Logger(label: "test"))
        for transfer in try await service.claim(10, now: harness.clock.millis) { await service.deliver(transfer) }
    }

    /// Builds the world through the gateway's own paths: each partner was sent a case by the
    /// windows (delivered, numbered by the partner, with a status), and sent one of its own
    /// (taken, reported on by the local system, which queues the report back to the partner).
    static func world() async throws -> GatewayHarness {
        let harness = try await GatewayHarness()
        for partner in Partner.allCases {
            guard case .accepted = try await harness.gateway.submit(outboundCase(partner).bytes) else { throw Failure("\(partner): not accepted") }
        }
        try await deliver(harness, to: .tongbai, channel: KSTBChannel(baseURL: "http://partner"),
                          answer: HTTPClientResponse(status: 200, body: KSTBReceipt(messageNumber: "", result: .accepted, message: "", caseNumber: "TB-2026-0000001").bytes))
        try await deliver(harness, to: .zaoyang, channel: APASChannel(baseURL: "http://partner", appID: "suixian-gateway", secret: { Array("s".utf8) }),
                          answer: HTTPClientResponse(status: 200, body: APASAnswer(.accepted, "ok", unid: "ZY-UNID-20261122-0001").bytes))
        try await harness.application().test(.router) { client in
            // 桐柏 reports on its case, the hub takes its case from the feed, acknowledges it and reports.
            let notice = PartnerFixtures.kstbStatus(messageNumber: "411330-WORLD-000001", caseNumber: outboundNumbers[.tongbai]!, code: "02",
                                                    at: "2026-11-22 10:00:00", tongbaiNumber: "TB-2026-0000001")
            try expectAnswer(try await client.send("/partners/henan-tongbai/kstb/v2/receive", .post, body: notice, key: nil), contains: "<JG>0</JG>")
            let page = try await client.send("/partners/xiangshisuishen/feed", key: GatewayHarness.hubToken)
            let ids = (page.body.json["items"]?.arrayValue ?? []).compactMap { $0["header"]?["msg_id"] }
            try expectAnswer(try await client.send("/partners/xiangshisuishen/ack", .post, body: JSONValue.object(JSONObject([("msg_ids", .array(ids))])).bytes,
                                                   key: GatewayHarness.hubToken), contains: #""ok":true"#)
            let status = try PartnerFixtures.contract("xiangshisuishen/examples/inbound-status/02-accepted/input.json").json
                .setting("body.case_no", .string(outboundNumbers[.hub]!))
            try expectAnswer(try await client.send("/partners/xiangshisuishen/statuses", .post, body: JSONValue.object(JSONObject([("items", [status])])).bytes,
                                                   key: GatewayHarness.hubToken), contains: #""ok":true"#)

            // Each partner's own case, in its own protocol.
            try expectAnswer(try await client.send("/partners/henan-tongbai/kstb/v2/receive", .post,
                                                   body: PartnerFixtures.contract("henan-tongbai/examples/inbound-case/07-utf8-temporary-id-passport-agent/input.xml"), key: nil),
                             contains: "<JG>0</JG>")
            let submit = try PartnerFixtures.contract("hubei-zaoyang/examples/inbound-case/01-zaoyang-resident-like-sample/input.json")
            try expectAnswer(try await client.send(APASEndpointTests.submit, .post, body: submit, key: nil,
                                                   headers: APASEndpointTests.signed(submit, now: harness.clock.millis)), contains: #""code":0"#)
            let hubCase = try PartnerFixtures.contract("xiangshisuishen/examples/inbound-case/01-xiangyang-resident/input.json").json
            try expectAnswer(try await client.send("/partners/xiangshisuishen/cases", .post, body: JSONValue.object(JSONObject([("items", [hubCase])])).bytes,
                                                   key: GatewayHarness.hubToken), contains: #""ok":true"#)
            // The local system reports on each: 桐柏's report is queued as a push, the hub's on its feed.
            for record in try await harness.store.read({ try $0.cases(matching: CaseFilter(direction: .inbound), after: nil, limit: 10) }) {
                let accepted: JSONValue = ["status": "accepted", "at": "2026-11-22T11:00:00+08:00"]
                try expectAnswer(try await client.send("/v1/cases/\(record.id)/status", .post, body: accepted.bytes), contains: #""outcome":"applied""#)
            }
        }
        return harness
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func expectAnswer(_ answer: Answer, contains text: String) throws {
        guard answer.body.text.contains(text) else { throw Failure("setting up the world: expected \(text) in \(answer.body.text)") }
    }

    /// A case and every number a partner could name it by: its id, the sender's number, the
    /// handling side's number, and the message ids of what was sent about it.
    struct Target {
        var record: CaseRecord
        var numbers: [String]
        var messageIDs: [String]
    }

    static func targets(of owner: Partner, in harness: GatewayHarness) async throws -> [Target] {
        let records = try await harness.store.read { try $0.cases(matching: CaseFilter(partner: owner.rawValue), after: nil, limit: 10) }
        #expect(records.count == 2, "\(owner) has a case in each direction")
        var targets: [Target] = []
        for record in records {
            #expect(record.partnerCaseNumber != nil, "\(owner)'s \(record.direction) case is numbered by its handling side")
            let transfers = try await harness.transfers(of: record.id)
            targets.append(Target(record: record, numbers: [record.id, record.caseNumber] + [record.partnerCaseNumber].compactMap { $0 },
                                  messageIDs: transfers.map(\.messageID)))
        }
        return targets
    }

    // MARK: The calls of each partner that name a case

    /// Numbers message ids (BWBH, msg_id) so that no two calls share one.
    static let counter = Mutex(0)

    static func nextNumber() -> Int { counter.withLock { $0 += 1; return $0 } }

    static func bwbh() -> String { String(format: "411330-ISO-%06d", nextNumber()) }
    static func uuid() -> String { String(format: "00000000-0000-4000-8000-%012d", nextNumber()) }

    static func kstb(_ type: String, caseNumber: String) throws -> [UInt8] {
        var text = try PartnerFixtures.contract("henan-tongbai/examples/inbound-case/07-utf8-temporary-id-passport-agent/input.xml").text
        text = text.replacingOccurrences(of: "<BWBH>411330-20261120-SB-000140</BWBH>", with: "<BWBH>\(bwbh())</BWBH>")
            .replacingOccurrences(of: "<YWLX>SB</YWLX>", with: "<YWLX>\(type)</YWLX>")
            .replacingOccurrences(of: "<SBLSH>TB2026112000140</SBLSH>", with: "<SBLSH>\(caseNumber)</SBLSH>")
        if type == "CH" { text = text.replacingOccurrences(of: "</JGSDFS>", with: "</JGSDFS>\n    <BZ>申请人撤回</BZ>") }
        return Array(text.utf8)
    }

    static func hubBatch(_ items: [JSONValue]) -> [UInt8] { JSONValue.object(JSONObject([("items", .array(items))])).bytes }

    static let hubHeaders: HTTPFields = [.authorization: "Bearer \(GatewayHarness.hubToken)"]

    /// Every call of `caller` that names an existing case, aimed at `target`.
    static func calls(of caller: Partner, at target: Target, now: Int64) throws -> [Call] {
        var calls: [Call] = []
        switch caller {
        case .tongbai:
            let receive = "/partners/henan-tongbai/kstb/v2/receive"
            for number in target.numbers {
                calls.append(Call(label: "ZT notice SBLSH=\(number)", path: receive,
                                  body: PartnerFixtures.kstbStatus(messageNumber: bwbh(), caseNumber: number, code: "05", at: "2026-11-22 12:00:00")))
                calls.append(Call(label: "BZ supplement SBLSH=\(number)", path: receive, body: try kstb("BZ", caseNumber: number)))
                calls.append(Call(label: "CH withdrawal SBLSH=\(number)", path: receive, body: try kstb("CH", caseNumber: number)))
            }
        case .zaoyang:
            for number in target.numbers {
                var headers = HTTPFields()
                for (name, value) in PartnerFixtures.apasHeaders(body: [], now: now) { headers[.init(name)!] = value }
                calls.append(Call(label: "status poll unid=\(number)", path: "/partners/hubei-zaoyang/api/v1/apas/\(number)/status", method: .get, headers: headers))
            }
        case .hub:
            let status = try PartnerFixtures.contract("xiangshisuishen/examples/inbound-status/05-processing/input.json").json
            let supplement = try PartnerFixtures.contract("xiangshisuishen/examples/inbound-case/03-supplement-version-2/input.json").json
            for number in target.numbers {
                let item = status.setting("header.msg_id", .string(uuid())).setting("body.case_no", .string(number))
                calls.append(Call(label: "status case_no=\(number)", path: "/partners/xiangshisuishen/statuses", body: hubBatch([item]), headers: hubHeaders))
                let next = supplement.setting("header.msg_id", .string(uuid())).setting("body.case_no", .string(number))
                calls.append(Call(label: "case.supplement case_no=\(number)", path: "/partners/xiangshisuishen/cases", body: hubBatch([next]), headers: hubHeaders))
                let withdraw: JSONValue = .object(JSONObject([
                    ("header", .object(JSONObject([("msg_id", .string(uuid())), ("msg_type", "case.withdraw"), ("from", "420600"), ("to", "421321"),
                                                   ("sent_at", "2026-11-22T12:00:00+08:00"), ("schema", "xsss.case/1")]))),
                    ("body", .object(JSONObject([("case_no", .string(number)), ("reason", "申请人撤回")]))),
                ]))
                calls.append(Call(label: "case.withdraw case_no=\(number)", path: "/partners/xiangshisuishen/cases", body: hubBatch([withdraw]), headers: hubHeaders))
            }
            for id in target.messageIDs {
                calls.append(Call(label: "ack msg_id=\(id)", path: "/partners/xiangshisuishen/ack",
                                  body: JSONValue.object(JSONObject([("msg_ids", [.string(id)])])).bytes, headers: hubHeaders))
            }
        }
        return calls
    }

    /// A new case of `caller`'s own that carries `number`, the number of another partner's case.
    static func newCase(of caller: Partner, numbered number: String, now: Int64) throws -> Call {
        switch caller {
        case .tongbai:
            return Call(label: "SB new case SBLSH=\(number)", path: "/partners/henan-tongbai/kstb/v2/receive", body: try kstb("SB", caseNumber: number))
        case .zaoyang:
            let body = try PartnerFixtures.contract("hubei-zaoyang/examples/inbound-case/01-zaoyang-resident-like-sample/input.json").json
                .setting("projid", .string(number)).bytes
            return Call(label: "submit projid=\(number)", path: APASEndpointTests.submit, body: body, headers: APASEndpointTests.signed(body, now: now))
        case .hub:
            let item = try PartnerFixtures.contract("xiangshisuishen/examples/inbound-case/01-xiangyang-resident/input.json").json
                .setting("header.msg_id", .string(uuid())).setting("body.case_no", .string(number))
            return Call(label: "case.submit case_no=\(number)", path: "/partners/xiangshisuishen/cases", body: hubBatch([item]), headers: hubHeaders)
        }
    }

    // MARK: What is compared

    /// Everything the store holds about one case.
    struct CaseState: Equatable {
        var record: CaseRecord
        var versions: [CaseVersionRecord]
        var statuses: [StatusRecord]
        var transfers: [TransferRecord]
        var attempts: [[AttemptRecord]]
    }

    static func state(_ harness: GatewayHarness) async throws -> [String: CaseState] {
        try await harness.store.read { reader in
            var states: [String: CaseState] = [:]
            for record in try reader.cases(matching: CaseFilter(), after: nil, limit: 1000) {
                let transfers = try reader.transfers(caseID: record.id)
                states[record.id] = CaseState(record: record, versions: try reader.versions(caseID: record.id), statuses: try reader.statuses(caseID: record.id),
                                              transfers: transfers, attempts: try transfers.map { try reader.attempts(transferID: $0.id) })
            }
            return states
        }
    }

    /// The gateway's own number for a partner's case (`421321GW` and 14 hex digits) is drawn at
    /// random: the one part of an answer that may differ between the two gateways.
    static func withoutAssignedNumbers(_ bytes: [UInt8]) -> String {
        bytes.text.replacing(/421321GW[0-9A-F]{14}/, with: "421321GW…")
    }

    static func send(_ call: Call, _ client: some TestClientProtocol) async throws -> Answer {
        try await client.send(call.path, call.method, body: call.body, key: nil, headers: call.headers)
    }

    static func compare(_ call: Call, _ answer: Answer, _ baseline: Answer, pair: Pair) {
        #expect(answer.status == baseline.status, "\(pair), \(call.label): HTTP \(answer.status.code), not \(baseline.status.code) as for no case")
        #expect(answer.headers[.contentType] == baseline.headers[.contentType], "\(pair), \(call.label): Content-Type")
        #expect(withoutAssignedNumbers(answer.body) == withoutAssignedNumbers(baseline.body),
                "\(pair), \(call.label):\n  got       \(answer.body.text)\n  no case:  \(baseline.body.text)")
    }

    @Test("a partner naming another partner's case, by any of its numbers, in any call, gets exactly the answer for a case that does not exist; nothing of the case changes",
          arguments: Pair.all)
    func anotherPartnersCaseIsNotThere(pair: Pair) async throws {
        let harness = try await Self.world()
        let twin = try await GatewayHarness()
        let targets = try await Self.targets(of: pair.owner, in: harness)
        let before = try await Self.state(harness)
        var calls: [Call] = []
        for target in targets { calls += try Self.calls(of: pair.caller, at: target, now: harness.clock.millis) }
        // Last: a new case of the caller's own under the other's number is the caller's, not a match.
        for target in targets { calls.append(try Self.newCase(of: pair.caller, numbered: target.record.caseNumber, now: harness.clock.millis)) }
        #expect(calls.count >= 8)

        try await harness.application().test(.router) { [calls] client in
            try await twin.application().test(.router) { twinClient in
                for call in calls {
                    // A second apart on both clocks, as a partner within its rate limit sends them.
                    harness.advance(.seconds(1))
                    twin.advance(.seconds(1))
                    let answer = try await Self.send(call, client)
                    let baseline = try await Self.send(call, twinClient)
                    Self.compare(call, answer, baseline, pair: pair)
                }
            }
        }

        let after = try await Self.state(harness)
        for (id, state) in before {
            #expect(after[id] == state, "\(pair): case \(state.record.caseNumber) (\(state.record.partner), \(state.record.direction)) changed")
        }
        let created = after.values.filter { before[$0.record.id] == nil }.map(\.record)
        #expect(created.count == targets.count, "\(pair): each new case under another's number is a case of the caller's own")
        for record in created {
            #expect(record.origin == pair.caller.rawValue && record.partner == pair.caller.rawValue && record.direction == .inbound)
        }
    }

    @Test("what reaches a partner (its pushes, its feed, its polls) is about its own cases only", arguments: Partner.allCases)
    func aPartnerIsSentOnlyItsOwnCases(partner: Partner) async throws {
        let harness = try await Self.world()
        let cases = try await Self.state(harness)
        for state in cases.values {
            for transfer in state.transfers where transfer.destination != Gateway.localDestination {
                #expect(transfer.destination == state.record.partner, "case \(state.record.caseNumber) of \(state.record.partner) is queued for \(transfer.destination)")
            }
        }
        let others = cases.values.filter { $0.record.partner != partner.rawValue }
        let foreign = others.flatMap { [$0.record.id, $0.record.caseNumber] + [$0.record.partnerCaseNumber].compactMap { $0 } }
        #expect(foreign.count >= 8)
        // What was queued for it: pushed (桐柏, 枣阳's cases) or handed out on its feed (the hub).
        let queued = cases.values.flatMap(\.transfers).filter { $0.destination == partner.rawValue }.map(\.payload)
        #expect(queued.count == (partner == .zaoyang ? 1 : 2), "its case, and the local report on the case it sent unless it polls")
        let answered = try await harness.application().test(.router) { client -> [[UInt8]] in
            var seen: [[UInt8]] = []
            switch partner {
            case .hub:
                let page = try await client.send("/partners/xiangshisuishen/feed?after=0&limit=500", key: GatewayHarness.hubToken)
                #expect(page.body.json["items"]?.arrayValue?.count == 1, "the local report on the hub's case, not yet taken")
                seen.append(page.body)
            case .zaoyang:
                for state in cases.values where state.record.partner == partner.rawValue && state.record.direction == .inbound {
                    let unid = try #require(state.record.partnerCaseNumber)
                    let poll = try await client.send("/partners/hubei-zaoyang/api/v1/apas/\(unid)/status", key: nil,
                                                     headers: APASEndpointTests.signed([], now: harness.clock.millis))
                    #expect(poll.body.json["data"]?["handlestate"]?.stringValue == "1", "the local report on the case Zaoyang sent")
                    seen.append(poll.body)
                }
            case .tongbai:
                break
            }
            return seen
        }
        for payload in queued + answered {
            for number in foreign { #expect(!payload.text.contains(number), "\(partner) is shown \(number)") }
        }
    }

    @Test("the windows' case API and the partners' routes are different principals: a partner's credential reads no case through /v1, a window's key calls no partner route")
    func windowsAndPartnersAreDistinct() async throws {
        let harness = try await Self.world()
        let cases = try await Self.state(harness)
        try await harness.application().test(.router) { client in
            for state in cases.values {
                harness.advance(.seconds(1))
                let path = "/v1/cases/\(state.record.id)"
                #expect(try await client.send(path).status == .ok)
                #expect(try await client.send(path, key: GatewayHarness.hubToken).status == .unauthorized)
                #expect(try await client.send(path, key: nil, headers: APASEndpointTests.signed([], now: harness.clock.millis)).status == .unauthorized)
                #expect(try await client.send(path, key: OpenAPIDocumentTests.operatorToken).status == .unauthorized)
                if let number = state.record.partnerCaseNumber {
                    let poll = try await client.send("/partners/hubei-zaoyang/api/v1/apas/\(number)/status")
                    #expect(poll.status == .unauthorized && poll.body.json["code"]?.integerValue == 4011)
                }
            }
            for path in ["/partners/xiangshisuishen/feed"] {
                #expect(try await client.send(path).status == .unauthorized)
                #expect(try await client.send(path, key: nil, headers: APASEndpointTests.signed([], now: harness.clock.millis)).status == .unauthorized)
            }
            let ack = JSONValue.object(JSONObject([("msg_ids", .array(cases.values.flatMap(\.transfers).map { .string($0.messageID) }))])).bytes
            #expect(try await client.send("/partners/xiangshisuishen/ack", .post, body: ack).status == .unauthorized)
        }
        #expect(try await Self.state(harness) == cases)
    }
}
