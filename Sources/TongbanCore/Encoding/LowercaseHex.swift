/// Lower-case hexadecimal, how partners, the configuration and the message log write digests.
public enum LowercaseHex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Written straight into the string's storage: digests are written on every request that
    /// carries a key and three times per accepted case on the writer thread, and an array in
    /// between was an allocation each.
    public static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { text in
            for (index, byte) in bytes.enumerated() {
                text[2 * index] = digits[Int(byte >> 4)]
                text[2 * index + 1] = digits[Int(byte & 0x0F)]
            }
            return bytes.count * 2
        }
    }
}
