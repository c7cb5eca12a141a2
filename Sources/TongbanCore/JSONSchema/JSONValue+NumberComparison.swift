/// Exact number comparisons for `minimum`, `maximum` and `type: integer`, mixing `Int64` and
/// `Double` without losing precision or calling libm.
extension Double {
    /// Whether the value is an integer, without calling libm's `round`.
    var isWholeNumber: Bool {
        guard isFinite else { return false }
        // From 2^52 on every double is whole; below, the conversion truncates exactly.
        return magnitude >= 4_503_599_627_370_496 || Double(Int64(self)) == self
    }
}

extension JSONValue {
    /// Compares two numbers exactly, also an `Int64` with a double; nil unless both are numbers.
    func compareNumber(to other: JSONValue) -> Int? {
        switch (self, other) {
        case (.int(let a), .int(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.double(let a), .double(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.int(let a), .double(let b)): return JSONValue.compare(a, b)
        case (.double(let a), .int(let b)): return -JSONValue.compare(b, a)
        default: return nil
        }
    }

    private static func compare(_ integer: Int64, _ double: Double) -> Int {
        guard double.isFinite, double < 9.223372036854775808e18 else { return double > 0 ? -1 : 1 }
        guard double >= -9.223372036854775808e18 else { return 1 }
        let whole = Int64(double)
        if integer != whole { return integer < whole ? -1 : 1 }
        let fraction = double - Double(whole)
        return fraction > 0 ? -1 : (fraction < 0 ? 1 : 0)
    }
}
