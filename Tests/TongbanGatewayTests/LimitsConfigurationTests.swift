import Foundation
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanTesting

/// `rateLimit` (per API key or for every key, per partner, per operator) and
/// `listen.readTimeout`/`idleTimeout`: decoded strictly, with the defaults the runbook gives.
@Suite("Configuration: rate limits and listener timeouts")
struct LimitsConfigurationTests {
    static func sample(_ edits: [(String, String)] = []) throws -> String {
        var text = try ConfigurationTests.sampleText()
        for (old, new) in edits {
            #expect(text.contains(old), "the sample has no \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text
    }

    static let key = "      sha256: 1c930a63ab7785eabbb462006726831f383c2dfab5ad6ef82b0a508f9a963171   # DEMO key \"demo-window-key-suixian\"\n"

    @Test("absent, each principal gets the documented default: windows 100/s burst 200, operators 10/30, 枣阳 10/10 (its document), 桐柏 and the hub 20/40; timeouts 30 s and 60 s")
    func defaults() throws {
        let configuration = try GatewayConfiguration.parse(try Self.sample(), file: "tongban.yaml", environment: [:])
        #expect(configuration.local.apiKeys.map(\.rateLimit) == [.init(requestsPerSecond: 100, burst: 200)])
        #expect(configuration.operators.map(\.rateLimit) == [.init(requestsPerSecond: 10, burst: 30), .init(requestsPerSecond: 10, burst: 30)])
        #expect(configuration.partners.map(\.rateLimit) == [
            .init(requestsPerSecond: 20, burst: 40), .init(requestsPerSecond: 10, burst: 10), .init(requestsPerSecond: 20, burst: 40),
        ])
        #expect(configuration.readTimeout == .seconds(30) && configuration.idleTimeout == .seconds(60))
    }

    @Test("set for every key, for one key, for a partner and an operator; burst defaults to a second's worth; 0 is no limit")
    func settings() throws {
        let text = try Self.sample([
            (Self.key, Self.key + "      rateLimit: {requestsPerSecond: 0}\n    - name: second-system\n      sha256: \(String(repeating: "a", count: 64))\n"),
            ("  apiKeys:\n", "  rateLimit: {requestsPerSecond: 5, burst: 9}\n  apiKeys:\n"),
            ("    protocol: kstb\n", "    protocol: kstb\n    rateLimit: {requestsPerSecond: 3}\n"),
            ("    role: viewer\n", "    role: viewer\n    rateLimit: {requestsPerSecond: 2, burst: 4}\n"),
            ("port: 8080\n", "port: 8080\n  readTimeout: 5s\n  idleTimeout: 2m\n"),
        ])
        let configuration = try GatewayConfiguration.parse(text, file: "tongban.yaml", environment: [:])
        #expect(configuration.local.apiKeys.map(\.rateLimit) == [.unlimited, .init(requestsPerSecond: 5, burst: 9)])
        #expect(configuration.partners[0].rateLimit == .init(requestsPerSecond: 3, burst: 3))
        #expect(configuration.operators.map(\.rateLimit) == [.init(requestsPerSecond: 10, burst: 30), .init(requestsPerSecond: 2, burst: 4)])
        #expect(configuration.readTimeout == .seconds(5) && configuration.idleTimeout == .seconds(120))
    }

    @Test("mistakes stop the gateway naming the key and the reason", arguments: [
        ("    protocol: hub\n", "    protocol: hub\n    rateLimit: {requestPerSecond: 5}\n", "requestPerSecond"),
        ("    protocol: hub\n", "    protocol: hub\n    rateLimit: {requestsPerSecond: -1}\n", "partners.xiangshisuishen.rateLimit.requestsPerSecond"),
        ("    protocol: hub\n", "    protocol: hub\n    rateLimit: {requestsPerSecond: 2.5}\n", "whole number"),
        ("    protocol: hub\n", "    protocol: hub\n    rateLimit: {requestsPerSecond: 5, burst: 0}\n", "partners.xiangshisuishen.rateLimit.burst"),
        ("    protocol: hub\n", "    protocol: hub\n    rateLimit: {requestsPerSecond: 0, burst: 5}\n", "burst means nothing"),
        ("    protocol: hub\n", "    protocol: hub\n    rateLimit: {burst: 5}\n", "requestsPerSecond"),
        ("    role: viewer\n", "    role: viewer\n    rateLimit: {requestsPerSecond: many}\n", "operators.watcher.rateLimit.requestsPerSecond"),
        ("  apiKeys:\n", "  rateLimit: {requestsPerSecond: 1, burst: 2, window: 1s}\n  apiKeys:\n", "window"),
        (Self.key, Self.key + "      rateLimit: {requestsPerSecond: 100001}\n", "local.apiKeys[suixian-windows].rateLimit.requestsPerSecond"),
        ("port: 8080\n", "port: 8080\n  readTimeout: 0s\n", "listen.readTimeout must be from 1s to 1h"),
        ("port: 8080\n", "port: 8080\n  idleTimeout: 2h\n", "listen.idleTimeout must be from 1s to 1h"),
        ("port: 8080\n", "port: 8080\n  readTimeout: soon\n", "not a duration"),
        ("port: 8080\n", "port: 8080\n  writeTimeout: 5s\n", "writeTimeout"),
    ])
    func mistakes(old: String, new: String, expected: String) throws {
        let error = try #require(ConfigurationTests.error(try Self.sample([(old, new)])))
        #expect(error.message.contains(expected), "\(error.message)")
        #expect(error.file == "tongban.yaml" && error.line != nil)
    }
}
