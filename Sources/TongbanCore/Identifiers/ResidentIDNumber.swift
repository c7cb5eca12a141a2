/// Resident identity card numbers (公民身份号码, GB 11643-1999), used by ID types 111 and 112.
///
/// A number is the 6-digit GB/T 2260 code of the place of first registration, the birth date
/// `YYYYMMDD`, a 3-digit sequence (odd for men) and an ISO 7064 MOD 11-2 check character. Each
/// part is checked on its own so that a clerk learns which digits are wrong. Reasons quote at
/// most the division prefix and the birth date, never the whole number: it is personal data.
public enum ResidentIDNumber {
    private static let weights: [Int] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    /// Remainder 0...10 of the weighted sum maps to these characters.
    private static let checkCharacters: [UInt8] = Array("10X98765432".utf8)

    /// The check character (`0`–`9` or `X`) for the first 17 digits of a number; nil unless given
    /// exactly 17 ASCII digits.
    public static func checkCharacter(for first17: some StringProtocol) -> Character? {
        ASCIIDigits.withUTF8(first17) { bytes in
            bytes.count == 17 ? checkByte(bytes).map { Character(Unicode.Scalar($0)) } : nil
        }
    }

    /// The check byte over `bytes[0..<17]`, or nil when one of them is not a digit.
    private static func checkByte(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt8? {
        var sum = 0
        for index in 0..<17 {
            guard let digit = ASCIIDigits.value(bytes, at: index, count: 1) else { return nil }
            sum += digit * weights[index]
        }
        return checkCharacters[sum % 11]
    }

    /// Every problem with `value` as a resident ID number; empty when it is valid.
    ///
    /// - The division prefix must be a code that existed at some time: people keep the code of
    ///   their place of registration after it is retired.
    /// - The birth date must exist, not be before 1900, and not be after `notAfter` (the day the
    ///   case was submitted); nil skips that last check.
    /// - The check character must match; `x` is refused, the standard writes `X`.
    public static func problems(_ value: String, divisions: DivisionCodes, notAfter: CivilDate?) -> [String] {
        // Said plainly, before any length or check-character message: these are how a number
        // copied from a form or typed with a Chinese input method usually goes wrong. Looked
        // for only when the number is not plain ASCII (a Unicode property lookup per character
        // was a tenth of checking a case), since printable ASCII other than the space is neither.
        let isPlainASCII = isPlainASCII(value)
        if !isPlainASCII, value.unicodeScalars.contains(where: { $0.properties.isWhitespace }) {
            return ["contains a space (half-width or full-width): write the 18 characters without spaces"]
        }
        if !isPlainASCII, value.unicodeScalars.contains(where: { (0xFF10...0xFF19).contains($0.value) || $0 == "Ｘ" || $0 == "ｘ" }) {
            return ["contains full-width characters (０–９, Ｘ): write them as ASCII digits 0–9 and X"]
        }
        let length = value.unicodeScalarCount
        guard length == 18 else { return ["must be 18 characters, found \(length)"] }
        return ASCIIDigits.withUTF8(value) { bytes -> [String] in
            guard bytes.count == 18, bytes[0..<17].allSatisfy(ASCIIDigits.isDigit),
                  ASCIIDigits.isDigit(bytes[17]) || bytes[17] | 0x20 == UInt8(ascii: "x"),
                  let expected = checkByte(bytes),
                  let year = ASCIIDigits.value(bytes, at: 6, count: 4),
                  let month = ASCIIDigits.value(bytes, at: 10, count: 2),
                  let day = ASCIIDigits.value(bytes, at: 12, count: 2)
            else { return ["must be 17 digits followed by a digit or X"] }
            var problems: [String] = []
            let prefix = String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<6]), as: UTF8.self)
            if divisions.entry(prefix) == nil {
                problems.append("division prefix \(prefix) is not a GB/T 2260 code")
            }
            let birth = String(decoding: UnsafeBufferPointer(rebasing: bytes[6..<14]), as: UTF8.self)
            if let date = CivilDate(year: year, month: month, day: day) {
                if year < 1900 {
                    problems.append("birth date \(birth) is before 1900")
                } else if let notAfter, date > notAfter {
                    problems.append("birth date \(birth) is after \(notAfter)")
                }
            } else {
                problems.append("birth date \(birth) is not a date")
            }
            let found = bytes[17]
            if found == UInt8(ascii: "x"), expected == UInt8(ascii: "X") {
                problems.append("check character must be an upper-case X")
            } else if found != expected {
                problems.append("check character should be \(Character(Unicode.Scalar(expected))), found \(Character(Unicode.Scalar(found)))")
            }
            return problems
        }
    }

    /// Whether every byte is printable ASCII other than the space (such as every valid number).
    private static func isPlainASCII(_ value: String) -> Bool {
        ASCIIDigits.withUTF8(value) { bytes in bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F } }
    }
}
