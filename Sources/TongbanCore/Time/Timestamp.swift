/// An instant, together with the UTC offset it was written in.
///
/// Partners send local wall-clock times (China Standard Time unless a partner says otherwise);
/// keeping the offset lets a canonical record say exactly what its sender said, while ordering
/// uses the instant. Offsets are fixed: China has no daylight saving time, so no zone database
/// is needed, and all arithmetic is plain integer work (this runs on every case).
///
/// Precision is one second, the resolution of GB/T 39046 date-times; parsers accept fractional
/// seconds and drop them.
///
/// Equality and hashing are memberwise: `09:30:00+08:00` and `01:30:00Z` are the same instant but
/// not the same record. Ordering is by instant, the offset only breaking ties so that `<` stays
/// consistent with `==`; use `isSameInstant(as:)` to compare instants alone.
public struct Timestamp: Sendable, Hashable, Comparable {
    /// Seconds since 1970-01-01T00:00:00Z.
    public let epochSeconds: Int64
    /// The offset from UTC the time was written in, east positive: `+08:00` is 28 800.
    public let offsetSeconds: Int

    /// UTC+8, the default wherever a partner does not state an offset.
    public static let chinaStandardTimeOffset = 8 * 3600

    /// The instants RFC 3339 can write in UTC: 0000-01-01T00:00:00Z through 9999-12-31T23:59:59Z.
    /// Bounding the range keeps all arithmetic far from overflow.
    public static let supportedRange: ClosedRange<Int64> = -62_167_219_200 ... 253_402_300_799

    /// Whether an offset can be written as `±hh:mm`: whole minutes, at most 23:59 either way.
    public static func isValidOffset(_ seconds: Int) -> Bool {
        seconds % 60 == 0 && abs(seconds) <= 23 * 3600 + 59 * 60
    }

    /// Offsets and ranges are the caller's configuration, so a bad one is a programming error:
    /// check partner-supplied offsets with `isValidOffset(_:)` when loading them.
    public init(epochSeconds: Int64, offsetSeconds: Int) {
        precondition(Timestamp.isValidOffset(offsetSeconds), "UTC offset \(offsetSeconds) s is not whole minutes within ±23:59")
        precondition(Timestamp.supportedRange.contains(epochSeconds), "instant \(epochSeconds) is outside years 0000–9999")
        self.epochSeconds = epochSeconds
        self.offsetSeconds = offsetSeconds
    }

    /// The instant a wall clock at `offsetSeconds` shows; nil when a field is out of range
    /// (hour 24, second 60), the offset is invalid or the instant is outside `supportedRange`.
    public init?(date: CivilDate, hour: Int, minute: Int, second: Int, offsetSeconds: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second),
              Timestamp.isValidOffset(offsetSeconds) else { return nil }
        let local = Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        let instant = local - Int64(offsetSeconds)
        guard Timestamp.supportedRange.contains(instant) else { return nil }
        self.init(epochSeconds: instant, offsetSeconds: offsetSeconds)
    }

    /// The same instant as written in another offset.
    public func converted(toOffset offsetSeconds: Int) -> Timestamp {
        Timestamp(epochSeconds: epochSeconds, offsetSeconds: offsetSeconds)
    }

    public func isSameInstant(as other: Timestamp) -> Bool { epochSeconds == other.epochSeconds }

    /// The calendar day on the wall clock of the timestamp's own offset: what the clerk at the
    /// window saw, which is the day that matters for birth dates and deadlines.
    public var localDate: CivilDate { wallClock.date }

    /// The wall-clock reading in the timestamp's own offset.
    var wallClock: WallClock {
        let local = epochSeconds + Int64(offsetSeconds)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = Int(local - days * 86_400)
        return WallClock(date: CivilDate(daysSinceEpoch: Int(days)),
                         hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60, second: secondOfDay % 60)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.epochSeconds, lhs.offsetSeconds) < (rhs.epochSeconds, rhs.offsetSeconds)
    }
}

/// A date and time of day as a clock in some offset shows it.
struct WallClock {
    var date: CivilDate
    var hour: Int
    var minute: Int
    var second: Int
}
