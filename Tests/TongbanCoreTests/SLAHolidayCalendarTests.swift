import Foundation
import Testing
import TongbanCore

@Suite("SLA holiday calendar files")
struct SLAHolidayCalendarTests {
    /// A file named cn-2026.tsv with a comment on line 1, the header on line 2 and `rows` from line 3.
    static func problem(_ rows: String, header: String = "date\tkind\tholiday\n") -> String? {
        do {
            _ = try HolidayCalendar.Year(tsv: "# test\n" + header + rows, file: "cn-2026.tsv")
            return nil
        } catch {
            return error.description
        }
    }

    static func date(_ year: Int, _ month: Int, _ day: Int) throws -> CivilDate {
        try #require(CivilDate(year: year, month: month, day: day))
    }

    @Test func shippedCalendar2026() throws {
        let calendar = try SLA.clock().calendar
        #expect(calendar.coveredYears == [2026])
        let expected: [(CivilDate, Bool)] = try [
            (Self.date(2026, 1, 1), false), (Self.date(2026, 1, 4), true),     // 元旦; Sunday 调休上班
            (Self.date(2026, 2, 13), true), (Self.date(2026, 2, 14), true),    // Friday; Saturday 调休上班
            (Self.date(2026, 2, 16), false), (Self.date(2026, 2, 23), false),  // 春节, Monday to Monday
            (Self.date(2026, 2, 24), true), (Self.date(2026, 2, 28), true),    // back; Saturday 调休上班
            (Self.date(2026, 3, 7), false), (Self.date(2026, 3, 9), true),     // ordinary Saturday, Monday
            (Self.date(2026, 9, 20), true), (Self.date(2026, 9, 25), false),   // Sunday 调休上班; 中秋节
            (Self.date(2026, 10, 7), false), (Self.date(2026, 10, 10), true),  // 国庆节; Saturday 调休上班
            (Self.date(2026, 10, 11), false),
        ]
        for (date, working) in expected {
            #expect(try calendar.isWorkingDay(date) == working, "\(date)")
        }
        // 261 weekdays − 19 weekday holidays + 6 make-up weekend days.
        var workingDays = 0
        for day in try Self.date(2026, 1, 1).daysSinceEpoch...Self.date(2026, 12, 31).daysSinceEpoch
        where try calendar.isWorkingDay(CivilDate(daysSinceEpoch: day)) {
            workingDays += 1
        }
        #expect(workingDays == 248)
    }

    @Test func shippedFileIsTheOfficialArrangement() throws {
        let shipped = try String(contentsOf: SLA.holidayDirectory.appendingPathComponent("cn-2026.tsv"), encoding: .utf8)
        #expect(shipped.contains("2026-02-14\twork\t春节\n") && shipped.contains("2026-10-10\twork\t国庆节\n"))
    }

