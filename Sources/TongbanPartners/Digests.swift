import Crypto
import Foundation

/// The digest arithmetic every side of the gateway shares: lower-case hex (how partners and the
/// configuration write SHA-256 and HMAC values) and comparison in constant time (so a caller
/// cannot learn a secret's digest byte by byte from response times).
public enum Digests {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    public static func hex(_ bytes: some ContiguousBytes) -> String {
        // Written straight into the string's storage: an array in between was one more
        // allocation on every request that carries a key.
        bytes.withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: bytes.count * 2) { text in
                for (index, byte) in bytes.enumerated() {
                    text[2 * index] = hexDigits[Int(byte >> 4)]
                    text[2 * index + 1] = hexDigits[Int(byte & 0x0F)]
                }
                return bytes.count * 2
            }
        }
    }

    /// Lower-case hex SHA-256 of `bytes`.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// Lower-case hex SHA-256 of `text`'s UTF-8, such as a presented key or token.
    public static func sha256Hex(utf8 text: String) -> String {
        var text = text
        return text.withUTF8 { hex(SHA256.hash(data: UnsafeRawBufferPointer($0))) }
    }

    /// Whether `a` and `b` are equal, looking at every byte whatever the first difference.
    public static func constantTimeEqual(_ a: some StringProtocol, _ b: some StringProtocol) -> Bool {
        // In place where the strings are contiguous (nearly always): no copies of secrets.
        let inPlace = a.utf8.withContiguousStorageIfAvailable { left in
            b.utf8.withContiguousStorageIfAvailable { right in constantTimeEqual(left, right) }
        }
        return (inPlace ?? nil) ?? constantTimeEqual(Array(a.utf8), Array(b.utf8))
    }

    private static func constantTimeEqual(_ left: some Collection<UInt8>, _ right: some Collection<UInt8>) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for (l, r) in zip(left, right) { difference |= l ^ r }
        return difference == 0
    }
}
