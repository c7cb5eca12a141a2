import Foundation
import Hummingbird
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanHTTPClient
import TongbanPartners
import TongbanStorage
import TongbanTesting

/// The gateway's own listener speaking TLS, live on localhost with certificates made per test:
/// 桐柏's KSTB route admits only 桐柏's client certificate, in 桐柏's format for the refusals;
/// a certificate from a CA the gateway does not trust fails the handshake; a certificate never
/// stands in for an API key, a token or a signature; windows call over TLS without one.
@Suite("Listener TLS and partners' client certificates")
struct ListenerTLSTests {
    static let receive = "/partners/henan-tongbai/kstb/v2/receive"
    static let xml = [HTTPHeader("Content-Type", "application/xml; charset=UTF-8")]

    /// A case sent to 桐柏, so its status notices have something to apply to.
    static func submitted(_ fixture: ListenerTLSFixture) async throws -> String {
        guard case .accepted(let record, _) = try await fixture.gateway.submit(CaseFixtures.sample.bytes) else { throw CancellationError() }
        return record.id
    }

    static func history(_ fixture: ListenerTLSFixture, _ id: String) async throws -> [StatusRecord] {
        try await fixture.store.read { try $0.statuses(caseID: id) }
    }

    /// The refusal 桐柏 gets: 403 with a `JG=1` receipt, and nothing of the message kept.
    static func expectRefusedAndNothingKept(_ answer: Result<HTTPClientResponse, HTTPClientError>, _ fixture: ListenerTLSFixture,
                                            case id: String, messageID: String, saying words: String) async throws {
        let response = try answer.get()
        #expect(response.status == 403)
        let receipt = try #require(KSTBReceipt.parse(response.body))
        #expect(receipt.result == .malformed)
        #expect(receipt.message.contains(words), "the receipt says \(receipt.message)")
        #expect(try await fixture.inboundRecord(messageID) == nil)
        #expect(try await history(fixture, id).isEmpty)
        #expect(try await fixture.logEntries(route: "POST \(receive)").isEmpty, "a refused call is not a message of 桐柏's")
    }

    @Test("桐柏's certificate: its status notice is taken (JG=0), applied and logged as 桐柏's message")
    func tongbaiCertificate() async throws {
        let fixture = try await ListenerTLSFixture()
        let id = try await Self.submitted(fixture)
        let notice = PartnerFixtures.kstbStatus(messageNumber: "411330-ZT-100001", code: "02", at: "2026-11-20 10:00:00")
        let answer = try await fixture.serve { port in
            await fixture.call(port, Self.receive, "POST", as: fixture.certificates.tongbai, body: notice, headers: Self.xml)
        }.get()
        #expect(answer.status == 200)
        #expect(KSTBReceipt.parse(answer.body)?.result == .accepted)
        #expect(try await Self.history(fixture, id).map(\.partnerCode) == ["02"])
        #expect(try await fixture.inboundRecord("411330-ZT-100001") != nil)
        let entries = try await fixture.logEntries(route: "POST \(Self.receive)")
        #expect(entries.map(\.party) == ["henan-tongbai"])
        #expect(entries.map(\.messageID) == ["411330-ZT-100001"])
    }

    @Test("no certificate: 403 with a JG=1 receipt, nothing stored or logged as a message, a warning naming the partner")
    func noCertificate() async throws {
        let fixture = try await ListenerTLSFixture()
        let id = try await Self.submitted(fixture)
        let notice = PartnerFixtures.kstbStatus(messageNumber: "411330-ZT-100002", code: "02", at: "2026-11-20 10:00:00")
        let answer = try await fixture.serve { port in
            await fixture.call(port, Self.receive, "POST", as: nil, body: notice, headers: Self.xml)
        }
        try await Self.expectRefusedAndNothingKept(answer, fixture, case: id, messageID: "411330-ZT-100002", saying: "未出示客户端证书")
        let warning = try #require(fixture.log.lines("client certificate refused").first)
        #expect(warning.level == .warning)
        #expect(warning.metadata["partner"] == "henan-tongbai")
    }

