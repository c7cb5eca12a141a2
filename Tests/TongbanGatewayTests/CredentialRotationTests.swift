import Foundation
import HummingbirdTesting
import Logging
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanPartners
import TongbanStorage
import TongbanTesting

/// Rotating every kind of secret without a restart: the new configuration is loaded (as SIGHUP
/// does) while the gateway serves, the old and the new secret work side by side for the overlap,
/// then the old one is refused.
@Suite("Rotating credentials without a restart")
struct CredentialRotationTests {
    static let oldKeyDigest = "1c930a63ab7785eabbb462006726831f383c2dfab5ad6ef82b0a508f9a963171"
    static let newKey = "window-key-2027-rotated"

    static func reloaded(_ harness: GatewayHarness, _ edit: (String) -> String) throws -> CredentialReload {
        let changed = edit(harness.yaml)
        #expect(changed != harness.yaml, "the edit changed nothing")
        return harness.gateway.reloadCredentials(from: try GatewayConfiguration.parse(changed, file: "rotated.yaml", environment: [:]))
    }

    @Test("a window's API key: both keys work during the overlap, then only the new one; the reload names what changed, never a value")
    func apiKeys() async throws {
        let harness = try await GatewayHarness()
        let newDigest = Digests.sha256Hex(Array(Self.newKey.utf8))
        try await harness.application().test(.router) { api in
            #expect(try await api.send("/v1/cases", key: Self.newKey).status == .unauthorized)
            let overlap = try Self.reloaded(harness) {
                $0.replacingOccurrences(of: "- {name: windows, sha256: \(Self.oldKeyDigest)}",
                                        with: "- {name: windows, sha256: \(Self.oldKeyDigest)}\n    - {name: windows-2027, sha256: \(newDigest)}")
            }
            #expect(overlap.changed == ["local.apiKeys (1 → 2)"])
            #expect(overlap.needsRestart.isEmpty)
            #expect(try await api.send("/v1/cases", key: GatewayHarness.apiKey).status == .ok)
            #expect(try await api.send("/v1/cases", key: Self.newKey).status == .ok)
            _ = try Self.reloaded(harness) {
                $0.replacingOccurrences(of: "- {name: windows, sha256: \(Self.oldKeyDigest)}", with: "- {name: windows-2027, sha256: \(newDigest)}")
            }
            let old = try await api.send("/v1/cases", .post, body: CaseFixtures.sample.bytes, key: GatewayHarness.apiKey)
            #expect(old.status == .unauthorized)
            #expect(try await api.send("/v1/cases", .post, body: CaseFixtures.sample.bytes, key: Self.newKey).status == .accepted)
        }
        #expect(try await harness.caseCount() == 1, "the refused call stored nothing")
    }

    @Test("an operator's token and console password: the old token is refused after the reload, and removing the password ends the open console session")
    func operators() async throws {
        let harness = try await GatewayHarness(extraYAML: ConsoleTests.operators)
        let newToken = "duty-token-2027"
        try await harness.application().test(.router) { api in
            let browser = try #require(try await ConsoleTests.login(api, "duty").browser)
            #expect(try await api.send("/ops/v1/destinations", key: DeadLetterTests.operatorToken).status == .ok)
            let reload = try Self.reloaded(harness) {
                $0.replacingOccurrences(of: "duty: {role: operator, tokenSha256: 61112491d046c3f6f8ab801f170d9b2d0c734a17ceff60dee92123fb507cfc3f, passwordHash: \"\(ConsoleTests.hash)\"}",
                                        with: "duty: {role: operator, tokenSha256: \(Digests.sha256Hex(Array(newToken.utf8)))}")
            }
            #expect(reload.changed == ["operators.duty.tokenSha256", "operators.duty.passwordHash"])
            #expect(try await api.send("/ops/v1/destinations", key: DeadLetterTests.operatorToken).status == .unauthorized)
            #expect(try await api.send("/ops/v1/destinations", key: newToken).status == .ok)
            let page = try await ConsoleTests.get(api, "/console", as: browser)
            #expect(page.status == .seeOther, "the session ended: back to the login form")
            #expect(try await ConsoleTests.login(api, "duty").browser == nil, "no password, no console login")
            #expect(try await ConsoleTests.login(api, "watcher").browser != nil)
        }
    }

    @Test("the hub's bearer tokens: a third token replaces the first, which is refused from then on")
    func hubTokens() async throws {
        let harness = try await GatewayHarness()
        let third = "demo-hub-token-3"
        try await harness.application().test(.router) { api in
            #expect(try await api.send("/partners/xiangshisuishen/feed", key: third).status == .unauthorized)
            let reload = try Self.reloaded(harness) {
                $0.replacingOccurrences(of: "d16db8f71e2e69b8b2d99486d6301bae856c52c5128bdb4eb7a6c7e560698f7f", with: Digests.sha256Hex(Array(third.utf8)))
            }
            #expect(reload.changed == ["partners.xiangshisuishen.tokens (2 → 2)"])
            #expect(try await api.send("/partners/xiangshisuishen/feed", key: third).status == .ok)
            #expect(try await api.send("/partners/xiangshisuishen/feed", key: "demo-hub-token-2").status == .ok)
            #expect(try await api.send("/partners/xiangshisuishen/feed", key: GatewayHarness.hubToken).status == .unauthorized)
        }
    }

