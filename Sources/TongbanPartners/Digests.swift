import Crypto

/// The digest arithmetic every side of the gateway shares: lower-case hex (how partners and the
/// configuration write SHA-256 and HMAC values) and comparison in constant time (so a caller
/// cannot learn a secret's digest byte by byte from response times).
public enum Digests {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in bytes {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Lower-case hex SHA-256 of `bytes`.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// Whether `a` and `b` are equal, looking at every byte whatever the first difference.
    public static func constantTimeEqual(_ a: some StringProtocol, _ b: some StringProtocol) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for i in left.indices { difference |= left[i] ^ right[i] }
        return difference == 0
    }
}
