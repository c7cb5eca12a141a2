/// Byte-level helpers for the fixed-width numbers in dates, times and identifiers.
///
/// Timestamps and identifiers are read on every case the gateway sees, so they are scanned as
/// UTF-8 bytes instead of going through `Character` or Foundation.
enum ASCIIDigits {
    /// The value of `count` ASCII digits starting at `start`, or nil if the bytes run out or one
    /// is not a digit.
    @inline(__always)
    static func value(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, count: Int) -> Int? {
        guard start >= 0, start + count <= bytes.count else { return nil }
        var result = 0
        for index in start..<(start + count) {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            result = result * 10 + Int(digit)
        }
        return result
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    /// Appends `value` in decimal, zero-padded to at least `width` digits, with a leading `-`
    /// when negative.
    /// The digits are written in place, last first: every time a mapping writes costs six of
    /// these, and an array of digits per call was most of formatting one.
    static func append(_ value: Int, width: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var digitCount = 1
        var rest = value.magnitude / 10
        while rest > 0 {
            digitCount += 1
            rest /= 10
        }
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(width, digitCount)))
        var magnitude = value.magnitude
        var index = out.count - 1
        repeat {
            out[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
            index -= 1
        } while magnitude > 0
    }

    /// Runs `body` over the UTF-8 bytes of `text`, without copying when the storage is contiguous.
    static func withUTF8<R>(_ text: some StringProtocol, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        let copy = Array(text.utf8)
        return copy.withUnsafeBufferPointer(body)
    }
}