    @Test("枣阳's secret: its previous one is accepted while previousPartnerSecret lists it, then refused; the gateway signs with its new appSecret at once")
    func zaoyangSecrets() async throws {
        let harness = try await GatewayHarness()
        let newPartnerSecret = "zaoyang-secret-2027"
        let body = try PartnerFixtures.contract("hubei-zaoyang/examples/inbound-case/01-zaoyang-resident-like-sample/input.json")
        let old = GatewayHarness.zaoyangSecret
        try await harness.application().test(.router) { api in
            let overlap = try Self.reloaded(harness) {
                $0.replacingOccurrences(of: "partnerSecret: {demo: demo-suixian-secret-for-zaoyang}",
                                        with: "partnerSecret: {demo: \(newPartnerSecret)}\n    previousPartnerSecret: {demo: demo-suixian-secret-for-zaoyang}")
                    .replacingOccurrences(of: "appSecret: {demo: demo-zaoyang-secret-for-suixian}", with: "appSecret: {demo: suixian-secret-2027}")
            }
            #expect(overlap.changed == ["partners.hubei-zaoyang.appSecret", "partners.hubei-zaoyang.partnerSecret/previousPartnerSecret"])
            let byOld = try await api.send(APASEndpointTests.submit, .post, body: body, key: nil, headers: APASEndpointTests.signed(body, now: harness.clock.millis, secret: old))
            #expect(byOld.status == .ok && byOld.body.json["code"]?.integerValue == 0, "\(byOld.body.text)")
            let byNew = try await api.send(APASEndpointTests.submit, .post, body: body, key: nil,
                                           headers: APASEndpointTests.signed(body, now: harness.clock.millis, secret: Array(newPartnerSecret.utf8)))
            #expect(byNew.body.json["code"]?.integerValue == 4003, "the same projid again, verified with the new secret")

            _ = try Self.reloaded(harness) { $0.replacingOccurrences(of: "partnerSecret: {demo: demo-suixian-secret-for-zaoyang}",
                                                                     with: "partnerSecret: {demo: \(newPartnerSecret)}")
                .replacingOccurrences(of: "appSecret: {demo: demo-zaoyang-secret-for-suixian}", with: "appSecret: {demo: suixian-secret-2027}") }
            let refused = try await api.send(APASEndpointTests.submit, .post, body: body, key: nil, headers: APASEndpointTests.signed(body, now: harness.clock.millis, secret: old))
            #expect(refused.status == .unauthorized && refused.body.json["code"]?.integerValue == 4011)
        }
        // What the gateway sends is signed with the secret in force, read at every attempt.
        let gateway = harness.gateway
        let channel = APASChannel(baseURL: "http://partner", appID: "suixian-gateway",
                                  secret: { gateway.credentials.partners["hubei-zaoyang"]?.appSecret ?? [] })
        let transfer = TransferRecord(caseID: "c", destination: "hubei-zaoyang", kind: .case, messageID: "m", payload: Array("{}".utf8),
                                      contentType: "application/json", nextAttemptAt: 0, createdAt: 0)
        let request = channel.request(for: transfer, now: harness.clock.millis)
        let signed = try APASSignature.SignedRequest { name in request.headers.first { $0.name.lowercased() == name.lowercased() }?.value }
        #expect((try? signed.verify(secret: Array("suixian-secret-2027".utf8), body: transfer.payload, now: harness.clock.millis)) != nil)
    }

    @Test("settings a reload cannot apply are named; the secrets are applied all the same")
    func restartOnlySettings() async throws {
        let harness = try await GatewayHarness()
        let reload = try Self.reloaded(harness) {
            $0.replacingOccurrences(of: "listen: {host: 127.0.0.1, port: 0}", with: "listen: {host: 127.0.0.1, port: 8443}")
                .replacingOccurrences(of: "henan-tongbai: {protocol: kstb, baseURL: \"http://127.0.0.1:9/henan-tongbai\"}",
                                      with: "henan-tongbai: {protocol: kstb, baseURL: \"https://tongbai.example/kstb\"}")
                .replacingOccurrences(of: "- {sha256: e2c97d2b4008d0069ed26b4305e0511d1ded6757fc78ee7a6d7c56eb3976e054}\n", with: "")
        }
        #expect(reload.needsRestart == ["listen", "partners.henan-tongbai"])
        #expect(reload.changed == ["partners.xiangshisuishen.tokens (2 → 1)"])
    }

    @Test("a configuration file that does not load on SIGHUP changes nothing: the error is logged and the running secrets stay")
    func brokenReload() async throws {
        let harness = try await GatewayHarness()
        let file = harness.directory.appendingPathComponent("tongban.yaml")
        try (harness.yaml + "\nunknownKey: 1\n").write(to: file, atomically: true, encoding: .utf8)
        let reloader = ConfigurationReloader(file: file, gateway: harness.gateway, clients: [], logger: Logger(label: "test"))
        reloader.reload()
        #expect(harness.gateway.credentials.apiKeyDigests == [Self.oldKeyDigest])
        try harness.yaml.replacingOccurrences(of: Self.oldKeyDigest, with: Digests.sha256Hex(Array(Self.newKey.utf8)))
            .write(to: file, atomically: true, encoding: .utf8)
        reloader.reload()
        #expect(harness.gateway.credentials.apiKeyDigests == [Digests.sha256Hex(Array(Self.newKey.utf8))])
    }
}
