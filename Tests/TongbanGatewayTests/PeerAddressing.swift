import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOEmbedded
import Testing
@testable import TongbanGateway
import TongbanTesting

/// Router-level tests with callers at addresses the test chooses. The router test framework
/// gives every request a test channel without a peer; `PeerAddressingResponder` sets that
/// channel's peer to the address in the request's `X-Test-Peer` header before the gateway's
/// routes see it, so the gateway reads the address where it reads a real connection's. The
/// header exists only here: the gateway itself never reads it.
struct PeerAddressingResponder: HTTPResponder {
    typealias Context = GatewayRequestContext
    static let header = HTTPField.Name("X-Test-Peer")!

    let routes: RouterResponder<GatewayRequestContext>

    func respond(to request: Request, context: Context) async throws -> Response {
        if let peer = request.headers[Self.header] {
            let channel = try #require(context.channel as? NIOAsyncTestingChannel)
            channel.remoteAddress = try SocketAddress(ipAddress: peer, port: 50_000)
        }
        return try await routes.respond(to: request, context: context)
    }
}

/// A test client whose every request comes from `address`: pass it where a test takes a client
/// (`ConsoleTests.login`, `send`).
struct ClientAt: TestClientProtocol {
    let inner: any TestClientProtocol
    let address: String

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        var headers = headers
        headers[PeerAddressingResponder.header] = address
        return try await inner.executeRequest(uri: uri, method: method, headers: headers, body: body)
    }

    var port: Int? { inner.port }
}

extension TestClientProtocol {
    /// This client, calling from `address`.
    func from(_ address: String) -> ClientAt { ClientAt(inner: self, address: address) }
}

extension GatewayHarness {
    /// The gateway's routes behind `PeerAddressingResponder`, for `.test(.router)`.
    func addressedApplication() -> some ApplicationProtocol {
        let router = GatewayRouter(gateway: gateway, openAPIDocument: Repository.root.appendingPathComponent("docs/openapi.yaml")).makeRouter()
        return Application(responder: PeerAddressingResponder(routes: router.buildResponder()))
    }
}
