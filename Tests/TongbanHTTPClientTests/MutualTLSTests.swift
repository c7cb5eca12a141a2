import Foundation
import Testing
import TongbanHTTPClient

/// `CurlHTTPClient`'s mutual TLS options against a partner that requires and verifies client
/// certificates, as 桐柏 (henan-tongbai) does. Each test makes its own certificates and server, so
/// the tests run in parallel and a failing one leaves nothing behind.
///
/// Every refusal is also checked for how it is classified. All are `isRetryable` today, a missing
/// or untrusted client certificate included, which no retry can cure; and over TLS 1.3 the
/// partner's refusal arrives only after the client has finished its handshake, so it surfaces as
/// `.transport` rather than `.tls`. These tests pin that behaviour so a change to it is deliberate.
@Suite struct MutualTLSTests {
    /// Where a delivery to the partner goes.
    private static let delivery = "/kstb/v2/receive"

    @Test func ourClientCertificateIsPresentedAndAccepted() async throws {
        try await Self.withPartner { certificates, server in
            let client = try CurlHTTPClient(configuration: .init(
                connections: 1, clientCertificatePath: certificates.client.certificate,
                clientKeyPath: certificates.client.key, caBundlePath: certificates.caBundle
            ))

            let response = try await client.execute(Self.request(to: server))
            await client.shutdown()

            #expect(response.status == 200)
            #expect(response.header("X-Client-CN") == TestCertificates.clientCommonName)
            #expect(server.handledRequests == [.init(method: "POST", path: Self.delivery, clientCommonName: TestCertificates.clientCommonName)])
            #expect(server.refusedHandshakes == [])
        }
    }

    @Test("a rotated certificate, replaced at the same paths, is presented once the connections are renewed; until then the kept-alive connection goes on")
    func aCertificateRotationTakesEffectOnRenewal() async throws {
        try await Self.withPartner { certificates, server in
            let certificate = certificates.directory.appendingPathComponent("in-use.crt").path
            let key = certificates.directory.appendingPathComponent("in-use.key").path
            func install(_ identity: TestCertificates.Identity) throws {
                for (source, target) in [(identity.certificate, certificate), (identity.key, key)] {
                    let staged = target + ".new"
                    try? FileManager.default.removeItem(atPath: staged)
                    try FileManager.default.copyItem(atPath: source, toPath: staged)
                    _ = rename(staged, target) // atomic, as the runbook says to replace them
                }
            }
            try install(certificates.client)
            let client = try CurlHTTPClient(configuration: .init(
                connections: 1, clientCertificatePath: certificate, clientKeyPath: key, caBundlePath: certificates.caBundle))
            let first = try await client.execute(Self.request(to: server))
            try install(certificates.rotatedClient)
            let kept = try await client.execute(Self.request(to: server))
            client.renewConnections()
            let renewed = try await client.execute(Self.request(to: server))
            await client.shutdown()

            #expect(first.header("X-Client-CN") == TestCertificates.clientCommonName)
            #expect(kept.header("X-Client-CN") == TestCertificates.clientCommonName, "the open connection keeps its handshake")
            #expect(renewed.header("X-Client-CN") == TestCertificates.rotatedCommonName)
            #expect(server.refusedHandshakes == [])
        }
    }

    @Test(arguments: [MutualTLSTestServer.TLSVersion.tls12, .tls13])
    func aPartnerWithoutOurClientCertificateRefusesTheConnection(version: MutualTLSTestServer.TLSVersion) async throws {
        try await Self.withPartner(maximumVersion: version) { certificates, server in
            let error = try await Self.failure(of: Self.request(to: server), with: .init(connections: 1, caBundlePath: certificates.caBundle))

            let refusal = try await server.firstRefusedHandshake()
            #expect(refusal?.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE") == true, "server said \(refusal ?? "nothing")")
            #expect(server.handledRequests == [])
            Self.expectRefusedByThePartner(error, over: version)
        }
    }

    @Test(arguments: [MutualTLSTestServer.TLSVersion.tls12, .tls13])
    func aClientCertificateFromACAThePartnerDoesNotTrustIsRefused(version: MutualTLSTestServer.TLSVersion) async throws {
        try await Self.withPartner(maximumVersion: version) { certificates, server in
            let error = try await Self.failure(of: Self.request(to: server), with: .init(
                connections: 1, clientCertificatePath: certificates.otherCAClient.certificate,
                clientKeyPath: certificates.otherCAClient.key, caBundlePath: certificates.caBundle
            ))

            let refusal = try await server.firstRefusedHandshake()
            #expect(refusal?.contains("CERTIFICATE_VERIFY_FAILED") == true, "server said \(refusal ?? "nothing")")
            #expect(server.handledRequests == [])
            Self.expectRefusedByThePartner(error, over: version)
        }
    }

