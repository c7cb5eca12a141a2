import Testing
import TongbanCore

@Suite("Timestamps and calendar days")
struct TimestampTests {
    @Test func civilDateArithmetic() throws {
        #expect(try #require(CivilDate(year: 1970, month: 1, day: 1)).daysSinceEpoch == 0)
        #expect(try #require(CivilDate(year: 2000, month: 3, day: 1)).daysSinceEpoch == 11017)
        #expect(try #require(CivilDate(year: 1, month: 1, day: 1)).daysSinceEpoch == -719_162)
        #expect(try #require(CivilDate(year: 9999, month: 12, day: 31)).daysSinceEpoch == 2_932_896)
        for days in stride(from: -800_000, through: 3_000_000, by: 997) {
            #expect(CivilDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
        #expect(CivilDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 2026, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2000, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 1985, month: 4, day: 31) == nil)
        #expect(CivilDate(year: 1985, month: 13, day: 1) == nil)
        #expect(CivilDate(year: 2026, month: 11, day: 20)?.description == "2026-11-20")
    }

    @Test func parsesAndWritesRFC3339() throws {
        let t = try #require(Timestamp.parseRFC3339("2026-11-20T09:30:00+08:00"))
        #expect(t.epochSeconds == 1_795_138_200)
        #expect(t.offsetSeconds == 28_800)
        #expect(t.rfc3339() == "2026-11-20T09:30:00+08:00")
        #expect(t.localDate == CivilDate(year: 2026, month: 11, day: 20))
    }

    @Test(arguments: [
        "2026-11-20T09:30:00+08:00", "2026-11-20T01:30:00Z", "2026-11-19T20:00:00-05:30",
        "1900-01-01T00:00:00+08:00", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2024-02-29T23:59:59+23:59",
    ])
    func roundTrips(_ text: String) throws {
        #expect(try #require(Timestamp.parseRFC3339(text)).rfc3339() == text)
    }

    @Test func acceptedVariants() throws {
        let canonical = try #require(Timestamp.parseRFC3339("2026-11-20T01:30:00Z"))
        #expect(Timestamp.parseRFC3339("2026-11-20t01:30:00z") == canonical)
        #expect(Timestamp.parseRFC3339("2026-11-20T01:30:00+00:00") == canonical)
        #expect(Timestamp.parseRFC3339("2026-11-20T01:30:00-00:00") == canonical)
        // Fractional seconds are accepted and dropped.
        #expect(Timestamp.parseRFC3339("2026-11-20T01:30:00.999999Z") == canonical)
        #expect(Timestamp.parseRFC3339("2026-11-20T09:30:00.5+08:00")?.rfc3339() == "2026-11-20T09:30:00+08:00")
        #expect(Timestamp.parseRFC3339("2026-11-20T01:30:00Z"[...]) == canonical)
    }

    @Test(arguments: [
        "2026-11-20T09:30:00", "2026-11-20 09:30:00+08:00", "2026-11-20T09:30+08:00", "2026-11-20T09:30:00+0800",
        "2026-11-20T09:30:00+8:00", "2026-02-29T09:30:00+08:00", "2026-11-20T24:00:00+08:00", "2026-11-20T09:60:00+08:00",
        "2026-11-20T23:59:60Z", "2026-11-20T09:30:00+24:00", "2026-11-20T09:30:00.+08:00", "2026-11-20T09:30:00Z ",
        "26-11-20T09:30:00Z", "2026-11-20", "", "２０２６-11-20T09:30:00Z", "0000-01-01T00:00:00+00:01",
    ])
    func refused(_ text: String) {
        #expect(Timestamp.parseRFC3339(text) == nil)
    }

    @Test func conversionKeepsTheInstant() throws {
        let utc = try #require(Timestamp.parseRFC3339("2026-11-20T01:30:00Z"))
        let beijing = utc.converted(toOffset: Timestamp.chinaStandardTimeOffset)
        #expect(beijing.rfc3339() == "2026-11-20T09:30:00+08:00")
        #expect(beijing.isSameInstant(as: utc))
        #expect(beijing != utc)  // same instant, different record
        #expect(beijing.converted(toOffset: 0) == utc)
        #expect(beijing.converted(toOffset: -10 * 3600).rfc3339() == "2026-11-19T15:30:00-10:00")
        #expect(beijing.converted(toOffset: -10 * 3600).localDate == CivilDate(year: 2026, month: 11, day: 19))
    }

    @Test func orderIsByInstant() throws {
        let early = try #require(Timestamp.parseRFC3339("2026-11-20T10:00:00+08:00"))  // 02:00Z
        let late = try #require(Timestamp.parseRFC3339("2026-11-20T03:00:00Z"))
        #expect(early < late)
        #expect([late, early].sorted() == [early, late])
        let sameInstant = early.converted(toOffset: 0)
        #expect(sameInstant < early || early < sameInstant)  // a total order consistent with ==
    }

    @Test func wallClockInitializer() throws {
        let day = try #require(CivilDate(year: 2026, month: 11, day: 20))
        #expect(Timestamp(date: day, hour: 9, minute: 30, second: 0, offsetSeconds: 28_800)?.rfc3339() == "2026-11-20T09:30:00+08:00")
        #expect(Timestamp(date: day, hour: 24, minute: 0, second: 0, offsetSeconds: 0) == nil)
        #expect(Timestamp(date: day, hour: 9, minute: 30, second: 0, offsetSeconds: 28_801) == nil)
        #expect(Timestamp.isValidOffset(-(23 * 3600 + 59 * 60)) && !Timestamp.isValidOffset(24 * 3600))
    }

    @Test func nowIsPlausible() {
        let now = Timestamp.now()
        #expect(now.offsetSeconds == 28_800)
        #expect(now.localDate.year >= 2025)
    }
}
