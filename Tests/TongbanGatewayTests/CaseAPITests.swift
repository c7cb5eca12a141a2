import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TongbanCore
import TongbanGateway
import TongbanStorage
import TongbanTesting

@Suite("Local windows' case API")
struct CaseAPITests {
    static let sample = CaseFixtures.sample

    @Test("a valid case is answered 202 after it and its transfer are stored")
    func acceptsValidCase() async throws {
        let harness = try await GatewayHarness()
        try await harness.application().test(.router) { client in
            let answer = try await client.send("/v1/cases", .post, body: Self.sample.bytes)
            #expect(answer.status == .accepted)
            let id = try #require(answer.body.json["id"]?.stringValue)
            #expect(answer.body.json["partner"]?.stringValue == "henan-tongbai")
            #expect(answer.body.json["status"]?.stringValue == "queued")
            #expect(answer.headers[.location] == "/v1/cases/\(id)")
            let transfers = try await harness.transfers(of: id)
            #expect(transfers.count == 1)
            #expect(transfers.first?.destination == "henan-tongbai")
            #expect(transfers.first?.state == .pending)
            // The stored payload is the partner's message, in GB18030, with the transfer's message number.
            let payload = try #require(transfers.first?.payload)
            #expect(payload.starts(with: Array(#"<?xml version="1.0" encoding="GB18030"?>"#.utf8)))
            #expect(payload.text.contains("<BWBH>\(transfers[0].messageID)</BWBH>"))

            let view = try await client.send("/v1/cases/\(id)")
            #expect(view.status == .ok)
            #expect(view.body.json["caseNumber"]?.stringValue == "SX2026112000001")
            #expect(view.body.json["case"]?["applicant"]?["name"]?.stringValue == "王建国")
            #expect(view.body.json["transfers"]?.arrayValue?.count == 1)
        }
    }

    @Test("resubmitting the same body answers the same case; a different body under the same number and version is 409")
    func idempotentOnCaseNumberAndVersion() async throws {
        let harness = try await GatewayHarness()
        try await harness.application().test(.router) { client in
            let first = try await client.send("/v1/cases", .post, body: Self.sample.bytes)
            let again = try await client.send("/v1/cases", .post, body: Self.sample.bytes)
            #expect(again.status == .accepted)
            #expect(again.body.json["id"]?.stringValue == first.body.json["id"]?.stringValue)
            let changed = try await client.send("/v1/cases", .post, body: Self.sample.setting("remarks", "不加急").bytes)
            #expect(changed.status == .conflict)
            #expect(changed.headers[.contentType] == "application/problem+json")
            let id = try #require(first.body.json["id"]?.stringValue)
            #expect(try await harness.transfers(of: id).count == 1)
            #expect(try await harness.caseCount() == 1)
        }
    }

    @Test("the next version is a supplement with its own transfer; a skipped version is 409")
    func supplements() async throws {
        let harness = try await GatewayHarness()
        try await harness.application().test(.router) { client in
            let first = try await client.send("/v1/cases", .post, body: Self.sample.bytes)
            let id = try #require(first.body.json["id"]?.stringValue)
            let second = Self.sample.setting("version", 2)
            let supplement = try await client.send("/v1/cases/\(id)/supplements", .post, body: second.bytes)
            #expect(supplement.status == .accepted)
            #expect(supplement.body.json["version"]?.integerValue == 2)
            let transfers = try await harness.transfers(of: id)
            #expect(transfers.map(\.kind) == [.case, .supplement])
            #expect(transfers[1].payload.text.contains("<YWLX>BZ</YWLX>"))
            let skipped = try await client.send("/v1/cases", .post, body: Self.sample.setting("version", 4).bytes)
            #expect(skipped.status == .conflict)
            let unknown = try await client.send("/v1/cases/no-such-case/supplements", .post, body: second.bytes)
            #expect(unknown.status == .notFound)
        }
    }

    @Test("an invalid case gets 422 problem+json listing every field error, and nothing is stored")
    func refusesInvalidCase() async throws {
        let harness = try await GatewayHarness()
        let broken = Self.sample
            .setting("applicant.idNumber", "429001198503120021")
            .setting("timeLimit.unit", nil)
        try await harness.application().test(.router) { client in
            let answer = try await client.send("/v1/cases", .post, body: broken.bytes)
            #expect(answer.status == .unprocessableContent)
            #expect(answer.headers[.contentType] == "application/problem+json")
            let paths = answer.body.json["issues"]?.arrayValue?.compactMap { $0["path"]?.stringValue } ?? []
            #expect(paths.contains("$.applicant.idNumber"))
            #expect(paths.contains("$.timeLimit.unit"))
            #expect(answer.body.json["status"]?.integerValue == 422)
        }
        #expect(try await harness.caseCount() == 0)
    }

