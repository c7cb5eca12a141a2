import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TongbanCore
import TongbanHTTPClient
import TongbanMappings
import TongbanPartners
import TongbanTesting
import TongbanXML
@testable import TongbanSimulator

/// A clock the test moves by hand, starting at 2026-11-20 09:00 China Standard Time.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var millis: Int64 = 1_795_136_400_000

    var now: Int64 { lock.withLock { millis } }

    func advance(milliseconds: Int64) { lock.withLock { millis += milliseconds } }

    var clock: SimulatorClock { SimulatorClock { self.now } }
}

/// A value tests change while the simulator runs.
final class Box<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

/// Stands in for the gateway: answers every request with `respond` and keeps the requests.
final class FakeGateway: HTTPClient, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [HTTPClientRequest] = []
    private let respond: @Sendable (HTTPClientRequest) -> HTTPClientResponse

    init(_ respond: @escaping @Sendable (HTTPClientRequest) -> HTTPClientResponse = { _ in HTTPClientResponse(status: 503) }) {
        self.respond = respond
    }

    func execute(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
        lock.withLock { recorded.append(request) }
        return respond(request)
    }

    var requests: [HTTPClientRequest] { lock.withLock { recorded } }

    /// Answers a KSTB POST with `JG` for its `BWBH`.
    static func kstbReceipt(_ result: KSTBReceipt.Result) -> @Sendable (HTTPClientRequest) -> HTTPClientResponse {
        { request in
            let number = (try? KSTBMessage(XMLCodec.parse(request.body)))?.messageNumber ?? ""
            return HTTPClientResponse(status: 200, body: KSTBReceipt(messageNumber: number, result: result, message: "").bytes)
        }
    }
}

/// The simulator as the tests build it: the shipped mappings and contracts, one-second steps
/// and a hand-moved clock.
enum Fixture {
    static let stepMillis: Int64 = 1000

    static func simulator(clock: ManualClock = ManualClock(), gateway: FakeGateway = FakeGateway(),
                          configure: (inout SimulatorConfiguration) -> Void = { _ in }) throws -> Simulator {
        var configuration = SimulatorConfiguration()
        configuration.stepInterval = .milliseconds(stepMillis)
        configuration.contracts = Repository.contracts
        configure(&configuration)
        return try Simulator(configuration: configuration, catalog: Repository.catalog(), httpClient: gateway, clock: clock.clock)
    }

    static func partner(_ name: String) throws -> PartnerMapping {
        try #require(Repository.catalog().partner(named: name))
    }

    static func contract(_ partner: String, _ path: String) throws -> [UInt8] {
        let file = Repository.contracts.appendingPathComponent(partner).appendingPathComponent(path)
        return try #require(FileManager.default.contents(atPath: file.path).map { Array($0) }, "missing \(file.path)")
    }

    /// What the gateway sends a partner for a canonical case or status: the bytes of its own
    /// outbound mapping.
    static func gatewayMessage(_ name: String, kind: MessageKind, canonical: [UInt8]) throws -> [UInt8] {
        try partner(name).translate(canonical, direction: .outbound, kind: kind, context: TranslationContext(now: Timestamp.now())).get()
    }
}

extension TestClientProtocol {
    func post(_ uri: String, _ body: [UInt8], headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }

    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: headers)
    }

    /// The parsed JSON of a GET.
    func json(_ uri: String) async throws -> JSONValue {
        try JSONParser.parse(Array(try await get(uri).body.readableBytesView))
    }
}

extension TestResponse {
    var bytes: [UInt8] { Array(body.readableBytesView) }
    var json: JSONValue { (try? JSONParser.parse(bytes)) ?? .null }
    var receipt: KSTBReceipt? { KSTBReceipt.parse(bytes) }
}

/// APAS headers signed with the gateway's appId and secret at `now`.
func signedHeaders(body: [UInt8], now: Int64, appID: String = "suixian-gateway", secret: String = "demo-zaoyang-secret-for-suixian",
                   nonce: String? = nil) -> HTTPFields {
    var fields = HTTPFields()
    let chosenNonce = nonce ?? APASSignature.randomNonce()
    fields[HTTPField.Name("X-App-Id")!] = appID
    fields[HTTPField.Name("X-Timestamp")!] = String(now)
    fields[HTTPField.Name("X-Nonce")!] = chosenNonce
    fields[HTTPField.Name("X-Sign")!] = APASSignature.sign(appID: appID, secret: Array(secret.utf8), timestamp: now, nonce: chosenNonce, body: body)
    fields[.contentType] = "application/json"
    return fields
}