    @Test("a certificate with 桐柏's very subject from a CA the gateway does not trust fails the handshake; nothing stored; the refusal is logged")
    func foreignCA() async throws {
        let fixture = try await ListenerTLSFixture()
        let id = try await Self.submitted(fixture)
        let notice = PartnerFixtures.kstbStatus(messageNumber: "411330-ZT-100003", code: "02", at: "2026-11-20 10:00:00")
        let answer = try await fixture.serve { port in
            await fixture.call(port, Self.receive, "POST", as: fixture.certificates.foreignTongbai, body: notice, headers: Self.xml)
        }
        guard case .failure(let error) = answer else {
            Issue.record("a certificate from an untrusted CA got an HTTP answer: \(answer)")
            return
        }
        // Over TLS 1.3 the server's refusal reaches curl after its own handshake is done.
        switch error {
        case .tls, .transport: break
        default: Issue.record("expected a TLS or transport failure, got \(error)")
        }
        #expect(try await fixture.inboundRecord("411330-ZT-100003") == nil)
        #expect(try await Self.history(fixture, id).isEmpty)
        #expect(try await fixture.logEntries(route: "POST \(Self.receive)").isEmpty)
        let refusal = try #require(fixture.log.lines("TLS handshake refused").first)
        #expect(refusal.metadata["reason"]?.contains("CERTIFICATE_VERIFY_FAILED") == true, "logged \(refusal.metadata)")
    }

    @Test("a certificate with 桐柏's subject from the partners' CA but made for servers (no clientAuth) fails the handshake")
    func serverOnlyCertificate() async throws {
        let fixture = try await ListenerTLSFixture()
        let certificates = fixture.certificates
        let serverUse = try await onOwnThread {
            try certificates.maker.leaf("tongbai-server-use", subject: ListenerCertificates.openSSL(ListenerCertificates.tongbaiSubject),
                                        profile: .server, signedBy: certificates.partnerCA)
        }
        let notice = PartnerFixtures.kstbStatus(messageNumber: "411330-ZT-100005", code: "02", at: "2026-11-20 10:00:00")
        let answer = try await fixture.serve { port in
            await fixture.call(port, Self.receive, "POST", as: serverUse, body: notice, headers: Self.xml)
        }
        #expect((try? answer.get()) == nil, "answered \(answer)")
        #expect(try await fixture.inboundRecord("411330-ZT-100005") == nil)
        #expect(fixture.log.lines("TLS handshake refused").first?.metadata["reason"]?.contains("CERTIFICATE_VERIFY_FAILED") == true)
    }

    @Test("the hub's certificate on 桐柏's route: 403, nothing stored; the log names the partner, the certificate's CN and whose it is, never the key")
    func anotherPartnersCertificate() async throws {
        let fixture = try await ListenerTLSFixture(hubSubjects: true)
        let id = try await Self.submitted(fixture)
        let notice = PartnerFixtures.kstbStatus(messageNumber: "411330-ZT-100004", code: "02", at: "2026-11-20 10:00:00")
        let answer = try await fixture.serve { port in
            await fixture.call(port, Self.receive, "POST", as: fixture.certificates.hub, body: notice, headers: Self.xml)
        }
        try await Self.expectRefusedAndNothingKept(answer, fixture, case: id, messageID: "411330-ZT-100004", saying: "不是本接口约定的证书")
        let warning = try #require(fixture.log.lines("client certificate refused").first)
        #expect(warning.metadata["partner"] == "henan-tongbai")
        #expect(warning.metadata["subjectCN"] == "hub.xiangshisuishen.example")
        #expect(warning.metadata["identifies"] == "xiangshisuishen")
        let key = try String(contentsOfFile: fixture.certificates.hub.key, encoding: .utf8)
        let keyLines = key.split(separator: "\n").filter { !$0.hasPrefix("-----") }
        for line in fixture.log.all {
            let text = "\(line.message) \(line.metadata)"
            #expect(!text.contains("PRIVATE KEY") && !keyLines.contains { text.contains($0) }, "key material in: \(text)")
            #expect(!text.contains("襄十随神政务数据交换平台"), "more of the subject than its CN in: \(text)")
        }
    }

