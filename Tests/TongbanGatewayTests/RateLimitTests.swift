import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanPartners
import TongbanStorage
import TongbanTesting

/// Each principal's calls beyond its rate limit are answered 429 with `Retry-After`, in the
/// caller's own protocol, and nothing of them is done; the budget is the authenticated caller's
/// own (a stranger's calls spend none of it, another principal keeps its own) and refills with
/// time. The harness's clock stands still unless a test moves it, so the buckets refill exactly
/// when the test says.
@Suite("Rate limits per principal")
struct RateLimitTests {
    static let otherKey = "window-key-second-system"

    /// The harness's configuration with `old` replaced by `new`, failing loudly if `old` is not there.
    static func replacing(_ old: String, with new: String) -> (String) -> String {
        { text in
            precondition(text.contains(old), "the harness configuration has no \(old)")
            return text.replacingOccurrences(of: old, with: new)
        }
    }

    static func caseBody(_ number: Int) -> [UInt8] {
        CaseFixtures.sample.setting("caseNumber", .string("SX20261120000\(50 + number)")).bytes
    }

    static func refusalCount(_ harness: GatewayHarness, _ kind: String, _ name: String) -> Double? {
        MetricsExposition(harness.gateway.metrics.render().text).value("tongban_rate_limited_total", ["kind": kind, "name": name])
    }

    @Test("a window's key: 429 problem with Retry-After past its burst, nothing stored, logged as rate limited; another key and strangers' calls change nothing; the budget refills")
    func windows() async throws {
        let keys = "    - {name: windows, sha256: 1c930a63ab7785eabbb462006726831f383c2dfab5ad6ef82b0a508f9a963171}"
        let harness = try await GatewayHarness(edit: Self.replacing(keys, with: """
            \(keys)
                - {name: second-system, sha256: \(Digests.sha256Hex(Array(Self.otherKey.utf8)))}
              rateLimit: {requestsPerSecond: 1, burst: 2}
            """))
        try await harness.application().test(.router) { client in
            // Strangers first: refused by authentication, they spend nothing of anyone's budget.
            for _ in 0..<5 { #expect(try await client.send("/v1/cases", .post, body: Self.caseBody(9), key: "guessed-key").status == .unauthorized) }

            #expect(try await client.send("/v1/cases", .post, body: Self.caseBody(1)).status == .accepted)
            #expect(try await client.send("/v1/cases", .post, body: Self.caseBody(2)).status == .accepted)
            let refused = try await client.send("/v1/cases", .post, body: Self.caseBody(3))
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "1")
            #expect(refused.headers[.contentType] == "application/problem+json")
            #expect(refused.body.json["status"]?.integerValue == 429)
            let detail = refused.body.json["detail"]?.stringValue ?? ""
            #expect(detail.contains("local:windows") && detail.contains("nothing was done"), "\(detail)")
            #expect(!detail.contains(GatewayHarness.apiKey), "the answer names the key's name, never the key")
            // Reads count too.
            #expect(try await client.send("/v1/cases").status == .tooManyRequests)

            // The other window system has a budget of its own.
            #expect(try await client.send("/v1/cases", .post, body: Self.caseBody(4), key: Self.otherKey).status == .accepted)

            // Half a second gives half a token: still refused, still Retry-After 1.
            harness.advance(.milliseconds(500))
            #expect(try await client.send("/v1/cases", .post, body: Self.caseBody(3)).headers[.retryAfter] == "1")
            harness.advance(.milliseconds(1000))
            #expect(try await client.send("/v1/cases", .post, body: Self.caseBody(3)).status == .accepted)
        }
        let numbers = try await harness.store.read { try $0.cases(matching: CaseFilter(), after: nil, limit: 100) }.map(\.caseNumber).sorted()
        #expect(numbers == ["SX2026112000051", "SX2026112000052", "SX2026112000053", "SX2026112000054"], "no refused call stored anything")
        let log = try await harness.store.read { try $0.messageLog(after: 0, limit: 100) }.filter { $0.direction == .inbound }
        #expect(log.map { $0.httpStatus } == [202, 202, 429, 202, 429, 202], "POSTs are logged whatever the answer; the GET is not")
        #expect(log.filter { $0.httpStatus == 429 }.allSatisfy { $0.result == "rate limited" && $0.caseID == nil })
        #expect(Self.refusalCount(harness, "local", "windows") == 3)
        #expect(Self.refusalCount(harness, "local", "second-system") == 0)
        #expect(Self.refusalCount(harness, "partner", "henan-tongbai") == 0, "every configured principal's series exists from the start")
    }