    @Test("a case for a region no agreement covers is refused naming handlingRegion and the matter")
    func refusesUncoveredRegion() async throws {
        let harness = try await GatewayHarness()
        try await harness.application().test(.router) { client in
            let answer = try await client.send("/v1/cases", .post, body: Self.sample.setting("handlingRegion", "110101").bytes)
            #expect(answer.status == .unprocessableContent)
            let issue = answer.body.json["issues"]?.arrayValue?.first { $0["path"]?.stringValue == "$.handlingRegion" }
            #expect(issue?["reason"]?.stringValue?.contains("110101") == true)
            #expect(issue?["reason"]?.stringValue?.contains("421321GA0130001") == true)
            let matter = try await client.send("/v1/cases", .post, body: Self.sample.setting("matter.code", "421321XX9990001").bytes)
            #expect(matter.status == .unprocessableContent)
            #expect(matter.body.json["issues"]?.arrayValue?.contains { $0["path"]?.stringValue == "$.matter.code" } == true)
        }
        #expect(try await harness.caseCount() == 0)
    }

    @Test("without a valid API key every /v1 call is 401 and changes nothing", arguments: [nil, "wrong-key"])
    func unauthenticated(key: String?) async throws {
        let harness = try await GatewayHarness()
        try await harness.application().test(.router) { client in
            let post = try await client.send("/v1/cases", .post, body: Self.sample.bytes, key: key)
            #expect(post.status == .unauthorized)
            #expect(post.headers[.wwwAuthenticate] == "Bearer")
            #expect(try await client.send("/v1/cases", key: key).status == .unauthorized)
            #expect(try await client.send("/v1/cases/x/status", .post, body: CaseFixtures.status.bytes, key: key).status == .unauthorized)
        }
        #expect(try await harness.caseCount() == 0)
    }

    @Test("listing filters by partner and case number and pages with a cursor, newest first")
    func listsWithCursor() async throws {
        let harness = try await GatewayHarness()
        try await harness.application().test(.router) { client in
            for n in 1...3 {
                let body = Self.sample.setting("caseNumber", .string("SX202611200000\(n)"))
                #expect(try await client.send("/v1/cases", .post, body: body.bytes).status == .accepted)
                harness.advance(.seconds(1))
            }
            let first = try await client.send("/v1/cases?limit=2&partner=henan-tongbai")
            let numbers = first.body.json["items"]?.arrayValue?.compactMap { $0["caseNumber"]?.stringValue }
            #expect(numbers == ["SX2026112000003", "SX2026112000002"])
            let cursor = try #require(first.body.json["next"]?.stringValue)
            let second = try await client.send("/v1/cases?limit=2&partner=henan-tongbai&cursor=\(cursor)")
            #expect(second.body.json["items"]?.arrayValue?.compactMap { $0["caseNumber"]?.stringValue } == ["SX2026112000001"])
            #expect(second.body.json["next"]?.isNull == true)
            let one = try await client.send("/v1/cases?caseNumber=SX2026112000002")
            #expect(one.body.json["items"]?.arrayValue?.count == 1)
            let none = try await client.send("/v1/cases?partner=hubei-zaoyang")
            #expect(none.body.json["items"]?.arrayValue?.isEmpty == true)
            let injected = try await client.send("/v1/cases?caseNumber=x%27%20OR%201%3D1%20--")
            #expect(injected.body.json["items"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test("malformed query parameters are 400 naming the parameter", arguments: ["cursor=abc", "cursor=Yzk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ", "limit=0", "limit=abc", "from=yesterday", "direction=sideways"])
    func badQuery(query: String) async throws {
        let harness = try await GatewayHarness()
        try await harness.application().test(.router) { client in
            let answer = try await client.send("/v1/cases?\(query)")
            #expect(answer.status == .badRequest)
            let name = String(query.prefix { $0 != "=" })
            #expect(answer.body.json["issues"]?.arrayValue?.first?["path"]?.stringValue == name)
        }
    }

    @Test("health probes answer without a key; readiness checks the store")
    func health() async throws {
        let harness = try await GatewayHarness()
        try await harness.application().test(.router) { client in
            #expect(try await client.send("/health/live", key: nil).status == .ok)
            let ready = try await client.send("/health/ready", key: nil)
            #expect(ready.status == .ok)
            #expect(ready.body.json["status"]?.stringValue == "ready")
            let document = try await client.send("/openapi.yaml", key: nil)
            #expect(document.status == .ok)
            #expect(document.body.text.hasPrefix("openapi: 3.1"))
        }
    }
}
