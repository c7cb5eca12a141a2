import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanHTTPClient
import TongbanStorage
import TongbanTesting

/// The certificates of the listener tests, made afresh per test: the gateway's server
/// certificate from its own CA; 桐柏's and the hub's client certificates from the partners' CA
/// (the province extranet CA both trust); a certificate with 桐柏's very subject from a CA the
/// gateway does not trust; and 桐柏's next certificate, for a rotation.
struct ListenerCertificates: Sendable {
    typealias Identity = CertificateMaker.Identity

    static let tongbaiSubject = "CN=kstb.tongbai.example,O=桐柏县政务服务和大数据管理局,C=CN"
    static let tongbaiNextSubject = "CN=kstb-2027.tongbai.example,O=桐柏县政务服务和大数据管理局,C=CN"
    static let hubSubject = "CN=hub.xiangshisuishen.example,O=襄十随神政务数据交换平台,C=CN"

    let maker: CertificateMaker
    let serverCA: Identity
    let server: Identity
    let partnerCA: Identity
    let tongbai: Identity
    let tongbaiNext: Identity
    let hub: Identity
    let foreignTongbai: Identity

    static func make() async throws -> ListenerCertificates {
        try await onOwnThread {
            let maker = try CertificateMaker()
            do {
                let serverCA = try maker.authority("server-ca", subject: "/CN=Tongban Gateway Test CA")
                let partnerCA = try maker.authority("partner-ca", subject: "/C=CN/O=政务外网/CN=Partner Test CA")
                let foreignCA = try maker.authority("foreign-ca", subject: "/C=CN/O=政务外网/CN=Partner Test CA")
                return ListenerCertificates(
                    maker: maker, serverCA: serverCA,
                    server: try maker.leaf("server", subject: "/CN=tongban.suixian.example", profile: .server, signedBy: serverCA),
                    partnerCA: partnerCA,
                    tongbai: try maker.leaf("tongbai", subject: openSSL(tongbaiSubject), profile: .client, signedBy: partnerCA),
                    tongbaiNext: try maker.leaf("tongbai-2027", subject: openSSL(tongbaiNextSubject), profile: .client, signedBy: partnerCA),
                    hub: try maker.leaf("hub", subject: openSSL(hubSubject), profile: .client, signedBy: partnerCA),
                    foreignTongbai: try maker.leaf("foreign-tongbai", subject: openSSL(tongbaiSubject), profile: .client, signedBy: foreignCA))
            } catch {
                maker.remove()
                throw error
            }
        }
    }

    /// `CN=a,O=b,C=CN` (RFC 4514, most specific first) as `openssl -subj` writes it: `/C=CN/O=b/CN=a`.
    static func openSSL(_ subject: String) -> String {
        "/" + subject.split(separator: ",").reversed().joined(separator: "/")
    }
}

/// A gateway on a fresh SQLite file whose listener speaks TLS with `ListenerCertificates`,
/// served live on localhost; callers are `CurlHTTPClient`s presenting a certificate or none.
final class ListenerTLSFixture: Sendable {
    let certificates: ListenerCertificates
    let directory: URL
    let store: SQLiteStore
    let gateway: Gateway
    let listener: TLSListener
    let log = CapturedLog()
    let clock = TestClock()

    /// `hubSubjects`: the hub's routes require its certificate as well as its token.
    init(hubSubjects: Bool = false) async throws {
        certificates = try await ListenerCertificates.make()
        directory = certificates.maker.directory.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configuration = try GatewayConfiguration.parse(Self.yaml(certificates, directory: directory, hubSubjects: hubSubjects),
                                                           file: "tls.yaml", environment: [:])
        store = try SQLiteStore(path: directory.appendingPathComponent("tongban.sqlite").path)
        _ = try await store.migrate()
        let clock = clock
        gateway = Gateway(configuration: configuration, catalog: try Repository.catalog(), store: store,
                          clock: GatewayClock { clock.millis }, logger: log.logger)
        listener = TLSListener(configuration.tls!, logger: log.logger)
    }

    deinit { certificates.maker.remove() }

