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
        guard var header = request.headers[.authorization] else { return nil }
        // On the header's own bytes: lowercasing and Foundation's trimming were a few per cent of
        // intake, and copying the header into arrays about a microsecond.
        return header.withUTF8 { bytes -> String? in
            let scheme: StaticString = "bearer "
            let schemeCount = scheme.utf8CodeUnitCount
            guard bytes.count > schemeCount else { return nil }
            for index in 0..<schemeCount where bytes[index] | 0x20 != scheme.utf8Start[index] { return nil }
            func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
            var start = schemeCount, end = bytes.count
            while start < end, isBlank(bytes[start]) { start += 1 }
            while end > start, isBlank(bytes[end - 1]) { end -= 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
    }

    /// The key whose digest is `secret`'s, comparing every digest in full.
    static func find(_ secret: String, in keys: [GatewayConfiguration.APIKey]) -> GatewayConfiguration.APIKey? {
        let digest = Digests.sha256Hex(utf8: secret)
        var found: GatewayConfiguration.APIKey?
        for key in keys where Digests.constantTimeEqual(key.sha256, digest) { found = key }
        return found
    }

    /// Whether `secret`'s digest is one of `digests`, comparing every digest in full.
    static func matches(_ secret: String, _ digests: [String]) -> Bool {
        let digest = Digests.sha256Hex(utf8: secret)
        return digests.reduce(false) { found, candidate in Digests.constantTimeEqual(candidate, digest) || found }
    }
}
