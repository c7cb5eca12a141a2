/// A set of Unicode scalars: what one character class, `.` or `\d` matches.
///
/// Kept as sorted disjoint ranges plus a bitmap for ASCII, so the common case (ASCII input
/// against an ASCII class) is two shifts and a mask.
struct ScalarSet: Sendable {
    /// Sorted, disjoint, non-adjacent ranges.
    private(set) var ranges: [ClosedRange<UInt32>] = []
    private var asciiLow: UInt64 = 0
    private var asciiHigh: UInt64 = 0

    static let maximumScalar: UInt32 = 0x10FFFF

    init() {}

    init(_ ranges: [ClosedRange<UInt32>]) {
        for range in ranges { insert(range) }
    }

    init(scalar: UInt32) {
        insert(scalar...scalar)
    }

    @inline(__always) func contains(_ scalar: UInt32) -> Bool {
        if scalar < 64 { return asciiLow & (1 << UInt64(scalar)) != 0 }
        if scalar < 128 { return asciiHigh & (1 << UInt64(scalar - 64)) != 0 }
        var low = 0
        var high = ranges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = ranges[middle]
            if scalar < range.lowerBound { high = middle - 1 } else if scalar > range.upperBound { low = middle + 1 } else { return true }
        }
        return false
    }

    /// The only member, when the set has exactly one.
    var singleScalar: UInt32? {
        guard ranges.count == 1, ranges[0].lowerBound == ranges[0].upperBound else { return nil }
        return ranges[0].lowerBound
    }

    mutating func insert(_ range: ClosedRange<UInt32>) {
        var merged = range
        var kept: [ClosedRange<UInt32>] = []
        kept.reserveCapacity(ranges.count + 1)
        var placed = false
        for existing in ranges {
            if existing.upperBound &+ 1 < merged.lowerBound {
                kept.append(existing)
            } else if merged.upperBound &+ 1 < existing.lowerBound {
                if !placed { kept.append(merged); placed = true }
                kept.append(existing)
            } else {
                merged = min(existing.lowerBound, merged.lowerBound)...max(existing.upperBound, merged.upperBound)
            }
        }
        if !placed { kept.append(merged) }
        ranges = kept
        rebuildBitmap()
    }

    mutating func formUnion(_ other: ScalarSet) {
        for range in other.ranges { insert(range) }
    }

    /// Every scalar not in this set.
    func inverted() -> ScalarSet {
        var result: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in ranges {
            if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
            next = range.upperBound &+ 1
        }
        if next <= ScalarSet.maximumScalar, ranges.last?.upperBound != ScalarSet.maximumScalar {
            result.append(next...ScalarSet.maximumScalar)
        }
        var set = ScalarSet()
        set.ranges = result
        set.rebuildBitmap()
        return set
    }

    func isDisjoint(with other: ScalarSet) -> Bool {
        var i = 0
        var j = 0
        while i < ranges.count, j < other.ranges.count {
            let a = ranges[i]
            let b = other.ranges[j]
            if a.upperBound < b.lowerBound { i += 1 } else if b.upperBound < a.lowerBound { j += 1 } else { return false }
        }
        return true
    }

    private mutating func rebuildBitmap() {
        asciiLow = 0
        asciiHigh = 0
        for range in ranges where range.lowerBound < 128 {
            for scalar in range.lowerBound...min(range.upperBound, 127) {
                if scalar < 64 { asciiLow |= 1 << UInt64(scalar) } else { asciiHigh |= 1 << UInt64(scalar - 64) }
            }
        }
    }
}

extension ScalarSet {
    /// `\d`
    static let digits = ScalarSet([0x30...0x39])
    /// `\w`: ASCII letters, digits and underscore, as ECMA-262 defines it without the `i` flag.
    static let word = ScalarSet([0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
    /// `\s`: ECMA-262 WhiteSpace and LineTerminator.
    static let space = ScalarSet([
        0x09...0x0D, 0x20...0x20, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A,
        0x2028...0x2029, 0x202F...0x202F, 0x205F...0x205F, 0x3000...0x3000, 0xFEFF...0xFEFF,
    ])
    /// `.`: anything but a line terminator.
    static let dot = ScalarSet([0x0A...0x0A, 0x0D...0x0D, 0x2028...0x2029]).inverted()
}
