import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TongbanCore
import TongbanPartners
@testable import TongbanSimulator

/// 枣阳's side of APAS v1: signature checks, duplicate `projid`, and the status poll.
@Suite struct ZaoyangTests {
    static let submit = "/hubei-zaoyang/api/v1/apas/submit"

    static func submission() throws -> [UInt8] {
        try Fixture.contract("hubei-zaoyang", "examples/outbound-case/01-interface-sample/expected.json")
    }

    @Test func acceptsASignedSubmissionWithANewUnid() async throws {
        let clock = ManualClock()
        let simulator = try Fixture.simulator(clock: clock)
        let body = try Self.submission()
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            let response = try await client.post(Self.submit, body, headers: signedHeaders(body: body, now: clock.now))
            #expect(response.status == .ok)
            let answer = try #require(APASAnswer.parse(response.bytes))
            #expect(answer.code == 0)
            #expect(answer.unid?.wholeMatch(of: /ZY20261120\d{6}/) != nil)
        }
    }

    @Test func refusesABadSignatureAStaleTimestampAndAReplayedNonceWith4011() async throws {
        let clock = ManualClock()
        let simulator = try Fixture.simulator(clock: clock)
        let body = try Self.submission()
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            let wrongSecret = try await client.post(Self.submit, body, headers: signedHeaders(body: body, now: clock.now, secret: "not-the-secret"))
            #expect(wrongSecret.status == .unauthorized)
            #expect(APASAnswer.parse(wrongSecret.bytes)?.code == 4011)

            var tampered = body
            tampered[tampered.count - 2] = UInt8(ascii: " ")
            let changedBody = try await client.post(Self.submit, tampered, headers: signedHeaders(body: body, now: clock.now))
            #expect(changedBody.status == .unauthorized)

            let stale = try await client.post(Self.submit, body, headers: signedHeaders(body: body, now: clock.now - 301_000))
            #expect(stale.status == .unauthorized)
            #expect(APASAnswer.parse(stale.bytes)?.code == 4011)
            #expect(APASAnswer.parse(stale.bytes)?.message.contains("300 s") == true)

            let nonce = "replayedNonce0123456789"
            let first = try await client.post(Self.submit, body, headers: signedHeaders(body: body, now: clock.now, nonce: nonce))
            #expect(APASAnswer.parse(first.bytes)?.code == 0)
            clock.advance(milliseconds: 599_000)
            let replay = try await client.post(Self.submit, body, headers: signedHeaders(body: body, now: clock.now, nonce: nonce))
            #expect(replay.status == .unauthorized)
            #expect(APASAnswer.parse(replay.bytes)?.code == 4011)

            let stats = try await client.json("/_sim/stats")["hubei-zaoyang"]
            #expect(stats?["signatureRefusals"] == 4)
            #expect(stats?["casesProcessed"] == 1)
        }
    }

    @Test func answersADuplicateProjidWith4003AndTheOriginalUnid() async throws {
        let clock = ManualClock()
        let simulator = try Fixture.simulator(clock: clock)
        let body = try Self.submission()
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            let first = try #require(APASAnswer.parse(try await client.post(Self.submit, body, headers: signedHeaders(body: body, now: clock.now)).bytes))
            let second = try #require(APASAnswer.parse(try await client.post(Self.submit, body, headers: signedHeaders(body: body, now: clock.now)).bytes))
            #expect(first.code == 0)
            #expect(second.code == 4003)
            #expect(second.unid == first.unid)
            let held = try await client.json("/_sim/cases?partner=hubei-zaoyang")["cases"]?.arrayValue?.first
            #expect(held?["received"] == 2)
            #expect(held?["processed"] == 1)
        }
    }

    @Test func refusesInvalidFieldsWith4001AndUnknownMattersWith4002() async throws {
        let clock = ManualClock()
        let simulator = try Fixture.simulator(clock: clock)
        let text = String(decoding: try Self.submission(), as: UTF8.self)
        let badCard = Array(text.replacingOccurrences(of: "\"429001196609301218\"", with: "\"4290-0119\"").utf8)
        let unknownMatter = Array(text.replacingOccurrences(of: "420683-RS-0310-0002", with: "420683-RS-0310-9999").utf8)
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            let invalid = try #require(APASAnswer.parse(try await client.post(Self.submit, badCard, headers: signedHeaders(body: badCard, now: clock.now)).bytes))
            #expect(invalid.code == 4001)
            #expect(invalid.message.contains("applyCardnumber"))
            #expect(!invalid.message.contains("4290-0119"))
            let unknown = try #require(APASAnswer.parse(try await client.post(Self.submit, unknownMatter, headers: signedHeaders(body: unknownMatter, now: clock.now)).bytes))
            #expect(unknown.code == 4002)
        }
    }

    @Test func statusPollShowsTheProgressReachedByNow() async throws {
        let clock = ManualClock()
        let simulator = try Fixture.simulator(clock: clock)
        let body = try Self.submission()
        let zaoyang = try Fixture.partner("hubei-zaoyang")
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            let unid = try #require(APASAnswer.parse(try await client.post(Self.submit, body, headers: signedHeaders(body: body, now: clock.now)).bytes)?.unid)
            func poll() async throws -> JSONValue {
                let response = try await client.get("/hubei-zaoyang/api/v1/apas/\(unid)/status", headers: signedHeaders(body: [], now: clock.now))
                #expect(response.status == .ok)
                #expect(zaoyang.partnerSchemaIssues(response.bytes, kind: .status).isEmpty)
                // The gateway's own inbound mapping must read every answer.
                let canonical = try zaoyang.translate(response.bytes, direction: .inbound, kind: .status, context: TranslationContext(now: Timestamp.now())).get()
                #expect(try JSONParser.parse(canonical)["handlerCaseNumber"] == .string(unid))
                return response.json
            }
            var answer = try await poll()
            #expect(answer["data"]?["handlestate"] == "0")
            #expect(answer["data"]?["projid"] == "SX2026112000002")
            #expect(answer["data"]?["result"] == .null)
            clock.advance(milliseconds: Fixture.stepMillis)
            answer = try await poll()
            #expect(answer["data"]?["handlestate"] == "1")
            clock.advance(milliseconds: 2 * Fixture.stepMillis)
            answer = try await poll()
            #expect(answer["data"]?["handlestate"] == "5")
            #expect(answer["data"]?["result"]?["certName"]?.stringValue?.hasSuffix("准予许可决定书") == true)
            clock.advance(milliseconds: 10 * Fixture.stepMillis)
            answer = try await poll()
            #expect(answer["data"]?["handlestate"] == "7")

            let missing = try await client.get("/hubei-zaoyang/api/v1/apas/ZY00000000000000/status", headers: signedHeaders(body: [], now: clock.now))
            #expect(APASAnswer.parse(missing.bytes)?.code == 4001)
        }
    }

    @Test func limitsEachAppIdToTenRequestsASecond() async throws {
        let clock = ManualClock()
        let simulator = try Fixture.simulator(clock: clock)
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<10 {
                statuses.append(try await client.get("/hubei-zaoyang/api/v1/apas/ZY1/status", headers: signedHeaders(body: [], now: clock.now)).status)
            }
            #expect(statuses.allSatisfy { $0 == .ok })
            let limited = try await client.get("/hubei-zaoyang/api/v1/apas/ZY1/status", headers: signedHeaders(body: [], now: clock.now))
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] == "1")
            clock.advance(milliseconds: 1000)
            #expect(try await client.get("/hubei-zaoyang/api/v1/apas/ZY1/status", headers: signedHeaders(body: [], now: clock.now)).status == .ok)
        }
    }
}
