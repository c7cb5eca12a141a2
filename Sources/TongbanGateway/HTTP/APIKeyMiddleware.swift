import Foundation
import Hummingbird
import TongbanCore
import TongbanPartners

/// Admits a local window's call only with a configured API key (`Authorization: Bearer KEY`).
/// Keys are compared by SHA-256 digest: the configuration never holds a key itself. The key's
/// name is the call's `Principal` for what runs after (its rate limit). A call without a valid
/// key counts against its source address (`AddressLockout`).
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let gateway: Gateway

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The keys in force, read per request: a reload (a key rotation) applies at once.
        guard let key = Self.bearerToken(request), let match = Self.find(key, in: gateway.credentials.apiKeys) else {
            if let lock = gateway.addressLockout.failed("v1", from: gateway.clientAddress(request, context)) { return Reply.addressLocked(lock) }
            return Reply.problem(.unauthorized, title: "Unauthorized", detail: "send a local system's API key as Authorization: Bearer KEY",
                                 headers: [.wwwAuthenticate: "Bearer"])
        }
        return try await Principal.$current.withValue(.local(match.name)) { try await next(request, context) }
    }

    static func bearerToken(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        // On the header's bytes: lowercasing and Foundation's trimming were a few per cent of intake.
        let bytes = Array(header.utf8)
        let scheme = Array("bearer ".utf8)
        guard bytes.count > scheme.count, zip(bytes, scheme).allSatisfy({ $0 | 0x20 == $1 }) else { return nil }
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var start = scheme.count, end = bytes.count
        while start < end, isBlank(bytes[start]) { start += 1 }
        while end > start, isBlank(bytes[end - 1]) { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The key whose digest is `secret`'s, comparing every digest in full.
    static func find(_ secret: String, in keys: [GatewayConfiguration.APIKey]) -> GatewayConfiguration.APIKey? {
        let digest = Digests.sha256Hex(Array(secret.utf8))
        var found: GatewayConfiguration.APIKey?
        for key in keys where Digests.constantTimeEqual(key.sha256, digest) { found = key }
        return found
    }

    /// Whether `secret`'s digest is one of `digests`, comparing every digest in full.
    static func matches(_ secret: String, _ digests: [String]) -> Bool {
        let digest = Digests.sha256Hex(Array(secret.utf8))
        return digests.reduce(false) { found, candidate in Digests.constantTimeEqual(candidate, digest) || found }
    }
}
