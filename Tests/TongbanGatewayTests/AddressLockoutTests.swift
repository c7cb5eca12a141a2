import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanPartners
import TongbanStorage
import TongbanTesting

/// An address that keeps failing authentication (wrong API keys, operator tokens, hub tokens,
/// 枣阳's signatures) is answered 429 with `Retry-After` in the caller's format for a while,
/// while valid credentials from that very address still work and no principal's rate limit is
/// spent. Router-level, with each request's peer address set by the test (`PeerAddressing`);
/// the harness's clock stands still unless a test moves it.
@Suite("Failed authentication locks the source address")
struct AddressLockoutTests {
    static let failures = AddressLockout.defaultPolicy.failures
    static let lockSeconds = Int(AddressLockout.defaultPolicy.lockFor / 1000)

    static func failures(_ harness: GatewayHarness, _ surface: String, _ outcome: String) -> Double? {
        MetricsExposition(harness.gateway.metrics.render().text)
            .value("tongban_authentication_failures_total", ["surface": surface, "outcome": outcome])
    }

    @Test("listen.failedAuthentication: its own numbers lock sooner and for less; failures 0 never locks (a test bench whose one address fails on purpose); bad values name the key")
    func configured() async throws {
        let stricter = try await GatewayHarness(edit: RateLimitTests.replacing("listen: {host: 127.0.0.1, port: 0}",
            with: "listen: {host: 127.0.0.1, port: 0, failedAuthentication: {failures: 3, lockFor: 10s}}"))
        try await stricter.addressedApplication().test(.router) { client in
            let guesser = client.from("203.0.113.7")
            for _ in 1..<3 { #expect(try await guesser.send("/v1/cases", key: "guess").status == .unauthorized) }
            let locked = try await guesser.send("/v1/cases", key: "guess")
            #expect(locked.status == .tooManyRequests)
            #expect(locked.headers[.retryAfter] == "10")
        }
        let attempts = AddressLockout.defaultPolicy.failures * 2
        let off = try await GatewayHarness(edit: RateLimitTests.replacing("listen: {host: 127.0.0.1, port: 0}",
            with: "listen: {host: 127.0.0.1, port: 0, failedAuthentication: {failures: 0}}"))
        try await off.addressedApplication().test(.router) { client in
            let guesser = client.from("203.0.113.7")
            for _ in 1...attempts {
                let answer = try await guesser.send("/v1/cases", key: "guess")
                #expect(answer.status == .unauthorized)
            }
        }
        #expect(Self.failures(off, "v1", "refused") == Double(attempts))
        for (bad, says) in [("{failures: -1}", "failures must be a whole number"), ("{failures: 0, lockFor: 1m}", "mean nothing with failures 0"),
                            ("{window: 0s}", "window must be from 1s to 24h"), ("{lockout: 1m}", "lockout")] {
            do {
                _ = try await GatewayHarness(edit: RateLimitTests.replacing("listen: {host: 127.0.0.1, port: 0}",
                                                                            with: "listen: {host: 127.0.0.1, port: 0, failedAuthentication: \(bad)}"))
                Issue.record("\(bad) was accepted")
            } catch {
                #expect("\(error)".contains(says), "\(error)")
            }
        }
    }

    @Test("wrong API keys from one address: the 30th and later are 429 problems with Retry-After; the valid key from that address still works, within its own budget; another address still gets 401; the lock ends by itself")
    func windows() async throws {
        let capture = CapturedLog()
        let harness = try await GatewayHarness(edit: RateLimitTests.replacing("  apiKeys:\n", with: "  rateLimit: {requestsPerSecond: 1, burst: 3}\n  apiKeys:\n"),
                                               logger: capture.logger)
        try await harness.addressedApplication().test(.router) { client in
            let guesser = client.from("203.0.113.7")
            for _ in 1..<Self.failures {
                #expect(try await guesser.send("/v1/cases", key: "guessed-\(UUID())").status == .unauthorized)
            }
            let locked = try await guesser.send("/v1/cases", .post, body: CaseFixtures.sample.bytes, key: "guessed-again")
            #expect(locked.status == .tooManyRequests)
            #expect(locked.headers[.retryAfter] == "\(Self.lockSeconds)")
            #expect(locked.headers[.contentType] == "application/problem+json")
            #expect(locked.body.json["detail"]?.stringValue?.contains("failed authentication") == true, "\(locked.body.text)")
            #expect(try await guesser.send("/v1/cases", key: nil).status == .tooManyRequests, "no key at all is a failure too")

            // The real window system behind the same address: served, and its budget (3) is whole.
            for _ in 1...3 { #expect(try await guesser.send("/v1/cases").status == .ok) }
            #expect(try await guesser.send("/v1/cases").body.json["detail"]?.stringValue?.contains("rate limit") == true,
                    "the fourth valid call meets the key's own rate limit, not the address's lock")

            #expect(try await client.from("198.51.100.20").send("/v1/cases", key: "typo").status == .unauthorized, "another address is not locked")
            harness.advance(.seconds(Self.lockSeconds - 1))
            #expect(try await guesser.send("/v1/cases", key: "guess").headers[.retryAfter] == "1")
            harness.advance(.seconds(1))
            #expect(try await guesser.send("/v1/cases", key: "guess").status == .unauthorized, "the lock has ended")
        }
        #expect(try await harness.caseCount() == 0)
        #expect(try await harness.store.read { try $0.messageLog(after: 0, limit: 100) }.isEmpty, "calls without a valid key are not logged")
        #expect(Self.failures(harness, "v1", "refused") == Double(Self.failures - 1 + 2))
        #expect(Self.failures(harness, "v1", "locked") == 3)
        #expect(Self.failures(harness, "ops", "refused") == 0, "every surface's series exists from the start")
        let warnings = capture.all.filter { $0.text.contains("address locked after repeated failed authentication") }
        #expect(warnings.count == 1, "the lock is logged once, not per refusal")
        #expect(warnings.first?.text.contains("address=203.0.113.7") == true && warnings.first?.text.contains("surface=v1") == true)
        #expect(!capture.all.contains { $0.text.contains("guessed") }, "what was sent as a key is never logged")
    }

    @Test("the lock is the address's on every surface: failed operator tokens lock /v1 failures too, and the operator's own token still works")
    func acrossSurfaces() async throws {
        let harness = try await GatewayHarness(extraYAML: ConsoleTests.operators)
        try await harness.addressedApplication().test(.router) { client in
            let guesser = client.from("192.0.2.44")
            for _ in 1..<Self.failures { #expect(try await guesser.send("/ops/v1/destinations", key: "token-guess").status == .unauthorized) }
            let locked = try await guesser.send("/ops/v1/destinations", key: "token-guess")
            #expect(locked.status == .tooManyRequests && locked.headers[.retryAfter] == "\(Self.lockSeconds)")
            #expect(try await guesser.send("/v1/cases", key: "key-guess").status == .tooManyRequests)
            #expect(try await guesser.send("/ops/v1/destinations", key: DeadLetterTests.operatorToken).status == .ok)
            #expect(try await guesser.send("/v1/cases").status == .ok)
        }
        #expect(Self.failures(harness, "ops", "locked") == 1)
        #expect(Self.failures(harness, "v1", "locked") == 1)
    }

    @Test("IPv6 callers are counted by their /64: new addresses from one /64 stay locked, the next /64 is not; an IPv4-mapped address is its IPv4 address")
    func ipv6() async throws {
        let harness = try await GatewayHarness()
        try await harness.addressedApplication().test(.router) { client in
            for index in 1...Self.failures {
                _ = try await client.from("2001:db8:1:2::\(String(index, radix: 16))").send("/v1/cases", key: "guess")
            }
            #expect(try await client.from("2001:db8:1:2:ffff:ffff:ffff:ffff").send("/v1/cases", key: "guess").status == .tooManyRequests)
            #expect(try await client.from("2001:db8:1:3::1").send("/v1/cases", key: "guess").status == .unauthorized)
            #expect(try await client.from("2001:db8:1:2::99").send("/v1/cases").status == .ok)

            for _ in 1...Self.failures { _ = try await client.from("198.51.100.77").send("/v1/cases", key: "guess") }
            #expect(try await client.from("::ffff:198.51.100.77").send("/v1/cases", key: "guess").status == .tooManyRequests)
        }
        #expect(IPAddress("::ffff:198.51.100.77") == IPAddress("198.51.100.77"))
        #expect(IPAddress("2001:db8:1:2::7")?.limitKey.description == "2001:db8:1:2::/64")
        #expect(IPAddress("198.51.100.77")?.limitKey.description == "198.51.100.77")
        #expect(IPAddress("localhost") == nil && IPAddress("198.51.100.77:80") == nil)
    }

    @Test("the hub: wrong tokens lock the address, 429 as a problem; its token from there still gets the feed; the 401s are in the message log, the 429s are not")
    func hub() async throws {
        let harness = try await GatewayHarness()
        try await harness.addressedApplication().test(.router) { client in
            let caller = client.from("203.0.113.50")
            for _ in 1..<Self.failures {
                #expect(try await caller.send("/partners/xiangshisuishen/feed", key: "not-the-hub").status == .unauthorized)
            }
            for _ in 1...5 {
                let locked = try await caller.send("/partners/xiangshisuishen/feed", key: "not-the-hub")
                #expect(locked.status == .tooManyRequests && locked.headers[.retryAfter] == "\(Self.lockSeconds)")
                #expect(locked.headers[.contentType] == "application/problem+json")
            }
            #expect(try await caller.send("/partners/xiangshisuishen/feed", key: GatewayHarness.hubToken).status == .ok)
        }
        let log = try await harness.store.read { try $0.messageLog(after: 0, limit: 200) }.filter { $0.party == "xiangshisuishen" }
        #expect(log.map(\.httpStatus) == Array(repeating: 401, count: Self.failures - 1) + [200])
        #expect(Self.failures(harness, "xiangshisuishen", "locked") == 5)
    }

    @Test("枣阳: bad signatures lock the address: HTTP 429, code 4011, Retry-After; its signed calls from that address still pass, and its rate limit is whole")
    func zaoyang() async throws {
        let harness = try await GatewayHarness()
        let poll = "/partners/hubei-zaoyang/api/v1/apas/no-such-unid/status"
        try await harness.addressedApplication().test(.router) { client in
            let caller = client.from("198.51.100.3")
            for _ in 1..<Self.failures {
                let forged = APASEndpointTests.signed([], now: harness.clock.millis, secret: Array("guess".utf8))
                #expect(try await caller.send(poll, key: nil, headers: forged).status == .unauthorized)
            }
            let stale = APASEndpointTests.signed([], now: harness.clock.millis - 301_000)
            let locked = try await caller.send(poll, key: nil, headers: stale)
            #expect(locked.status == .tooManyRequests)
            #expect(locked.headers[.retryAfter] == "\(Self.lockSeconds)")
            #expect(locked.body.json["code"]?.integerValue == 4011, "still a signature refusal: resending unchanged fails again")
            // 10 a second is 枣阳's budget: all of it is still there.
            for _ in 1...10 {
                #expect(try await caller.send(poll, key: nil, headers: APASEndpointTests.signed([], now: harness.clock.millis)).status == .notFound)
            }
        }
        #expect(RateLimitTests.refusalCount(harness, "partner", "hubei-zaoyang") == 0)
        let log = try await harness.store.read { try $0.messageLog(after: 0, limit: 200) }.filter { $0.party == "hubei-zaoyang" }
        #expect(log.filter { $0.httpStatus == 429 }.isEmpty, "the locked refusals are not logged")
    }

    @Test("behind listen.trustedProxies the caller is the X-Forwarded-For address nearest the proxies; anyone else's X-Forwarded-For is ignored")
    func trustedProxies() async throws {
        let harness = try await GatewayHarness(edit: RateLimitTests.replacing("listen: {host: 127.0.0.1, port: 0}",
                                                                              with: "listen: {host: 127.0.0.1, port: 0, trustedProxies: [10.0.0.1, \"fd00:1::/64\"]}"))
        @Sendable func viaProxy(_ client: any TestClientProtocol, _ forwarded: String, key: String = "guess") async throws -> HTTPResponse.Status {
            try await client.from("10.0.0.1").send("/v1/cases", key: key, headers: [PeerAddressingResponder.forwardedFor: forwarded]).status
        }
        try await harness.addressedApplication().test(.router) { client in
            // The first entry was written by the caller: only the ones the proxies added count.
            for index in 1...Self.failures { _ = try await viaProxy(client, "192.0.2.\(index), 203.0.113.9") }
            #expect(try await viaProxy(client, "203.0.113.9") == .tooManyRequests)
            #expect(try await viaProxy(client, "203.0.113.9, fd00:1::5") == .tooManyRequests, "through two trusted proxies")
            #expect(try await viaProxy(client, "203.0.113.10") == .unauthorized, "another caller behind the same proxy")
            #expect(try await viaProxy(client, "203.0.113.9", key: GatewayHarness.apiKey) == .ok)
            #expect(try await viaProxy(client, "10.0.0.1") == .unauthorized, "only proxies in the chain: the nearest is the caller")
            // Not a trusted proxy: its header proves nothing, it is the caller.
            let direct = try await client.from("198.51.100.8").send("/v1/cases", key: "guess", headers: [PeerAddressingResponder.forwardedFor: "203.0.113.9"])
            #expect(direct.status == .unauthorized)
        }
    }

    @Test("listen.trustedProxies: a host name or a bad prefix length is an error naming the key and the line; a change needs a restart")
    func trustedProxiesConfiguration() async throws {
        let harness = try await GatewayHarness()
        func parse(_ proxies: String) throws -> GatewayConfiguration {
            try GatewayConfiguration.parse(harness.yaml.replacingOccurrences(of: "listen: {host: 127.0.0.1, port: 0}",
                                                                             with: "listen: {host: 127.0.0.1, port: 0, trustedProxies: \(proxies)}"),
                                           file: "proxies.yaml", environment: [:])
        }
        for bad in ["[proxy.example]", "[10.0.0.0/33]", "[\"fd00::/129\"]", "[10.0.0.1:8080]"] {
            do {
                _ = try parse(bad)
                Issue.record("\(bad) was accepted")
            } catch let error as MappingError {
                #expect(error.message.contains("listen.trustedProxies") && error.line == 1, "\(bad): \(error)")
            }
        }
        let proxies = try parse("[10.0.0.0/8, \"::1\"]")
        #expect(proxies.trustedProxies.map(\.description) == ["10.0.0.0/8", "::1"])
        #expect(Gateway.restartOnly(harness.gateway.configuration, proxies) == ["listen"])
    }
}

extension PeerAddressingResponder {
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
}

@Suite("FailureWindow: bounded memory")
struct FailureWindowTests {
    @Test("failures within the window lock a key; older ones do not count; a full table drops the oldest unlocked keys, never a lock, and counts nothing new while every key is locked")
    func bounded() {
        let window = FailureWindow<Int>(FailurePolicy(failures: 3, window: 1000, lockFor: 5000), capacity: 20)
        #expect(window.failed(1, now: 0) == nil)
        #expect(window.failed(1, now: 900) == nil)
        #expect(window.failed(1, now: 1000) == nil, "the first is out of the window")
        #expect(window.failed(1, now: 1100) == FailureLock(remaining: 5000, started: true))
        #expect(window.failed(1, now: 2100) == FailureLock(remaining: 4000, started: false), "a locked key is not counted again")
        #expect(window.lock(1, now: 6099) != nil)
        #expect(window.lock(1, now: 6100) == nil, "the lock ends by itself")

        for key in 100..<110 {  // ten locks
            for _ in 1...3 { window.failed(key, now: 10_000) }
        }
        for key in 200..<300 { window.failed(key, now: 10_000 + Int64(key)) }  // a flood of new keys, one failure each
        for key in 100..<110 { #expect(window.lock(key, now: 10_500) != nil, "lock \(key) stayed") }
        #expect(window.failed(299, now: 10_500) == nil)
        #expect(window.failed(299, now: 10_500) != nil, "the newest key kept its count: its third failure locks it")

        let full = FailureWindow<Int>(FailurePolicy(failures: 1, window: 1000, lockFor: 5000), capacity: 4)
        for key in 1...4 { #expect(full.failed(key, now: 0)?.started == true) }
        #expect(full.failed(5, now: 1) == nil, "every key held is locked: the newcomer is not counted")
        #expect(full.lock(5, now: 1) == nil)
        #expect(full.failed(5, now: 5000)?.started == true, "once the locks end there is room again")
    }
}
