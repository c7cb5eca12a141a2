import Testing
import TongbanCore

@Suite("Date-time patterns")
struct TimePatternTests {
    let cst = Timestamp.chinaStandardTimeOffset

    @Test func formatsInTheRequestedOffset() throws {
        let utc = try #require(Timestamp.parseRFC3339("2026-11-20T01:30:00Z"))
        #expect(try TimePattern("yyyy-MM-dd HH:mm:ss").format(utc, offsetSeconds: cst) == "2026-11-20 09:30:00")
        #expect(try TimePattern("yyyyMMddHHmmss").format(utc, offsetSeconds: cst) == "20261120093000")
        #expect(try TimePattern("yyyyMMdd").format(utc, offsetSeconds: -2 * 3600) == "20261119")
        #expect(try TimePattern("yyyy年MM月dd日 HH时mm分").format(utc, offsetSeconds: cst) == "2026年11月20日 09时30分")
        #expect(try TimePattern("yyyy-MM-dd'T'HH:mm:ss").format(utc, offsetSeconds: cst) == "2026-11-20T09:30:00")
        #expect(try TimePattern("dd/MM/yyyy 'o''clock' HH''").format(utc, offsetSeconds: cst) == "20/11/2026 o'clock 09'")
        #expect(try TimePattern("rfc3339").format(utc, offsetSeconds: cst) == "2026-11-20T09:30:00+08:00")
        #expect(try TimePattern("rfc3339").format(utc, offsetSeconds: -(5 * 3600 + 30 * 60)) == "2026-11-19T20:00:00-05:30")
        let early = try #require(Timestamp.parseRFC3339("0987-06-05T04:03:02Z"))
        #expect(try TimePattern("yyyy-MM-dd HH:mm:ss").format(early, offsetSeconds: 0) == "0987-06-05 04:03:02")
    }

    @Test func parsesWallClockInTheGivenOffset() throws {
        let expected = try #require(Timestamp.parseRFC3339("2026-11-20T09:30:00+08:00"))
        #expect(try TimePattern("yyyyMMddHHmmss").parse("20261120093000", offsetSeconds: cst) == expected)
        #expect(try TimePattern("yyyy-MM-dd HH:mm:ss").parse("2026-11-20 09:30:00", offsetSeconds: cst) == expected)
        #expect(try TimePattern("yyyy年MM月dd日").parse("2026年11月20日", offsetSeconds: cst)?.rfc3339() == "2026-11-20T00:00:00+08:00")
        #expect(try TimePattern("yyyy-MM-dd'T'HH:mm:ss").parse("2026-11-20T01:30:00", offsetSeconds: 0)?.isSameInstant(as: expected) == true)
        // rfc3339 text carries its own offset, which is kept.
        #expect(try TimePattern("rfc3339").parse("2026-11-20T01:30:00Z", offsetSeconds: cst)?.rfc3339() == "2026-11-20T01:30:00Z")
    }

    @Test(arguments: ["2026112009300", "202611200930000", "2026-11-20 09:30:00", "20260230093000", "20261120243000",
                      "2026112009300a", "+026112009300", "２０26112009300"])
    func parsingIsStrict(_ text: String) throws {
        #expect(try TimePattern("yyyyMMddHHmmss").parse(text, offsetSeconds: cst) == nil)
    }

    @Test func roundTripsEverySecondOfADayBoundary() throws {
        let pattern = try TimePattern("yyyyMMddHHmmss")
        var t = try #require(Timestamp.parseRFC3339("2024-02-28T23:59:30+08:00"))
        for _ in 0..<90 {
            let text = pattern.format(t, offsetSeconds: cst)
            #expect(pattern.parse(text, offsetSeconds: cst) == t)
            t = Timestamp(epochSeconds: t.epochSeconds + 1, offsetSeconds: cst)
        }
    }

    @Test func errorsNameTheProblem() {
        #expect(throws: TimePatternError.unknownLetters(["Y", "D"])) { try TimePattern("YYYY-MM-DD") }
        #expect(throws: TimePatternError.unknownLetters(["T", "h"])) { try TimePattern("yyyy-MM-ddThh:mm") }
        #expect(throws: TimePatternError.unsupportedToken("yy")) { try TimePattern("yy-MM-dd") }
        #expect(throws: TimePatternError.unsupportedToken("M")) { try TimePattern("yyyy-M-dd") }
        #expect(throws: TimePatternError.repeatedField("dd")) { try TimePattern("yyyy-MM-dd dd") }
        #expect(throws: TimePatternError.missingField("yyyy")) { try TimePattern("HH:mm:ss") }
        #expect(throws: TimePatternError.missingField("dd")) { try TimePattern("yyyy-MM") }
        #expect(throws: TimePatternError.unterminatedQuote) { try TimePattern("yyyy-MM-dd'T") }
        #expect(TimePatternError.unknownLetters(["Y"]).description
            == "unknown pattern letter 'Y': fields are yyyy MM dd HH mm ss; quote literal letters, as in 'T'")
    }
}