    @Test("桐柏: HTTP 429 with a KSTBHZ JG=9 receipt and Retry-After; the refused notice is not applied, and is once resent after the wait")
    func tongbai() async throws {
        let harness = try await GatewayHarness(edit: Self.replacing(
            #"henan-tongbai: {protocol: kstb, baseURL: "http://127.0.0.1:9/henan-tongbai"}"#,
            with: #"henan-tongbai: {protocol: kstb, baseURL: "http://127.0.0.1:9/henan-tongbai", rateLimit: {requestsPerSecond: 1}}"#))
        let id = try await KSTBEndpointTests.submitted(harness)
        let accepted = PartnerFixtures.kstbStatus(messageNumber: "411330-ZT-000101", code: "02", at: "2026-11-20 10:00:00")
        let inProgress = PartnerFixtures.kstbStatus(messageNumber: "411330-ZT-000102", code: "05", at: "2026-11-20 11:00:00")
        try await harness.application().test(.router) { client in
            #expect(KSTBReceipt.parse(try await client.send(KSTBEndpointTests.path, .post, body: accepted, key: nil).body)?.result == .accepted)
            let refused = try await client.send(KSTBEndpointTests.path, .post, body: inProgress, key: nil)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "1")
            let receipt = try #require(KSTBReceipt.parse(refused.body), "the body is a KSTBHZ receipt: \(refused.body.text)")
            #expect(receipt.result == .busy)
            #expect(try await client.send("/v1/cases/\(id)").body.json["status"]?.stringValue == "accepted", "the refused notice was not applied")

            harness.advance(.seconds(1))
            let resent = try await client.send(KSTBEndpointTests.path, .post, body: inProgress, key: nil)
            #expect(KSTBReceipt.parse(resent.body)?.result == .accepted, "a resend after the wait is a new message, not a duplicate")
            #expect(try await client.send("/v1/cases/\(id)").body.json["status"]?.stringValue == "inProgress")
        }
        #expect(Self.refusalCount(harness, "partner", "henan-tongbai") == 1)
    }

    @Test("枣阳: 10 signed calls a second by default, as its own document says; the 11th is HTTP 429 with code 5000; badly signed calls spend nothing")
    func zaoyang() async throws {
        let harness = try await GatewayHarness()
        #expect(harness.gateway.credentials.rateLimit(for: .partner("hubei-zaoyang")) == .init(requestsPerSecond: 10, burst: 10))
        let body = try PartnerFixtures.contract("hubei-zaoyang/examples/inbound-case/01-zaoyang-resident-like-sample/input.json")
        let poll = "/partners/hubei-zaoyang/api/v1/apas/no-such-unid/status"
        try await harness.application().test(.router) { client in
            for _ in 0..<20 {
                let forged = APASEndpointTests.signed([], now: harness.clock.millis, secret: Array("guess".utf8))
                #expect(try await client.send(poll, key: nil, headers: forged).status == .unauthorized)
            }
            for _ in 0..<10 {
                let answer = try await client.send(poll, key: nil, headers: APASEndpointTests.signed([], now: harness.clock.millis))
                #expect(answer.status == .notFound, "signed and within the limit: the poll is answered")
            }
            let refused = try await client.send(APASEndpointTests.submit, .post, body: body, key: nil,
                                                headers: APASEndpointTests.signed(body, now: harness.clock.millis))
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "1")
            #expect(refused.body.json["code"]?.integerValue == 5000)
            #expect(refused.body.json["msg"]?.stringValue?.contains("10") == true)
        }
        #expect(try await harness.caseCount() == 0, "the refused case was not stored")
        #expect(Self.refusalCount(harness, "partner", "hubei-zaoyang") == 1)
    }