    @Test func malformedRows() {
        #expect(Self.problem("2026-02-30\toff\t春节\n") == "cn-2026.tsv:3: '2026-02-30' is not an existing date written YYYY-MM-DD")
        #expect(Self.problem("2026-2-14\twork\t春节\n") == "cn-2026.tsv:3: '2026-2-14' is not an existing date written YYYY-MM-DD")
        #expect(Self.problem("20260214\twork\t春节\n") == "cn-2026.tsv:3: '20260214' is not an existing date written YYYY-MM-DD")
        #expect(Self.problem("2026-02-15\toff\t春节\n2026-02-16\tholiday\t春节\n")
            == "cn-2026.tsv:4: unknown kind 'holiday' for 2026-02-16: expected off (holiday or bridging day) or work (weekend working day)")
        #expect(Self.problem("2026-02-15\tOFF\t春节\n")
            == "cn-2026.tsv:3: unknown kind 'OFF' for 2026-02-15: expected off (holiday or bridging day) or work (weekend working day)")
        #expect(Self.problem("2026-02-15\toff\n") == "cn-2026.tsv:3: expected 3 tab-separated columns (date, kind, holiday), found 2")
        #expect(Self.problem("2026-02-15\toff\t春节\textra\n") == "cn-2026.tsv:3: expected 3 tab-separated columns (date, kind, holiday), found 4")
        #expect(Self.problem("2026-02-15 off 春节\n") == "cn-2026.tsv:3: expected 3 tab-separated columns (date, kind, holiday), found 1")
        #expect(Self.problem("2026-02-15\toff\t\n") == "cn-2026.tsv:3: the holiday name of 2026-02-15 is empty")
    }

    @Test func aDateListedTwiceIsRefused() {
        #expect(Self.problem("2026-02-15\toff\t春节\n2026-02-16\toff\t春节\n2026-02-15\twork\t春节\n")
            == "cn-2026.tsv:5: 2026-02-15 is listed twice (first on line 3)")
    }

    @Test func workMustBeAWeekendDay() {
        #expect(Self.problem("2026-02-13\twork\t春节\n")
            == "cn-2026.tsv:3: 2026-02-13 is a Friday: only a Saturday or Sunday can be a make-up working day (work); weekdays are working days already")
        #expect(Self.problem("2026-02-14\twork\t春节\n2026-01-04\twork\t元旦\n") == nil)
    }

    /// The notice gives each holiday as a run that includes its weekend days (2月15日至23日).
    @Test func offMayBeAnyDay() {
        #expect(Self.problem("2026-02-15\toff\t春节\n2026-02-16\toff\t春节\n2026-02-21\toff\t春节\n") == nil)
    }

    @Test func oneYearPerFile() throws {
        #expect(Self.problem("2026-12-31\toff\t测试\n2027-01-01\toff\t元旦\n")
            == "cn-2026.tsv:4: 2027-01-01 is in 2027, but the file covers 2026 (the year of its first date, line 3): one file per year")
        let a = try HolidayCalendar.Year(tsv: "date\tkind\tholiday\n2026-01-01\toff\t元旦\n", file: "a.tsv")
        let b = try HolidayCalendar.Year(tsv: "date\tkind\tholiday\n2026-10-01\toff\t国庆节\n", file: "b.tsv")
        #expect(a.year == 2026 && a.file == "a.tsv")
        #expect(throws: HolidayFileError(file: "b.tsv", line: nil, reason: "covers 2026, which a.tsv already covers")) {
            try HolidayCalendar([a, b])
        }
    }

    @Test func headerAndEmptyFiles() {
        #expect(Self.problem("2026-02-15\toff\t春节\n", header: "date\tkind\n")
            == "cn-2026.tsv:2: expected the header line date<TAB>kind<TAB>holiday, found 'date\tkind'")
        #expect(Self.problem("", header: "2026-02-15\toff\t春节\n")
            == "cn-2026.tsv:2: expected the header line date<TAB>kind<TAB>holiday, found '2026-02-15\toff\t春节'")
        #expect(Self.problem("", header: "") == "cn-2026.tsv: no header line date<TAB>kind<TAB>holiday")
        #expect(Self.problem("\n# nothing yet\n") == "cn-2026.tsv: no dates listed, so the file covers no year")
    }

    @Test func windowsLineEndingsAndByteOrderMark() throws {
        let year = try HolidayCalendar.Year(tsv: "\u{FEFF}# notice\r\ndate\tkind\tholiday\r\n2026-02-14\twork\t春节\r\n", file: "cn-2026.tsv")
        #expect(try HolidayCalendar([year]).isWorkingDay(Self.date(2026, 2, 14)))
    }

    @Test func loadingFromFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tongban-holidays-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        #expect(throws: HolidayFileError(file: directory.path, line: nil, reason: "no *.tsv holiday calendar file in the directory")) {
            try HolidayCalendar(directory: directory)
        }
        try FileManager.default.copyItem(at: SLA.holidayDirectory.appendingPathComponent("cn-2026.tsv"),
                                         to: directory.appendingPathComponent("cn-2026.tsv"))
        try "date\tkind\tholiday\n2027-01-01\toff\t元旦\n".write(to: directory.appendingPathComponent("cn-2027.tsv"), atomically: true, encoding: .utf8)
        try "not a calendar".write(to: directory.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let calendar = try HolidayCalendar(directory: directory)
        #expect(calendar.coveredYears == [2026, 2027])
        #expect(try !calendar.isWorkingDay(Self.date(2027, 1, 1)))
        #expect(try calendar.isWorkingDay(Self.date(2027, 1, 4)))

        let bad = directory.appendingPathComponent("cn-2028.tsv")
        try "date\tkind\tholiday\n2028-01-01\tof\t元旦\n".write(to: bad, atomically: true, encoding: .utf8)
        #expect(throws: HolidayFileError(file: bad.path, line: 2, reason: "unknown kind 'of' for 2028-01-01: expected off (holiday or bridging day) or work (weekend working day)")) {
            try HolidayCalendar(directory: directory)
        }
        let missing = directory.appendingPathComponent("cn-2029.tsv")
        let error = #expect(throws: HolidayFileError.self) { try HolidayCalendar(files: [missing]) }
        #expect(error?.file == missing.path && error?.line == nil)
        #expect(error?.reason.hasPrefix("cannot read the file as UTF-8") == true)
    }
}
