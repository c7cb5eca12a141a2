/// Unified social credit codes (统一社会信用代码, GB 32100-2015): ID type 001 and the credit code of
/// an accepting office.
///
/// 18 characters from `0-9 A-H J-N P Q R T U W X Y` (I, O, S, V and Z are never used, to avoid
/// confusion with digits): registering authority, organisation kind, 6-digit division code,
/// 9-character organisation code and a MOD 31 check character. Only the alphabet and the check
/// are enforced: the embedded division code is the registration place at issue time and is not
/// re-checked. A few early pilot codes fail the check; accepting one needs a documented,
/// partner-level override outside this type.
public enum CreditCode {
    private static let alphabet: [UInt8] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
    private static let weights: [Int] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    /// The value of each ASCII byte in the alphabet, -1 for bytes outside it.
    private static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = Int8(value) }
        return table
    }()

    @inline(__always)
    private static func value(of byte: UInt8) -> Int? {
        guard byte < 128, values[Int(byte)] >= 0 else { return nil }
        return Int(values[Int(byte)])
    }

    /// The check character for the first 17 characters of a code; nil unless given exactly 17
    /// characters of the alphabet.
    public static func checkCharacter(for first17: some StringProtocol) -> Character? {
        ASCIIDigits.withUTF8(first17) { bytes in
            bytes.count == 17 ? checkByte(bytes).map { Character(Unicode.Scalar($0)) } : nil
        }
    }

    /// Check = 31 − (weighted sum mod 31), where 31 is written as `0`.
    private static func checkByte(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt8? {
        var sum = 0
        for index in 0..<17 {
            guard let value = value(of: bytes[index]) else { return nil }
            sum += value * weights[index]
        }
        return alphabet[(31 - sum % 31) % 31]
    }

    /// Why `value` is not a valid unified social credit code, or nil when it is.
    public static func problem(_ value: String) -> String? {
        let length = value.unicodeScalarCount
        guard length == 18 else { return "must be 18 characters, found \(length)" }
        for (position, scalar) in value.unicodeScalars.enumerated() where !scalar.isASCII || self.value(of: UInt8(scalar.value)) == nil {
            if ("a"..."z").contains(scalar), self.value(of: UInt8(scalar.value) - 0x20) != nil {
                return "letters must be upper case"
            }
            return "character '\(scalar)' at position \(position + 1) is not used in unified social credit codes (0-9 and A-Z without I, O, S, V, Z)"
        }
        return ASCIIDigits.withUTF8(value) { bytes in
            guard let expected = checkByte(bytes), bytes[17] != expected else { return nil }
            return "check character should be \(Character(Unicode.Scalar(expected))), found \(Character(Unicode.Scalar(bytes[17])))"
        }
    }
}
