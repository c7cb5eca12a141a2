import Hummingbird
import TongbanPartners

/// Admits an operator's call to `/ops/v1/…` with their token (`Authorization: Bearer TOKEN`),
/// compared by SHA-256 as the configuration keeps it. A viewer may read; changes (`POST`) need
/// the operator role. The caller is bound to `OperatorIdentity.current` for the handler, which
/// puts their name in the message log. A call without a valid token counts against its source
/// address (`AddressLockout`).
struct OperatorMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let gateway: Gateway

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The operators in force, read per request: a reload (a token rotation) applies at once.
        guard let token = APIKeyMiddleware.bearerToken(request), let person = Self.find(token, in: gateway.credentials.operators) else {
            if let lock = gateway.addressLockout.failed("ops", from: gateway.clientAddress(request, context)) { return Reply.addressLocked(lock) }
            return Reply.problem(.unauthorized, title: "Unauthorized", detail: "send an operator's token as Authorization: Bearer TOKEN",
                                 headers: [.wwwAuthenticate: "Bearer"])
        }
        if request.method != .get, person.role != .operator {
            return Reply.problem(.forbidden, title: "Forbidden", detail: "\(person.name) is a viewer: changes (replays, closes, pauses, breakers) need the operator role")
        }
        return try await OperatorIdentity.$current.withValue(person) { try await next(request, context) }
    }

    /// The operator whose token digest matches, comparing every digest in full.
    static func find(_ token: String, in operators: [GatewayConfiguration.Operator]) -> GatewayConfiguration.Operator? {
        let digest = Digests.sha256Hex(utf8: token)
        var found: GatewayConfiguration.Operator?
        for person in operators where Digests.constantTimeEqual(person.tokenSHA256, digest) { found = person }
        return found
    }
}

/// The operator a request of the operations API runs for.
enum OperatorIdentity {
    @TaskLocal static var current: GatewayConfiguration.Operator?
}