    @Test("桐柏's certificate authenticates nothing else: the hub's feed, 枣阳's route, /v1 and /ops/v1 all answer 401 without their own credentials")
    func tongbaiCertificateElsewhere() async throws {
        let fixture = try await ListenerTLSFixture()
        let tongbai = fixture.certificates.tongbai
        let statuses = try await fixture.serve { port in
            var statuses: [String: Int] = [:]
            for (path, method) in [("/partners/xiangshisuishen/feed?after=", "GET"), ("/partners/hubei-zaoyang/api/v1/apas/submit", "POST"),
                                   ("/v1/cases", "POST"), ("/v1/partners", "GET"), ("/ops/v1/dead-letters", "GET")] {
                statuses[path] = try await fixture.call(port, path, method, as: tongbai, body: method == "POST" ? Array("{}".utf8) : []).get().status
            }
            return statuses
        }
        #expect(statuses == ["/partners/xiangshisuishen/feed?after=": 401, "/partners/hubei-zaoyang/api/v1/apas/submit": 401,
                             "/v1/cases": 401, "/v1/partners": 401, "/ops/v1/dead-letters": 401])
        #expect(try await fixture.caseCount() == 0)
    }

    @Test("a window with its API key and no certificate submits over TLS (202); the health probe needs nothing")
    func windowWithoutCertificate() async throws {
        let fixture = try await ListenerTLSFixture()
        let (submitted, live) = try await fixture.serve { port in
            let submitted = try await fixture.call(port, "/v1/cases", "POST", as: nil, body: CaseFixtures.sample.bytes,
                                                   headers: [HTTPHeader("Authorization", "Bearer \(GatewayHarness.apiKey)"),
                                                             HTTPHeader("Content-Type", "application/json")]).get()
            let live = try await fixture.call(port, "/health/live", as: nil).get()
            return (submitted, live)
        }
        #expect(submitted.status == 202, "answered \(String(decoding: submitted.body, as: UTF8.self))")
        #expect(live.status == 200)
        #expect(try await fixture.caseCount() == 1)
    }

    @Test("a hub configured with a certificate subject needs both: its token with its certificate passes, with 桐柏's certificate or none it is 403")
    func hubNeedsBoth() async throws {
        let fixture = try await ListenerTLSFixture(hubSubjects: true)
        let token = [HTTPHeader("Authorization", "Bearer \(GatewayHarness.hubToken)")]
        let feed = "/partners/xiangshisuishen/feed?after="
        let (own, tongbai, none, noToken) = try await fixture.serve { port in
            (try await fixture.call(port, feed, as: fixture.certificates.hub, headers: token).get().status,
             try await fixture.call(port, feed, as: fixture.certificates.tongbai, headers: token).get().status,
             try await fixture.call(port, feed, as: nil, headers: token).get().status,
             try await fixture.call(port, feed, as: fixture.certificates.hub).get().status)
        }
        #expect(own == 200)
        #expect(tongbai == 403)
        #expect(none == 403)
        #expect(noToken == 401, "the certificate does not replace the token")
    }

    @Test("rotating 桐柏's certificate: both subjects listed and reloaded, both pass; the old one removed, it is refused from the next request on")
    func subjectRotation() async throws {
        let fixture = try await ListenerTLSFixture()
        _ = try await Self.submitted(fixture)
        @Sendable func reload(_ subjects: [String]) throws -> [String] {
            let yaml = ListenerTLSFixture.yaml(fixture.certificates, directory: fixture.directory, tongbaiSubjects: subjects)
            return fixture.gateway.reloadCredentials(from: try GatewayConfiguration.parse(yaml, file: "tls.yaml", environment: [:])).changed
        }
        let current = fixture.certificates.tongbai, next = fixture.certificates.tongbaiNext
        let statuses = try await fixture.serve { port in
            var seen: [Int] = []
            var number = 100_010
            func send(_ identity: CertificateMaker.Identity) async throws {
                number += 1
                let notice = PartnerFixtures.kstbStatus(messageNumber: "411330-ZT-\(number)", code: "02", at: "2026-11-20 10:00:00")
                seen.append(try await fixture.call(port, Self.receive, "POST", as: identity, body: notice, headers: Self.xml).get().status)
            }
            try await send(next)      // not yet configured
            #expect(try reload([ListenerCertificates.tongbaiSubject, ListenerCertificates.tongbaiNextSubject])
                    == ["partners.henan-tongbai.clientSubjects (1 → 2)"])
            try await send(current)
            try await send(next)
            _ = try reload([ListenerCertificates.tongbaiNextSubject])
            try await send(current)   // removed
            try await send(next)
            return seen
        }
        #expect(statuses == [403, 200, 200, 403, 200])
        #expect(fixture.log.lines("client certificate refused").map { $0.metadata["identifies"] } == ["no partner", "no partner"],
                "a certificate of the partners' CA whose subject nobody lists is nobody's")
    }

    @Test("SIGHUP reloads the listener's files at the same paths: a new server certificate and a new client CA serve the next handshakes")
    func listenerFilesReload() async throws {
        let fixture = try await ListenerTLSFixture()
        let certificates = fixture.certificates
        // The replacements: a server certificate from another CA, and a client CA bundle that
        // also holds a second partner CA, which issued 桐柏's certificate for next year.
        let (newServerCA, newServer, newPartnerCA, tongbaiFromNewCA) = try await onOwnThread {
            let maker = certificates.maker
            let serverCA = try maker.authority("server-ca-2", subject: "/CN=Tongban Gateway Test CA 2")
            let partnerCA = try maker.authority("partner-ca-2", subject: "/C=CN/O=政务外网/CN=Partner Test CA 2")
            return (serverCA, try maker.leaf("server-2", subject: "/CN=tongban.suixian.example", profile: .server, signedBy: serverCA),
                    partnerCA, try maker.leaf("tongbai-ca2", subject: ListenerCertificates.openSSL(ListenerCertificates.tongbaiSubject),
                                              profile: .client, signedBy: partnerCA))
        }
        let file = fixture.directory.appendingPathComponent("tongban.yaml")
        try ListenerTLSFixture.yaml(certificates, directory: fixture.directory).write(to: file, atomically: true, encoding: .utf8)
        let reloader = ConfigurationReloader(file: file, gateway: fixture.gateway, clients: [], listener: fixture.listener, logger: fixture.log.logger)
        @Sendable func replace(_ path: String, with contents: String) throws {
            try contents.write(toFile: path + ".new", atomically: false, encoding: .utf8)
            _ = rename(path + ".new", path)
        }
        let read = { @Sendable (path: String) throws -> String in try String(contentsOfFile: path, encoding: .utf8) }
        let notice = PartnerFixtures.kstbStatus(messageNumber: "411330-ZT-100020", code: "02", at: "2026-11-20 10:00:00")
        let (before, after) = try await fixture.serve { port in
            let before = (await fixture.call(port, "/health/live", as: nil, serverCA: newServerCA.certificate),
                          await fixture.call(port, Self.receive, "POST", as: tongbaiFromNewCA, body: notice, headers: Self.xml,
                                             serverCA: certificates.serverCA.certificate))
            try replace(certificates.server.certificate, with: try read(newServer.certificate))
            try replace(certificates.server.key, with: try read(newServer.key))
            try replace(certificates.partnerCA.certificate, with: try read(certificates.partnerCA.certificate) + read(newPartnerCA.certificate))
            reloader.reload()
            let after = (await fixture.call(port, "/health/live", as: nil, serverCA: newServerCA.certificate),
                         await fixture.call(port, Self.receive, "POST", as: tongbaiFromNewCA, body: notice, headers: Self.xml,
                                            serverCA: newServerCA.certificate))
            return (before, after)
        }
        #expect((try? before.0.get()) == nil, "the client trusting only the new server CA cannot connect before the reload")
        #expect((try? before.1.get()) == nil, "a certificate from the new partner CA fails the handshake before the reload")
        #expect(try after.0.get().status == 200)
        #expect(try after.1.get().status == 200)
        let reloaded = try #require(fixture.log.lines("configuration reloaded").first)
        #expect(reloaded.metadata["changed"] == "listen.tls.certificate, listen.tls.clientCABundle")
    }
}

