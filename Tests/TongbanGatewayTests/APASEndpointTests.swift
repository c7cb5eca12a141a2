import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanPartners
import TongbanTesting

@Suite("枣阳 APAS endpoint")
struct APASEndpointTests {
    static let submit = "/partners/hubei-zaoyang/api/v1/apas/submit"

    static func signed(_ body: [UInt8], now: Int64, nonce: String = APASSignature.randomNonce(), secret: [UInt8] = GatewayHarness.zaoyangSecret) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in PartnerFixtures.apasHeaders(body: body, now: now, nonce: nonce, secret: secret) {
            fields[.init(name)!] = value
        }
        fields[.contentType] = "application/json"
        return fields
    }

    @Test("a signed case is accepted with 随县's unid; the same projid again is 4003 with the same unid")
    func submitAndDuplicate() async throws {
        let harness = try await GatewayHarness()
        let body = try PartnerFixtures.contract("hubei-zaoyang/examples/inbound-case/01-zaoyang-resident-like-sample/input.json")
        try await harness.application().test(.router) { client in
            let first = try await client.send(Self.submit, .post, body: body, key: nil, headers: Self.signed(body, now: harness.clock.millis))
            #expect(first.status == .ok)
            #expect(first.body.json["code"]?.integerValue == 0)
            let unid = try #require(first.body.json["data"]?["unid"]?.stringValue)
            let again = try await client.send(Self.submit, .post, body: body, key: nil, headers: Self.signed(body, now: harness.clock.millis))
            #expect(again.body.json["code"]?.integerValue == 4003)
            #expect(again.body.json["data"]?["unid"]?.stringValue == unid)
        }
        #expect(try await harness.caseCount() == 1)
    }

    enum Tamper: String, CaseIterable { case wrongSecret, staleTimestamp, unknownApp, missingSign }

    @Test("bad signatures, stale timestamps and unknown apps are 401 with code 4011, and nothing is stored", arguments: Tamper.allCases)
    func refusedSignatures(tamper: Tamper) async throws {
        let harness = try await GatewayHarness()
        let body = try PartnerFixtures.contract("hubei-zaoyang/examples/inbound-case/01-zaoyang-resident-like-sample/input.json")
        var headers: HTTPFields
        switch tamper {
        case .wrongSecret: headers = Self.signed(body, now: harness.clock.millis, secret: Array("guess".utf8))
        case .staleTimestamp: headers = Self.signed(body, now: harness.clock.millis - 301_000)
        case .unknownApp:
            headers = Self.signed(body, now: harness.clock.millis)
            headers[.init("X-App-Id")!] = "someone-else"
        case .missingSign:
            headers = Self.signed(body, now: harness.clock.millis)
            headers[.init("X-Sign")!] = nil
        }
        let tampered = headers
        try await harness.application().test(.router) { client in
            let answer = try await client.send(Self.submit, .post, body: body, key: nil, headers: tampered)
            #expect(answer.status == .unauthorized)
            #expect(answer.body.json["code"]?.integerValue == 4011)
        }
        #expect(try await harness.caseCount() == 0)
    }

    @Test("a replayed nonce is refused even with a valid signature")
    func replayedNonce() async throws {
        let harness = try await GatewayHarness()
        let body = try PartnerFixtures.contract("hubei-zaoyang/examples/inbound-case/01-zaoyang-resident-like-sample/input.json")
        let headers = Self.signed(body, now: harness.clock.millis, nonce: "abcdefghij0123456789")
        try await harness.application().test(.router) { client in
            #expect(try await client.send(Self.submit, .post, body: body, key: nil, headers: headers).body.json["code"]?.integerValue == 0)
            let replay = try await client.send(Self.submit, .post, body: body, key: nil, headers: headers)
            #expect(replay.status == .unauthorized)
            #expect(replay.body.json["msg"]?.stringValue?.contains("X-Nonce") == true)
        }
    }

    @Test("Zaoyang polls the status of its case in its own format: waiting, then what the local side reported")
    func statusPoll() async throws {
        let harness = try await GatewayHarness()
        let body = try PartnerFixtures.contract("hubei-zaoyang/examples/inbound-case/01-zaoyang-resident-like-sample/input.json")
        try await harness.application().test(.router) { client in
            let unid = try #require(try await client.send(Self.submit, .post, body: body, key: nil, headers: Self.signed(body, now: harness.clock.millis))
                .body.json["data"]?["unid"]?.stringValue)
            let path = "/partners/hubei-zaoyang/api/v1/apas/\(unid)/status"
            let waiting = try await client.send(path, key: nil, headers: Self.signed([], now: harness.clock.millis))
            #expect(waiting.status == .ok)
            #expect(waiting.body.json["data"]?["handlestate"]?.stringValue == "0")
            #expect(waiting.body.json["data"]?["unid"]?.stringValue == unid)

            let id = try #require(try await client.send("/v1/cases?direction=inbound").body.json["items"]?.arrayValue?.first?["id"]?.stringValue)
            let status: JSONValue = ["status": "accepted", "at": "2026-11-22T10:05:00+08:00"]
            #expect(try await client.send("/v1/cases/\(id)/status", .post, body: status.bytes).status == .accepted)
            let accepted = try await client.send(path, key: nil, headers: Self.signed([], now: harness.clock.millis))
            #expect(accepted.body.json["data"]?["handlestate"]?.stringValue == "1")
            #expect(accepted.body.json["data"]?["statetime"]?.stringValue == "20261122100500")
            // Polled, not pushed: nothing is queued for Zaoyang.
            #expect(try await harness.transfers(of: id).allSatisfy { $0.destination == Gateway.localDestination })

            let unknown = try await client.send("/partners/hubei-zaoyang/api/v1/apas/NOPE/status", key: nil, headers: Self.signed([], now: harness.clock.millis))
            #expect(unknown.status == .notFound)
        }
    }
}
