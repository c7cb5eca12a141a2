import Crypto
import Foundation

/// Zaoyang's APAS v1 request signature: HMAC-SHA256 over the caller's app id, a millisecond
/// timestamp, a one-time nonce and the digest of the exact body bytes. Both directions sign, so
/// the gateway signs what it sends and verifies what it receives with the same rule.
public enum APASSignature {
    /// How far a request's timestamp may be from the receiver's clock.
    public static let maximumSkewMillis: Int64 = 300_000
    /// How long a nonce is remembered (a replay inside this window is refused).
    public static let nonceMemoryMillis: Int64 = 600_000

    /// Lower-case hex HMAC-SHA256(secret, appId + "\n" + timestamp + "\n" + nonce + "\n" + hex(SHA-256(body))).
    public static func sign(appID: String, secret: [UInt8], timestamp: Int64, nonce: String, body: [UInt8]) -> String {
        let bodyDigest = Digests.sha256Hex(body)
        let text = "\(appID)\n\(timestamp)\n\(nonce)\n\(bodyDigest)"
        let mac = HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: SymmetricKey(data: secret))
        return Digests.hex(mac)
    }

    /// The four headers of a signed request, with a fresh random nonce.
    public static func headers(appID: String, secret: [UInt8], now: Int64, body: [UInt8]) -> [(String, String)] {
        let nonce = randomNonce()
        return [
            ("X-App-Id", appID),
            ("X-Timestamp", String(now)),
            ("X-Nonce", nonce),
            ("X-Sign", sign(appID: appID, secret: secret, timestamp: now, nonce: nonce, body: body)),
        ]
    }

    /// 32 characters of `[0-9a-zA-Z]`.
    public static func randomNonce() -> String {
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        var generator = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}

extension APASSignature {
    /// Why a signed request is refused; every case is answered HTTP 401 with `code` 4011.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        case missingHeader(String)
        case unknownApp(String)
        case malformedTimestamp
        case staleTimestamp(skewMillis: Int64)
        case malformedNonce
        case replayedNonce
        case badSignature

        public var description: String {
            switch self {
            case .missingHeader(let name): "header \(name) is missing"
            case .unknownApp(let id): "appId \(id) is not known"
            case .malformedTimestamp: "X-Timestamp is not milliseconds since the epoch"
            case .staleTimestamp(let skew): "X-Timestamp is \(skew / 1000) s away from the receiver's clock (at most 300 s)"
            case .malformedNonce: "X-Nonce must be 16–64 of [0-9a-zA-Z]"
            case .replayedNonce: "X-Nonce was already used in the last 600 s"
            case .badSignature: "X-Sign does not match the request"
            }
        }
    }

    /// The parts of a signed request a receiver checks, read from its headers.
    public struct SignedRequest: Sendable, Equatable {
        public var appID: String
        public var timestamp: Int64
        public var nonce: String
        public var signature: String

        /// Reads and checks the form of the four headers; `header` looks one up by name.
        public init(header: (String) -> String?) throws(Refusal) {
            guard let appID = header("X-App-Id"), !appID.isEmpty else { throw .missingHeader("X-App-Id") }
            guard let timestampText = header("X-Timestamp") else { throw .missingHeader("X-Timestamp") }
            guard let nonce = header("X-Nonce") else { throw .missingHeader("X-Nonce") }
            guard let signature = header("X-Sign") else { throw .missingHeader("X-Sign") }
            guard timestampText.utf8.count <= 16, timestampText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let timestamp = Int64(timestampText) else { throw .malformedTimestamp }
            guard (16...64).contains(nonce.utf8.count),
                  nonce.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) })
            else { throw .malformedNonce }
            self.appID = appID; self.timestamp = timestamp; self.nonce = nonce; self.signature = signature
        }

        /// Checks the clock skew and the signature over `body` (constant time). The nonce's
        /// freshness is the caller's to check against its memory of recent nonces.
        public func verify(secret: [UInt8], body: [UInt8], now: Int64) throws(Refusal) {
            let skew = abs(now - timestamp)
            guard skew <= APASSignature.maximumSkewMillis else { throw .staleTimestamp(skewMillis: skew) }
            let expected = APASSignature.sign(appID: appID, secret: secret, timestamp: timestamp, nonce: nonce, body: body)
            guard Digests.constantTimeEqual(expected, signature.lowercased()) else { throw .badSignature }
        }
    }
}