@Suite("Listener TLS configuration")
struct ListenerTLSConfigurationTests {
    static func parse(_ yaml: String) -> MappingError? {
        do { _ = try GatewayConfiguration.parse(yaml, file: "tls.yaml", environment: [:]) } catch { return error }
        return nil
    }

    static func withCertificates(_ body: (ListenerCertificates, String) throws -> Void) async throws {
        let certificates = try await ListenerCertificates.make()
        defer { certificates.maker.remove() }
        try body(certificates, ListenerTLSFixture.yaml(certificates, directory: certificates.maker.directory))
    }

    @Test("with listen.tls on, a kstb partner without clientSubjects is an error naming the key, the partner and the line")
    func kstbNeedsSubjects() async throws {
        try await Self.withCertificates { certificates, yaml in
            let without = yaml.replacingOccurrences(of: "    clientSubjects: [\"\(ListenerCertificates.tongbaiSubject)\"]\n", with: "")
            let error = try #require(Self.parse(without))
            #expect(error.message.contains("partners.henan-tongbai.clientSubjects is required while listen.tls is on"), "\(error)")
            #expect(error.line != nil)
            #expect(Self.parse(yaml) == nil)
        }
    }

    @Test("clientSubjects without listen.tls, one subject for two partners, a malformed subject and unknown keys are errors saying why")
    func mistakes() async throws {
        try await Self.withCertificates { certificates, yaml in
            let tls = "  tls:\n    certificate: \(certificates.server.certificate)\n    key: \(certificates.server.key)\n    clientCABundle: \(certificates.partnerCA.certificate)\n"
            #expect(Self.parse(yaml.replacingOccurrences(of: tls, with: ""))?.message
                .contains("partners.henan-tongbai.clientSubjects needs listen.tls") == true)
            let shared = yaml + "    clientSubjects: [\"\(ListenerCertificates.tongbaiSubject)\"]\n"
            #expect(Self.parse(shared)?.message.contains("is also henan-tongbai's: one certificate identifies one partner") == true)
            let malformed = yaml.replacingOccurrences(of: ListenerCertificates.tongbaiSubject, with: "CN=kstb.tongbai.example;O=x")
            #expect(Self.parse(malformed)?.message.contains("must be escaped") == true)
            let unknownType = yaml.replacingOccurrences(of: ListenerCertificates.tongbaiSubject, with: "CommonName=kstb")
            #expect(Self.parse(unknownType)?.message.contains("unknown attribute type 'CommonName'") == true)
            let unknownKey = yaml.replacingOccurrences(of: "    clientCABundle:", with: "    clientCAs: x\n    clientCABundle:")
            #expect(Self.parse(unknownKey)?.message.contains("unknown key 'clientCAs'") == true)
        }
    }

    @Test("listen.tls files: a missing file, a file without a certificate and a key that is not the certificate's are errors naming the key")
    func files() async throws {
        try await Self.withCertificates { certificates, yaml in
            let missing = yaml.replacingOccurrences(of: "certificate: \(certificates.server.certificate)", with: "certificate: /nonexistent/server.pem")
            #expect(Self.parse(missing)?.message.hasPrefix("listen.tls.certificate: cannot read PEM certificates from /nonexistent/server.pem") == true)
            let notCA = yaml.replacingOccurrences(of: "clientCABundle: \(certificates.partnerCA.certificate)", with: "clientCABundle: \(certificates.partnerCA.key)")
            #expect(Self.parse(notCA)?.message.hasPrefix("listen.tls.clientCABundle:") == true)
            let otherKey = yaml.replacingOccurrences(of: "key: \(certificates.server.key)", with: "key: \(certificates.tongbai.key)")
            #expect(Self.parse(otherKey)?.message.contains("is it that certificate's key?") == true, "\(String(describing: Self.parse(otherKey)))")
        }
    }

    @Test("a reload that turns TLS off or points it at other files is reported as needing a restart")
    func restartOnly() async throws {
        try await Self.withCertificates { certificates, yaml in
            let running = try GatewayConfiguration.parse(yaml, file: "tls.yaml", environment: [:])
            let moved = yaml.replacingOccurrences(of: "clientCABundle: \(certificates.partnerCA.certificate)", with: "clientCABundle: \(certificates.serverCA.certificate)")
            #expect(Gateway.restartOnly(running, try GatewayConfiguration.parse(moved, file: "tls.yaml", environment: [:]))
                    == ["listen.tls (turned on or off, or other file paths)"])
            #expect(Gateway.restartOnly(running, try GatewayConfiguration.parse(yaml, file: "tls.yaml", environment: [:])) == [])
        }
    }
}
