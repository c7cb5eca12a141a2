/// Random message ids (UUID version 4, lower-case), as partners' `BWBH` and `msg_id` take, and
/// time-ordered ones (UUID version 7) for the gateway's own record ids.
///
/// Drawn from the kernel's CSPRNG (`getrandom`, through `RandomPool`); Foundation's `UUID()`
/// opens `/dev/urandom` on every call, which was a twentieth of the translation time.
public enum MessageID {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    public static func random() -> String {
        let (high, low) = RandomPool.shared.withLock { ($0.next(), $0.next()) }
        var bytes = bytes(high, low)
        bytes[6] = bytes[6] & 0x0F | 0x40   // version 4
        bytes[8] = bytes[8] & 0x3F | 0x80   // RFC 4122 variant
        return text(bytes)
    }

    /// A UUID version 7 (RFC 9562): the first 48 bits are `millis` (Unix time in milliseconds),
    /// the other 74 free bits random. Ids made later sort later, so a B-tree index keyed by them
    /// grows at its right edge: a commit touches the same few pages instead of one random page
    /// per id, which is most of what the gateway's store writes per case.
    public static func timeOrdered(millis: Int64) -> String {
        let (random, low) = RandomPool.shared.withLock { ($0.next(), $0.next()) }
        let high = UInt64(truncatingIfNeeded: max(millis, 0)) << 16 | random & 0xFFFF
        var bytes = bytes(high, low)
        bytes[6] = bytes[6] & 0x0F | 0x70   // version 7
        bytes[8] = bytes[8] & 0x3F | 0x80   // RFC 9562 variant
        return text(bytes)
    }

    private static func bytes(_ high: UInt64, _ low: UInt64) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: high >> (56 - 8 * i))
            bytes[8 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * i))
        }
        return bytes
    }

    private static func text(_ bytes: [UInt8]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
