/// A JSON number as written in decimal, `significand × 10^exponent`, so that `multipleOf` is exact:
/// `0.0075` is a multiple of `0.0001` even though the binary doubles are not.
struct DecimalNumber: Sendable {
    /// The magnitude; `multipleOf` does not care about signs.
    var significand: UInt64
    var exponent: Int

    /// Nil for anything but a finite number. Swift prints doubles with at most 17 significant
    /// digits, so every JSON number fits.
    init?(_ value: JSONValue) {
        switch value {
        case .int(let i):
            self.init(significand: i.magnitude, exponent: 0)
        case .double(let d) where d.isFinite:
            guard let parsed = DecimalNumber.parse("\(d)") else { return nil }
            self = parsed
        default:
            return nil
        }
    }

    private init(significand: UInt64, exponent: Int) {
        var significand = significand
        var exponent = exponent
        while significand != 0, significand % 10 == 0 {
            significand /= 10
            exponent += 1
        }
        self.significand = significand
        self.exponent = exponent
    }

    /// Parses Swift's shortest round-trip rendering of a double: `-0.0075`, `1e-08`, `1.5e+300`.
    private static func parse(_ text: String) -> DecimalNumber? {
        var significand: UInt64 = 0
        var exponent = 0
        var afterPoint = false
        var bytes = text.utf8.makeIterator()
        while let byte = bytes.next() {
            switch byte {
            case UInt8(ascii: "-"), UInt8(ascii: "+"):
                continue
            case UInt8(ascii: "."):
                afterPoint = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (times10, overflow1) = significand.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { return nil }
                significand = sum
                if afterPoint { exponent -= 1 }
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                var rest = ""
                while let next = bytes.next() { rest.unicodeScalars.append(Unicode.Scalar(next)) }
                guard let written = Int(rest) else { return nil }
                return DecimalNumber(significand: significand, exponent: exponent + written)
            default:
                return nil
            }
        }
        return DecimalNumber(significand: significand, exponent: exponent)
    }

    /// Whether `self` is an integer multiple of `divisor`, exactly.
    func isMultiple(of divisor: DecimalNumber) -> Bool {
        if significand == 0 { return true }
        let b = divisor.significand
        guard b != 0 else { return false }
        if exponent >= divisor.exponent {
            // (a · 10^k) mod b, step by step so nothing overflows.
            var remainder = significand % b
            for _ in 0..<(exponent - divisor.exponent) where remainder != 0 {
                remainder = DecimalNumber.multiplyModulo(remainder, 10 % b, b)
            }
            return remainder == 0
        }
        var scaled = b
        for _ in 0..<(divisor.exponent - exponent) {
            let (product, overflow) = scaled.multipliedReportingOverflow(by: 10)
            if overflow { return false }
            scaled = product
        }
        return significand % scaled == 0
    }

    private static func multiplyModulo(_ x: UInt64, _ y: UInt64, _ modulus: UInt64) -> UInt64 {
        let product = x.multipliedFullWidth(by: y)
        return modulus.dividingFullWidth(product).remainder
    }
}