    @Test("the hub: 429 problem with Retry-After; a refused feed call hands nothing out; a wrong token spends nothing")
    func hub() async throws {
        let harness = try await GatewayHarness(edit: Self.replacing("    protocol: hub\n", with: "    protocol: hub\n    rateLimit: {requestsPerSecond: 1, burst: 1}\n"))
        let id = try await HubEndpointTests.submitted(harness)
        try await harness.application().test(.router) { client in
            #expect(try await client.send("/partners/xiangshisuishen/feed", key: "not-the-hub").status == .unauthorized)
            let ack: JSONValue = ["msg_ids": []]
            #expect(try await client.send("/partners/xiangshisuishen/ack", .post, body: ack.bytes, key: GatewayHarness.hubToken).status == .ok)
            let refused = try await client.send("/partners/xiangshisuishen/feed", key: GatewayHarness.hubToken)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "1")
            #expect(refused.headers[.contentType] == "application/problem+json")
            #expect(refused.body.json["detail"]?.stringValue?.contains("partner:xiangshisuishen") == true)
            #expect(try await harness.transfers(of: id).first?.state == .pending, "nothing was handed out")

            harness.advance(.seconds(1))
            let page = try await client.send("/partners/xiangshisuishen/feed", key: GatewayHarness.hubToken)
            #expect(page.body.json["items"]?.arrayValue?.count == 1)
        }
    }

    @Test("an operator: the operations API and the console share one budget; 429 as a problem and as a page, both with Retry-After")
    func operators() async throws {
        let operators = ConsoleTests.operators.replacingOccurrences(
            of: "duty: {role: operator,", with: "duty: {role: operator, rateLimit: {requestsPerSecond: 1, burst: 2},")
        let harness = try await GatewayHarness(extraYAML: operators)
        try await harness.application().test(.router) { client in
            let browser = try #require(try await ConsoleTests.login(client, "duty").browser)  // the overview page spends one
            #expect(try await client.send("/ops/v1/destinations", key: DeadLetterTests.operatorToken).status == .ok)
            let api = try await client.send("/ops/v1/destinations", key: DeadLetterTests.operatorToken)
            #expect(api.status == .tooManyRequests && api.headers[.retryAfter] == "1")
            #expect(api.body.json["detail"]?.stringValue?.contains("operator:duty") == true)
            let page = try await ConsoleTests.get(client, "/console/dead-letters", as: browser)
            #expect(page.status == .tooManyRequests && page.headers[.retryAfter] == "1")
            #expect(page.headers[.contentType] == "text/html; charset=utf-8" && page.body.text.contains("rate limit"))
            // Another operator is not held back.
            #expect(try await client.send("/ops/v1/destinations", key: DeadLetterTests.viewerToken).status == .ok)
            harness.advance(.seconds(1))
            #expect(try await ConsoleTests.get(client, "/console/dead-letters", as: browser).status == .ok)
        }
        #expect(Self.refusalCount(harness, "operator", "duty") == 2)
        #expect(Self.refusalCount(harness, "operator", "watcher") == 0)
    }

    @Test("a reload changes a limit at once and names it; the saved-up calls are capped at the new burst")
    func reload() async throws {
        let harness = try await GatewayHarness()
        try await harness.application().test(.router) { client in
            #expect(try await client.send("/v1/cases").status == .ok)
            let reload = try CredentialRotationTests.reloaded(harness) {
                $0.replacingOccurrences(of: "  apiKeys:\n", with: "  rateLimit: {requestsPerSecond: 1, burst: 1}\n  apiKeys:\n")
            }
            #expect(reload.changed == ["local.apiKeys[windows].rateLimit (100/s, burst 200 → 1/s, burst 1)"])
            #expect(try await client.send("/v1/cases").status == .ok)
            #expect(try await client.send("/v1/cases").status == .tooManyRequests, "199 saved-up calls were cut to the new burst of 1")
            _ = try CredentialRotationTests.reloaded(harness) {
                $0.replacingOccurrences(of: "  apiKeys:\n", with: "  rateLimit: {requestsPerSecond: 0}\n  apiKeys:\n")
            }
            for _ in 0..<300 { #expect(try await client.send("/v1/cases").status == .ok) }
        }
    }

    @Test("the bucket: a burst, then one call per 1/rate s; Retry-After rounds up to whole seconds, at least 1; a clock stepping back refills nothing")
    func bucket() throws {
        let clock = TestClock()
        let limiter = RateLimiter(clock: GatewayClock { clock.millis }, registry: .init(), principals: [], logger: .init(label: "test"))
        let principal = Principal.local("w")
        let limit = GatewayConfiguration.RateLimit(requestsPerSecond: 4, burst: 3)
        for _ in 0..<3 { #expect(limiter.admit(principal, limit: limit) == nil) }
        #expect(limiter.admit(principal, limit: limit)?.retryAfterSeconds == 1)
        clock.advance(.milliseconds(249))
        #expect(limiter.admit(principal, limit: limit) != nil)
        clock.advance(.milliseconds(1))
        #expect(limiter.admit(principal, limit: limit) == nil)
        #expect(limiter.admit(principal, limit: limit) != nil)
        let slow = GatewayConfiguration.RateLimit(requestsPerSecond: 1, burst: 1)
        #expect(limiter.admit(.operator("o"), limit: slow) == nil)
        #expect(limiter.admit(.operator("o"), limit: slow)?.retryAfterSeconds == 1)
        clock.advance(.seconds(-3600))
        #expect(limiter.admit(.operator("o"), limit: slow) != nil, "time going back gives nothing back")
        clock.advance(.seconds(3600 + 1))
        #expect(limiter.admit(.operator("o"), limit: slow) == nil)
        #expect(limiter.admit(.partner("p"), limit: .unlimited) == nil)
    }
}
