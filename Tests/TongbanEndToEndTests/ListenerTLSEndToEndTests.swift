import Foundation
import Testing
import TongbanCore
import TongbanHTTPClient
import TongbanPartners
import TongbanTesting

/// Mutual TLS on the listener of a real `tongban serve`: the sample configuration with
/// `listen.tls` and the partners' `clientSubjects`, certificates made for the run, and the
/// project's libcurl client presenting 桐柏's certificate, the hub's, or none. What
/// `ListenerTLSTests` proves in-process, proven here through `GatewayServer`'s own wiring of
/// `listen.tls` into the listener.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ListenerTLSEndToEndTests {
    static let tongbaiSubject = "CN=kstb.tongbai.example,O=桐柏县政务服务和大数据管理局,C=CN"
    static let hubSubject = "CN=hub.xiangshisuishen.example,O=襄十随神政务数据交换平台,C=CN"
    static let receive = "/partners/henan-tongbai/kstb/v2/receive"

    /// `CN=a,O=b,C=CN` as `openssl -subj` writes it: `/C=CN/O=b/CN=a`.
    static func openSSL(_ subject: String) -> String {
        "/" + subject.split(separator: ",").reversed().joined(separator: "/")
    }

    /// 桐柏's status notice (`ZT`) for the case numbered `caseNumber`.
    static func notice(_ messageNumber: String, caseNumber: String) -> [UInt8] {
        Array("""
        <?xml version="1.0" encoding="UTF-8"?>
        <KSTB xmlns="urn:ha:zwfw:kstb:2" BBH="2.1">
          <BWT><BWBH>\(messageNumber)</BWBH><FSF>411330</FSF><JSF>421321</JSF><FSSJ>2026-11-20 10:00:00</FSSJ><YWLX>ZT</YWLX></BWT>
          <ZTXX><SBLSH>\(caseNumber)</SBLSH><YWLSH>TB-2026-0000001</YWLSH><ZTDM>02</ZTDM><ZTSJ>2026-11-20 10:00:00</ZTSJ><CLYJ>受理</CLYJ></ZTXX>
        </KSTB>
        """.utf8)
    }

    /// The sample configuration on free ports with the listener's TLS turned on and each
    /// partner's certificate subject listed; every edit must find its text in the sample.
    static func configuration(port: Int, closedPort: Int, data: URL, tls: (certificate: String, key: String, clientCAs: String)) throws -> String {
        var text = try EndToEnd.configuration(gatewayPort: port, simulatorPort: closedPort, data: data)
        func replace(_ old: String, _ new: String) throws {
            guard text.contains(old) else { throw EndToEndError("the test configuration no longer contains \(old)") }
            text = text.replacingOccurrences(of: old, with: new)
        }
        try replace("  port: \(port)\n", "  port: \(port)\n  tls:\n    certificate: \(tls.certificate)\n    key: \(tls.key)\n    clientCABundle: \(tls.clientCAs)\n")
        try replace("    # clientSubjects: [\"\(tongbaiSubject)\"]", "    clientSubjects: [\"\(tongbaiSubject)\"]")
        try replace("    protocol: hub\n", "    protocol: hub\n    clientSubjects: [\"\(hubSubject)\"]\n")
        return text
    }

    @Test func mutualTLSOnTheListenerOfARealGateway() async throws {
        let maker = try await onOwnThread { try CertificateMaker() }
        defer { maker.remove() }
        let (serverCA, server, partnerCA, tongbai, hub) = try await onOwnThread {
            let serverCA = try maker.authority("server-ca", subject: "/CN=Tongban E2E Gateway CA")
            let partnerCA = try maker.authority("partner-ca", subject: "/C=CN/O=政务外网/CN=Partner E2E CA")
            return (serverCA, try maker.leaf("server", subject: "/CN=tongban.suixian.example", profile: .server, signedBy: serverCA),
                    partnerCA, try maker.leaf("tongbai", subject: Self.openSSL(Self.tongbaiSubject), profile: .client, signedBy: partnerCA),
                    try maker.leaf("hub", subject: Self.openSSL(Self.hubSubject), profile: .client, signedBy: partnerCA))
        }
        let directory = maker.directory.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let port = try FreePort.next()
        var closedPort = try FreePort.next()  // nothing listens there: deliveries fail and wait, which this test does not need
        while closedPort == port { closedPort = try FreePort.next() }
        let configFile = directory.appendingPathComponent("tongban.yaml")
        try Self.configuration(port: port, closedPort: closedPort, data: directory.appendingPathComponent("data"),
                               tls: (server.certificate, server.key, partnerCA.certificate))
            .write(to: configFile, atomically: true, encoding: .utf8)
        let log = directory.appendingPathComponent("gateway.log")
        let gateway = try ChildProcess(name: "gateway", arguments: ["serve", "--config", configFile.path] + EndToEnd.logLevel([]),
                                       directory: Repository.root, log: log)

        func client(_ identity: CertificateMaker.Identity?) throws -> CurlHTTPClient {
            try CurlHTTPClient(configuration: .init(connections: 1, connectTimeout: .seconds(10), totalTimeout: .seconds(30),
                                                    clientCertificatePath: identity?.certificate, clientKeyPath: identity?.key,
                                                    caBundlePath: serverCA.certificate))
        }
        let anonymous = try client(nil), asTongbai = try client(tongbai), asHub = try client(hub)
        let base = "https://127.0.0.1:\(port)"
        do {
            _ = try await eventually("the gateway to answer over TLS", timeout: .seconds(60), every: .milliseconds(200)) { () async throws -> Bool? in
                guard gateway.isRunning else { throw EndToEndError("the gateway exited while starting") }
                return try? await anonymous.execute(HTTPClientRequest(method: "GET", url: base + "/health/ready")).status == 200 ? true : nil
            }

            // A window: its API key, no certificate, over TLS.
            let caseNumber = "E2E-TLS-\(UUID().uuidString.prefix(8))"
            let submitted = try await anonymous.execute(HTTPClientRequest(
                method: "POST", url: base + "/v1/cases",
                headers: [HTTPHeader("Authorization", "Bearer \(EndToEnd.apiKey)"), HTTPHeader("Content-Type", "application/json")],
                body: EndToEnd.sampleCase(.tongbai, caseNumber: caseNumber).serialized()))
            #expect(submitted.status == 202, "\(String(decoding: submitted.body, as: UTF8.self))")
            let id = try #require((try? JSONParser.parse(submitted.body))?["id"]?.stringValue)

            // 桐柏 with its certificate: its notice for that case is taken and applied.
            let xml = [HTTPHeader("Content-Type", "application/xml; charset=UTF-8")]
            let taken = try await asTongbai.execute(HTTPClientRequest(method: "POST", url: base + Self.receive, headers: xml,
                                                                      body: Self.notice("411330-ZT-E2E-000001", caseNumber: caseNumber)))
            #expect(taken.status == 200)
            #expect(KSTBReceipt.parse(taken.body)?.result == .accepted, "\(String(decoding: taken.body, as: UTF8.self))")
            let view = try await anonymous.execute(HTTPClientRequest(method: "GET", url: base + "/v1/cases/\(id)",
                                                                     headers: [HTTPHeader("Authorization", "Bearer \(EndToEnd.apiKey)")]))
            #expect((try? JSONParser.parse(view.body))?["status"]?.stringValue == "accepted")

            // No certificate, and the hub's certificate, on 桐柏's route: 403 with a JG=1 receipt.
            for (who, caller, number) in [("no certificate", anonymous, "000002"), ("the hub's certificate", asHub, "000003")] {
                let refused = try await caller.execute(HTTPClientRequest(method: "POST", url: base + Self.receive, headers: xml,
                                                                         body: Self.notice("411330-ZT-E2E-\(number)", caseNumber: caseNumber)))
                #expect(refused.status == 403, "\(who): HTTP \(refused.status)")
                #expect(KSTBReceipt.parse(refused.body)?.result == .malformed, "\(who): \(String(decoding: refused.body, as: UTF8.self))")
            }

            // Plain HTTP to the TLS port: no HTTP answer.
            let plain = try? await anonymous.execute(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(port)/health/live"))
            #expect(plain == nil, "plain HTTP was answered: HTTP \(plain?.status ?? 0)")

            let text = try await eventually("the refusals in the gateway's log") { () -> String? in
                let text = gateway.logTail(lines: 400)
                return text.contains("identifies=xiangshisuishen") && text.contains("HTTP_REQUEST") ? text : nil
            }
            #expect(text.contains("the listener speaks TLS"))
            #expect(text.contains("client certificate refused") && text.contains("partner=henan-tongbai"))
        } catch {
            Issue.record("\(error)\n--- gateway log (end)\n\(gateway.logTail())")
        }
        await gateway.stop()
        for made in [anonymous, asTongbai, asHub] { await made.shutdown() }
        if let capture = TestLogCapture.directory {  // for the whole suite's personal-data scan
            try? FileManager.default.copyItem(at: log, to: capture.appendingPathComponent("e2e-tls-\(UUID().uuidString.prefix(8))-gateway.log"))
        }
    }
}
