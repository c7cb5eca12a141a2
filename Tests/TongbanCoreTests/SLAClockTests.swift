import Testing
import TongbanCore

@Suite("SLA clock: promised completion time")
struct SLAClockTests {
    let clock: SLAClock

    init() throws {
        clock = try SLA.clock()
    }

    /// 5 working days from Thursday 12 Feb: Fri 13, Sat 14 (调休上班), then 15–23 Feb off
    /// (Spring Festival), Tue 24, Wed 25, Thu 26.
    @Test func workingDaysAcrossTheSpringFestival() throws {
        #expect(try SLA.promise(clock, accepted: "2026-02-12T10:00:00+08:00", 5, .workingDay) == "2026-02-27T00:00:00+08:00")
        // Accepted late in the evening or right after midnight: only the date matters.
        #expect(try SLA.promise(clock, accepted: "2026-02-12T23:59:59+08:00", 5, .workingDay) == "2026-02-27T00:00:00+08:00")
        #expect(try SLA.promise(clock, accepted: "2026-02-13T00:00:00+08:00", 5, .workingDay) == "2026-02-28T00:00:00+08:00")
    }

    @Test func completionIsOnTimeStrictlyBeforeThePromise() throws {
        let accepted = "2026-02-12T10:00:00+08:00"
        let cases = try ["2026-02-26T17:00:00+08:00", "2026-02-26T23:59:59+08:00", "2026-02-27T00:00:00+08:00", "2026-02-27T09:00:00+08:00"]
            .enumerated().map { index, completed in
                try #require(CaseTimeline(caseID: "c\(index)", agreement: "henan-tongbai", matterCode: "M1",
                                          timeLimit: SLA.limit(5, .workingDay),
                                          history: [(.accepted, SLA.time(accepted)), (.approved, SLA.time(completed))]))
            }
        let report = try SLAReport(cases: cases, clock: clock, now: SLA.time("2026-03-01T00:00:00+08:00"), dueSoonWithin: 86_400)
        #expect(report.completed == 4)
        #expect(report.completedOnTime == 2)  // 26 Feb 17:00 and 23:59:59; 27 Feb 00:00 and 09:00 are late
    }

    /// 3 working days from Wednesday 25 Feb: Thu 26, Fri 27, Sat 28 (调休上班).
    @Test func makeUpSaturdayAfterTheSpringFestival() throws {
        #expect(try SLA.promise(clock, accepted: "2026-02-25T15:00:00+08:00", 3, .workingDay) == "2026-03-01T00:00:00+08:00")
        // The next one: Mon 2 Mar, Tue 3 Mar.
        #expect(try SLA.promise(clock, accepted: "2026-02-25T15:00:00+08:00", 5, .workingDay) == "2026-03-04T00:00:00+08:00")
    }

    /// 5 working days from Tuesday 29 Sep: Wed 30, 1–7 Oct off (National Day), Thu 8, Fri 9,
    /// Sat 10 (调休上班), Sun 11 off, Mon 12.
    @Test func nationalDayAndItsMakeUpSaturday() throws {
        #expect(try SLA.promise(clock, accepted: "2026-09-29T09:00:00+08:00", 5, .workingDay) == "2026-10-13T00:00:00+08:00")
        #expect(try SLA.promise(clock, accepted: "2026-10-09T09:00:00+08:00", 1, .workingDay) == "2026-10-11T00:00:00+08:00")
        // Sunday 20 Sep is a make-up working day too; Fri 25 Sep (中秋节) is off.
        #expect(try SLA.promise(clock, accepted: "2026-09-18T09:00:00+08:00", 1, .workingDay) == "2026-09-21T00:00:00+08:00")
        #expect(try SLA.promise(clock, accepted: "2026-09-19T09:00:00+08:00", 1, .workingDay) == "2026-09-21T00:00:00+08:00")
        #expect(try SLA.promise(clock, accepted: "2026-09-24T09:00:00+08:00", 1, .workingDay) == "2026-09-29T00:00:00+08:00")
    }

    /// Counting starts the day after acceptance, so a case accepted on 31 Dec 2025 needs no
    /// 2025 calendar: 1–3 Jan off (元旦), Sun 4 Jan (调休上班), Mon 5 Jan.
    @Test func acceptedTheDayBeforeTheFirstCoveredYear() throws {
        #expect(try SLA.promise(clock, accepted: "2025-12-31T16:00:00+08:00", 2, .workingDay) == "2026-01-06T00:00:00+08:00")
    }

    @Test func calendarDaysCountHolidays() throws {
        // 13 … 22 Feb, Spring Festival included.
        #expect(try SLA.promise(clock, accepted: "2026-02-12T10:00:00+08:00", 10, .calendarDay) == "2026-02-23T00:00:00+08:00")
        #expect(try SLA.promise(clock, accepted: "2026-02-12T10:00:00+08:00", 1, .calendarDay) == "2026-02-14T00:00:00+08:00")
    }

    @Test func hoursAreElapsedTime() throws {
        let accepted = "2026-02-12T10:00:00+08:00"
        #expect(try SLA.promise(clock, accepted: accepted, 48, .hour) == "2026-02-14T10:00:00+08:00")
        // 6 h 30 min suspended are added.
        let suspended = try SLA.suspension("2026-02-13T09:00:00+08:00", "2026-02-13T15:30:00+08:00")
        #expect(try SLA.promise(clock, accepted: accepted, 48, .hour, suspensions: [suspended]) == "2026-02-14T16:30:00+08:00")
        // Two overlapping suspensions count once: 09:00–15:30 and 12:00–16:00 stop the clock 7 hours.
        let overlapping = try SLA.suspension("2026-02-13T12:00:00+08:00", "2026-02-13T16:00:00+08:00")
        #expect(try SLA.promise(clock, accepted: accepted, 48, .hour, suspensions: [overlapping, suspended]) == "2026-02-14T17:00:00+08:00")
        // Hours ignore the holiday calendar, so they can run into a year without one.
        #expect(try SLA.promise(clock, accepted: "2026-12-31T20:00:00+08:00", 24, .hour) == "2027-01-01T20:00:00+08:00")
    }

    @Test func openSuspensionPausesTheHourClock() throws {
        let accepted = "2026-02-12T10:00:00+08:00"
        let open = try SLA.suspension("2026-02-13T09:00:00+08:00", nil)
        #expect(try SLA.promise(clock, accepted: accepted, 48, .hour, suspensions: [open])
            == "paused since 2026-02-13T09:00:00+08:00, used seconds(82800)")
        // Suspended at or after the promise: already late, the promise stands.
        let late = try SLA.suspension("2026-02-14T10:00:00+08:00", nil)
        #expect(try SLA.promise(clock, accepted: accepted, 48, .hour, suspensions: [late]) == "2026-02-14T10:00:00+08:00")
    }

    /// Accepted Wednesday 4 Mar, 5 working days: Thu 5, Fri 6, then suspended from Monday 9 Mar
    /// 10:00 to Wednesday 11 Mar 09:00: Monday and Tuesday do not count, Wednesday does.
    @Test func suspensionAcrossDays() throws {
        let accepted = "2026-03-04T11:00:00+08:00"
        #expect(try SLA.promise(clock, accepted: accepted, 5, .workingDay) == "2026-03-12T00:00:00+08:00")
        let mondayToWednesday = try SLA.suspension("2026-03-09T10:00:00+08:00", "2026-03-11T09:00:00+08:00")
        #expect(try SLA.promise(clock, accepted: accepted, 5, .workingDay, suspensions: [mondayToWednesday]) == "2026-03-14T00:00:00+08:00")
        #expect(try SLA.promise(clock, accepted: accepted, 7, .calendarDay, suspensions: [mondayToWednesday]) == "2026-03-14T00:00:00+08:00")
        // Resumed at 00:00 Wednesday: suspended when Tuesday ended, so the same.
        let toMidnight = try SLA.suspension("2026-03-09T10:00:00+08:00", "2026-03-11T00:00:00+08:00")
        #expect(try SLA.promise(clock, accepted: accepted, 5, .workingDay, suspensions: [toMidnight]) == "2026-03-14T00:00:00+08:00")
        // Suspended and resumed within one day: running again when the day ended, so it counts.
        let withinTuesday = try SLA.suspension("2026-03-10T10:00:00+08:00", "2026-03-10T15:00:00+08:00")
        #expect(try SLA.promise(clock, accepted: accepted, 5, .workingDay, suspensions: [withinTuesday]) == "2026-03-12T00:00:00+08:00")
        // Suspended over the weekend only: weekend days do not count anyway.
        let weekend = try SLA.suspension("2026-03-07T10:00:00+08:00", "2026-03-09T08:00:00+08:00")
        #expect(try SLA.promise(clock, accepted: accepted, 5, .workingDay, suspensions: [weekend]) == "2026-03-12T00:00:00+08:00")
    }

    @Test func openSuspensionPausesTheDayClock() throws {
        let open = try SLA.suspension("2026-03-09T10:00:00+08:00", nil)
        #expect(try SLA.promise(clock, accepted: "2026-03-04T11:00:00+08:00", 5, .workingDay, suspensions: [open])
            == "paused since 2026-03-09T10:00:00+08:00, used days(2)")
        // Reached before the suspension: the promise stands.
        #expect(try SLA.promise(clock, accepted: "2026-03-04T11:00:00+08:00", 2, .workingDay, suspensions: [open]) == "2026-03-07T00:00:00+08:00")
    }

    /// 2026-02-12T20:00Z is 04:00 on 13 Feb in China: counting starts on Saturday 14 (调休上班),
    /// then 24, 25, 26, 27 Feb.
    @Test func daysAreChinaStandardTimeDates() throws {
        #expect(try SLA.promise(clock, accepted: "2026-02-12T20:00:00Z", 5, .workingDay) == "2026-02-28T00:00:00+08:00")
        #expect(try SLA.promise(clock, accepted: "2026-02-12T15:59:59Z", 5, .workingDay) == "2026-02-27T00:00:00+08:00")
        // 23:30 on 12 Feb in New York is 12:30 on 13 Feb in China.
        #expect(try SLA.promise(clock, accepted: "2026-02-12T23:30:00-05:00", 5, .workingDay) == "2026-02-28T00:00:00+08:00")
    }

    @Test func aYearWithoutCalendarIsAnError() throws {
        // Thu 24 Dec: Fri 25, Mon 28 … Thu 31 are 5; the sixth needs 2027.
        #expect(try SLA.promise(clock, accepted: "2026-12-24T10:00:00+08:00", 5, .workingDay) == "2027-01-01T00:00:00+08:00")
        let error = #expect(throws: SLAError.self) {
            try SLA.promise(clock, accepted: "2026-12-24T10:00:00+08:00", 6, .workingDay)
        }
        #expect(error == .noHolidayCalendar(year: 2027, covered: [2026]))
        #expect(error?.description == "no holiday calendar for 2027 (calendars loaded: 2026); add its file to the holiday directory (docs/sla.md)")
        let monday = try #require(CivilDate(year: 2027, month: 1, day: 4))
        #expect(throws: SLAError.noHolidayCalendar(year: 2027, covered: [2026])) {
            try clock.calendar.isWorkingDay(monday)
        }
        // Calendar days need no calendar.
        #expect(try SLA.promise(clock, accepted: "2026-12-24T10:00:00+08:00", 10, .calendarDay) == "2027-01-04T00:00:00+08:00")
    }

    @Test func absurdLimitsAreErrorsNotCrashes() throws {
        let accepted = try SLA.time("2026-02-12T10:00:00+08:00")
        for limit in try [SLA.limit(Int.max, .hour), SLA.limit(Int.max, .calendarDay), SLA.limit(3_000_000, .calendarDay)] {
            #expect(throws: SLAError.beyondTimestampRange(acceptedAt: accepted, limit: limit)) {
                try clock.promise(acceptedAt: accepted, limit: limit, suspensions: [])
            }
        }
        #expect(LocalCase.TimeLimit(value: 0, in: .hour) == nil)
    }
}
