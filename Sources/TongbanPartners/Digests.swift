import Crypto
import Foundation
import TongbanCore

/// The digest arithmetic every side of the gateway shares: lower-case hex (how partners and the
/// configuration write SHA-256 and HMAC values) and comparison in constant time (so a caller
/// cannot learn a secret's digest byte by byte from response times).
public enum Digests {
    public static func hex(_ bytes: some ContiguousBytes) -> String {
        bytes.withUnsafeBytes(LowercaseHex.string)
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