    static func yaml(_ certificates: ListenerCertificates, directory: URL, hubSubjects: Bool = false,
                     tongbaiSubjects: [String] = [ListenerCertificates.tongbaiSubject]) -> String {
        """
        listen:
          host: 127.0.0.1
          port: 0
          tls:
            certificate: \(certificates.server.certificate)
            key: \(certificates.server.key)
            clientCABundle: \(certificates.partnerCA.certificate)
        dataDirectory: \(directory.path)
        mappings: \(Repository.mappings.path)
        local:
          name: suixian
          endpoint: http://127.0.0.1:9/local
          apiKeys:
            - {name: windows, sha256: 1c930a63ab7785eabbb462006726831f383c2dfab5ad6ef82b0a508f9a963171}
        operators:
          duty: {role: operator, tokenSha256: 61112491d046c3f6f8ab801f170d9b2d0c734a17ceff60dee92123fb507cfc3f}
        partners:
          henan-tongbai:
            protocol: kstb
            baseURL: http://127.0.0.1:9/henan-tongbai
            clientSubjects: [\(tongbaiSubjects.map { "\"\($0)\"" }.joined(separator: ", "))]
          hubei-zaoyang:
            protocol: apas
            baseURL: http://127.0.0.1:9/hubei-zaoyang
            appId: suixian-gateway
            appSecret: {demo: demo-zaoyang-secret-for-suixian}
            partnerAppId: zaoyang-apas
            partnerSecret: {demo: demo-suixian-secret-for-zaoyang}
          xiangshisuishen:
            protocol: hub
            tokens:
              - {sha256: d16db8f71e2e69b8b2d99486d6301bae856c52c5128bdb4eb7a6c7e560698f7f}
        \(hubSubjects ? "    clientSubjects: [\"\(ListenerCertificates.hubSubject)\"]" : "")
        """
    }

    /// Serves the gateway's routes behind the listener's TLS until `body` returns; `body` gets
    /// the bound port.
    func serve<T: Sendable>(_ body: @escaping @Sendable (Int) async throws -> T) async throws -> T {
        let app = Application(router: GatewayRouter(gateway: gateway, openAPIDocument: Repository.root.appendingPathComponent("docs/openapi.yaml")).makeRouter(),
                              server: TLSListener.server(tls: listener))
        return try await app.test(.live) { client in try await body(try #require(client.port)) }
    }

    /// One call over its own connection, presenting `identity`'s certificate (nil: none), the
    /// server checked against `serverCA` (nil: the gateway's own CA).
    func call(_ port: Int, _ path: String, _ method: String = "GET", as identity: CertificateMaker.Identity?, body: [UInt8] = [],
              headers: [HTTPHeader] = [], serverCA: String? = nil) async -> Result<HTTPClientResponse, HTTPClientError> {
        let client: CurlHTTPClient
        do {
            client = try CurlHTTPClient(configuration: .init(
                connections: 1, connectTimeout: .seconds(10), totalTimeout: .seconds(30),
                clientCertificatePath: identity?.certificate, clientKeyPath: identity?.key,
                caBundlePath: serverCA ?? certificates.serverCA.certificate))
        } catch {
            return .failure(error)
        }
        let result: Result<HTTPClientResponse, HTTPClientError>
        do {
            result = .success(try await client.execute(HTTPClientRequest(method: method, url: "https://localhost:\(port)\(path)", headers: headers, body: body)))
        } catch {
            result = .failure(error)
        }
        await client.shutdown()
        return result
    }

    /// What stays of a message: its BWBH remembered, and the message log's entries for a route.
    func inboundRecord(_ messageID: String) async throws -> InboundMessageRecord? {
        try await store.read { try $0.inboundMessage(partner: "henan-tongbai", messageID: messageID) }
    }

    func caseCount() async throws -> Int {
        try await store.read { reader in try reader.cases(matching: CaseFilter(), after: nil, limit: 1000).count }
    }

    func logEntries(route: String) async throws -> [MessageLogEntry] {
        try await store.read { try $0.messageLog(after: 0, limit: 1000) }.filter { $0.route == route }
    }
}
