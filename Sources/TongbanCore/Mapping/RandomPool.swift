import Glibc
import Synchronization

/// Kernel randomness fetched 512 bytes at a time: `SystemRandomNumberGenerator` makes one
/// `getrandom` call per 8 bytes, two per id, which was 1.7 µs of every accepted case (two ids).
/// The bytes are the kernel's CSPRNG output, used once each, so the ids stay unpredictable.
struct RandomPool: ~Copyable {
    static let shared = Mutex(RandomPool())

    private var bytes = [UInt8](repeating: 0, count: 512)
    private var used = 512

    mutating func next() -> UInt64 {
        if used == bytes.count {
            bytes.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, $0.count) }
            used = 0
        }
        defer { used += 8 }
        return bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: used, as: UInt64.self) }
    }
}