    @Test func aPartnerCertificateFromAnUnknownCAIsRefused() async throws {
        try await Self.withPartner { certificates, server in
            let error = try await Self.failure(of: Self.request(to: server), with: .init(
                connections: 1, clientCertificatePath: certificates.client.certificate,
                clientKeyPath: certificates.client.key, caBundlePath: certificates.otherCABundle
            ))

            guard case .tls(let detail)? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(detail.hasPrefix("SSL certificate problem"), "\(detail)")
            #expect(error?.isRetryable == true)
            // The client, not the partner, broke off: the partner received its `unknown ca` alert.
            let refusal = try await server.firstRefusedHandshake()
            #expect(refusal?.contains("UNKNOWN_CA") == true, "server said \(refusal ?? "nothing")")
            #expect(server.handledRequests == [])
        }
    }

    @Test func aPartnerCertificateForAnotherNameIsRefused() async throws {
        try await Self.withPartner(identity: \.misnamedServer) { certificates, server in
            let error = try await Self.failure(of: Self.request(to: server), with: .init(
                connections: 1, clientCertificatePath: certificates.client.certificate,
                clientKeyPath: certificates.client.key, caBundlePath: certificates.caBundle
            ))

            // The chain is trusted; only the name is wrong. curl checks it after the handshake,
            // so the partner sees a connection close without a request, not a refused handshake.
            guard case .tls(let detail)? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(detail.contains("subject name") && detail.contains("'127.0.0.1'"), "\(detail)")
            #expect(error?.isRetryable == true)
            #expect(server.handledRequests == [])
        }
    }

    @Test func withVerifyPeerOffAnUnknownMisnamedPartnerIsAccepted() async throws {
        try await Self.withPartner(identity: \.misnamedServer) { certificates, server in
            let client = try CurlHTTPClient(configuration: .init(
                connections: 1, clientCertificatePath: certificates.client.certificate,
                clientKeyPath: certificates.client.key, caBundlePath: certificates.otherCABundle, verifyPeer: false
            ))

            let response = try await client.execute(Self.request(to: server))
            await client.shutdown()

            // Both refusals above come from `verifyPeer`, and turning it off keeps the client
            // certificate.
            #expect(response.status == 200)
            #expect(response.header("X-Client-CN") == TestCertificates.clientCommonName)
        }
    }

    @Test func aClientKeyThatDoesNotMatchItsCertificateFailsBeforeAnyRequest() async throws {
        try await Self.withPartner { certificates, server in
            let error = try await Self.failure(of: Self.request(to: server), with: .init(
                connections: 1, clientCertificatePath: certificates.client.certificate,
                clientKeyPath: certificates.otherCAClient.key, caBundlePath: certificates.caBundle
            ))

            // `validate()` only checks that the files are readable, so the mismatch shows at the
            // first connection, as CURLE_SSL_CERTPROBLEM: `.tls`, retryable like any TLS failure.
            guard case .tls(let detail)? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(detail.contains("private key"), "\(detail)")
            #expect(error?.isRetryable == true)
            #expect(server.handledRequests == [])
        }
    }

    // MARK: - Helpers

    /// Runs `body` against a partner started for it with fresh certificates, then stops the
    /// partner and removes the certificates whether `body` succeeded or not. A closure rather
    /// than `defer`, because stopping waits for the process to exit, which needs `await`.
    private static func withPartner(
        identity: (TestCertificates) -> TestCertificates.Identity = \.server,
        maximumVersion: MutualTLSTestServer.TLSVersion = .tls13,
        _ body: (TestCertificates, MutualTLSTestServer) async throws -> Void
    ) async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        let server = try await MutualTLSTestServer.start(identity: identity(certificates), clientCA: certificates.caBundle, maximumVersion: maximumVersion)
        do {
            try await body(certificates, server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    private static func request(to server: MutualTLSTestServer) -> HTTPClientRequest {
        HTTPClientRequest(
            method: "POST", url: server.url(delivery),
            headers: [HTTPHeader("Content-Type", "application/xml; charset=GB18030")],
            body: Array("<KSTB BBH=\"2.1\"/>".utf8)
        )
    }

    /// The error `execute` threw, or nil with an issue recorded when it answered instead.
    private static func failure(of request: HTTPClientRequest, with configuration: CurlHTTPClient.Configuration) async throws -> HTTPClientError? {
        let client = try CurlHTTPClient(configuration: configuration)
        let error: HTTPClientError?
        do {
            let response = try await client.execute(request)
            Issue.record("expected an error, got status \(response.status)")
            error = nil
        } catch let thrown {
            error = thrown
        }
        await client.shutdown()
        return error
    }

    /// A refusal by the partner's certificate check: a TLS alert in the handshake over TLS 1.2;
    /// over TLS 1.3 the client's handshake is already over when the alert comes, so curl reports
    /// a failed read (`CURLE_RECV_ERROR`), with a detail that varies with timing.
    private static func expectRefusedByThePartner(_ error: HTTPClientError?, over version: MutualTLSTestServer.TLSVersion) {
        switch (version, error) {
        case (.tls12, .tls?), (.tls13, .transport?): break
        default: Issue.record("over \(version) got \(String(describing: error))")
        }
        #expect(error?.isRetryable == true)
    }
}
