import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import TongbanCore
import TongbanGateway
import TongbanStorage
import TongbanTesting

/// A gateway on a fresh SQLite file with the shipped mappings, a clock the test moves, and the
/// sample configuration's demo credentials.
final class GatewayHarness: Sendable {
    static let apiKey = "demo-window-key-suixian"
    static let hubToken = "demo-hub-token-1"
    static let zaoyangAppID = "zaoyang-apas"
    static let zaoyangSecret = Array("demo-suixian-secret-for-zaoyang".utf8)
    /// 2026-11-22T10:00:00+08:00
    static let start: Int64 = 1_795_370_400_000

    let directory: URL
    /// The configuration the gateway started with, for tests that reload a changed copy.
    let yaml: String
    let store: SQLiteStore
    let gateway: Gateway
    let clock = TestClock()

    /// `edit` changes the configuration's text before it is loaded (a setting inside `local` or a
    /// partner); `logger` is the gateway's.
    init(extraYAML: String = "", edit: (String) -> String = { $0 }, logger: Logger = Logger(label: "tongban.gateway")) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tongban-gw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let yaml = """
        listen: {host: 127.0.0.1, port: 0}
        dataDirectory: \(directory.path)
        mappings: \(Repository.mappings.path)
        local:
          name: suixian
          endpoint: http://127.0.0.1:9/local
          apiKeys:
            - {name: windows, sha256: 1c930a63ab7785eabbb462006726831f383c2dfab5ad6ef82b0a508f9a963171}
        delivery:
          retry: {base: 1s, cap: 60s, maxAttempts: 5, maxAge: 1h}
          breaker: {failures: 3, openFor: 30s}
        partners:
          henan-tongbai: {protocol: kstb, baseURL: "http://127.0.0.1:9/henan-tongbai"}
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
              - {sha256: e2c97d2b4008d0069ed26b4305e0511d1ded6757fc78ee7a6d7c56eb3976e054}
        \(extraYAML)
        """
        let edited = edit(yaml)
        self.yaml = edited
        let configuration = try GatewayConfiguration.parse(edited, file: "test.yaml", environment: [:])
        store = try SQLiteStore(path: directory.appendingPathComponent("tongban.sqlite").path, keys: configuration.storageKeys)
        _ = try await store.migrate()
        let clock = clock
        gateway = Gateway(configuration: configuration, catalog: try Repository.catalog(), store: store,
                          clock: GatewayClock { clock.millis },
                          calendar: try configuration.sla.map { try HolidayCalendar(directory: $0.holidays) }, logger: logger)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func advance(_ duration: Duration) { clock.advance(duration) }

    func application() -> some ApplicationProtocol {
        Application(router: GatewayRouter(gateway: gateway, openAPIDocument: Repository.root.appendingPathComponent("docs/openapi.yaml")).makeRouter())
    }

    /// Counts rows the way an operator would: through the store.
    func caseCount() async throws -> Int {
        try await store.read { reader in try reader.cases(matching: CaseFilter(), after: nil, limit: 1000).count }
    }

    func transfers(of caseID: String) async throws -> [TransferRecord] {
        try await store.read { reader in try reader.transfers(caseID: caseID) }
    }
}

/// The time as the test sets it.
final class TestClock: Sendable {
    private let value = Mutex<Int64>(GatewayHarness.start)

    var millis: Int64 { value.withLock { $0 } }

    func advance(_ duration: Duration) {
        let millis = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        value.withLock { $0 += millis }
    }
}

extension TestClientProtocol {
    /// Sends and returns status, headers and body as text.
    @discardableResult
    func send(_ uri: String, _ method: HTTPRequest.Method = .get, body: [UInt8]? = nil, key: String? = GatewayHarness.apiKey,
              headers extra: HTTPFields = [:]) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: [UInt8]) {
        var headers = extra
        if let key { headers[.authorization] = "Bearer \(key)" }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) }) { response in
            (response.status, response.headers, Array(response.body.readableBytesView))
        }
    }
}

extension Array where Element == UInt8 {
    var json: JSONValue { (try? JSONParser.parse(self)) ?? .null }
    var text: String { String(decoding: self, as: UTF8.self) }
}

extension JSONValue {
    var bytes: [UInt8] { serialized() }
}
