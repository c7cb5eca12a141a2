import Testing
import TongbanCore

@Suite("SLA report: on-time rate, handling times, due and overdue cases")
struct SLAReportTests {
    let clock: SLAClock
    let now: Timestamp

    init() throws {
        clock = try SLA.clock()
        now = try SLA.time("2026-03-10T12:00:00+08:00")
    }

    static func timeline(_ id: String, agreement: String = "henan-tongbai", matter: String = "M1",
                         _ value: Int, _ unit: LocalCase.TimeUnit, _ history: [(CaseStatus, String)]) throws -> CaseTimeline {
        try #require(CaseTimeline(caseID: id, agreement: agreement, matterCode: matter, timeLimit: SLA.limit(value, unit),
                                  history: history.map { (status: $0.0, at: try SLA.time("2026-03-" + $0.1 + ":00+08:00")) }))
    }

    /// Five completed cases, handling times 2 h, 3 h, 9 h, 24 h and 71 h; three on time.
    static func completed() throws -> [CaseTimeline] {
        try [
            // 24 h: promise 03T09:00; approved after 2 h.
            timeline("c1", 24, .hour, [(.accepted, "02T09:00"), (.approved, "02T11:00")]),
            // 24 h, suspended 24 h: promise 04T09:00; 27 h elapsed − 24 h suspended = 3 h.
            timeline("c2", 24, .hour, [(.accepted, "02T09:00"), (.suspended, "02T10:00"), (.inProgress, "03T10:00"),
                                        (.approved, "03T12:00")]),
            // 8 h: promise 02T17:00; approved at 18:00, late.
            timeline("c3", 8, .hour, [(.accepted, "02T09:00"), (.inProgress, "02T10:00"), (.approved, "02T18:00")]),
            // 1 calendar day: promise 04T00:00; denied after 24 h, then delivered.
            timeline("c4", matter: "M2", 1, .calendarDay, [(.accepted, "02T09:00"), (.denied, "03T09:00"), (.delivered, "05T10:00")]),
            // 2 working days (Tue 3, Wed 4): promise 05T00:00; approved 05T08:00, late, after 71 h.
            timeline("c5", matter: "M2", 2, .workingDay, [(.accepted, "02T09:00"), (.approved, "05T08:00")]),
        ]
    }

    /// Open cases as of 10 Mar 12:00, and one withdrawn.
    static func open() throws -> [CaseTimeline] {
        try [
            // Promise 10T09:00: overdue.
            timeline("o1", agreement: "zaoyang", 24, .hour, [(.accepted, "09T09:00"), (.inProgress, "09T10:00")]),
            // Promise 11T09:00, 21 h from now: due soon.
            timeline("o2", agreement: "zaoyang", 24, .hour, [(.accepted, "10T09:00")]),
            // Promise 18T00:00: neither.
            timeline("o3", agreement: "zaoyang", 5, .workingDay, [(.accepted, "10T09:00"), (.inProgress, "10T09:30")]),
            // Suspended before its promise: paused, neither.
            timeline("o4", agreement: "zaoyang", 24, .hour, [(.accepted, "09T09:00"), (.suspended, "09T10:00")]),
            // Suspended after its promise (09T11:00): still overdue.
            timeline("o5", agreement: "zaoyang", 2, .hour, [(.accepted, "09T09:00"), (.suspended, "09T12:00")]),
            timeline("w1", agreement: "zaoyang", 5, .workingDay, [(.received, "02T08:00"), (.accepted, "02T09:00"), (.withdrawn, "03T09:00")]),
        ]
    }

    @Test func completedCases() throws {
        let report = try SLAReport(cases: Self.completed(), clock: clock, now: now, dueSoonWithin: 86_400)
        #expect(report.count == 5)
        #expect(report.completed == 5)
        #expect(report.completedOnTime == 3)
        #expect(report.onTimeRate == 0.6)
        // Sorted: 7 200, 10 800, 32 400, 86 400, 255 600. Median rank ⌈2.5⌉ = 3, p90 rank ⌈4.5⌉ = 5.
        #expect(report.medianHandlingSeconds == 32_400)
        #expect(report.p90HandlingSeconds == 255_600)
        #expect(report.openByStatus.isEmpty && report.overdue.isEmpty && report.dueSoon.isEmpty)
    }

    /// Ten cases handled in 1 … 10 hours: the median is the 5th (no averaging), p90 the 9th.
    @Test func nearestRankPercentiles() throws {
        let cases = try (1...10).map { hours in
            try Self.timeline("n\(hours)", 24, .hour, [(.accepted, "02T00:00"), (.approved, "02T\(hours < 10 ? "0" : "")\(hours):00")])
        }
        let report = try SLAReport(cases: cases.reversed(), clock: clock, now: now, dueSoonWithin: 0)
        #expect(report.medianHandlingSeconds == 18_000)  // 5 h
        #expect(report.p90HandlingSeconds == 32_400)  // 9 h
        let one = try SLAReport(cases: [cases[6]], clock: clock, now: now, dueSoonWithin: 0)
        #expect(one.medianHandlingSeconds == 25_200 && one.p90HandlingSeconds == 25_200)  // 7 h
    }

    @Test func openCases() throws {
        let report = try SLAReport(cases: Self.open(), clock: clock, now: now, dueSoonWithin: 86_400)
        #expect(report.count == 6)
        #expect(report.completed == 0 && report.onTimeRate == nil)
        #expect(report.medianHandlingSeconds == nil && report.p90HandlingSeconds == nil)
        #expect(report.withdrawnOrRejected == 1)
        #expect(report.openByStatus == [.inProgress: 2, .accepted: 1, .suspended: 2])
        #expect(report.overdue.map(\.caseID) == ["o5", "o1"])
        #expect(report.overdue.map { $0.promise.rfc3339() } == ["2026-03-09T11:00:00+08:00", "2026-03-10T09:00:00+08:00"])
        #expect(report.overdue.map(\.status) == [.suspended, .inProgress])
        #expect(report.dueSoon.map(\.caseID) == ["o2"])
        #expect(report.dueSoon.first?.promise.rfc3339() == "2026-03-11T09:00:00+08:00")
    }

    @Test func dueSoonWindowBoundaries() throws {
        let cases = try Self.open()
        // o2 is due in exactly 21 hours: inside a 21-hour window, outside a shorter one.
        #expect(try SLAReport(cases: cases, clock: clock, now: now, dueSoonWithin: 21 * 3600).dueSoon.map(\.caseID) == ["o2"])
        #expect(try SLAReport(cases: cases, clock: clock, now: now, dueSoonWithin: 21 * 3600 - 1).dueSoon.isEmpty)
        // At its promise a case is overdue, not due soon.
        let atPromise = try SLA.time("2026-03-11T09:00:00+08:00")
        let later = try SLAReport(cases: cases, clock: clock, now: atPromise, dueSoonWithin: 86_400)
        #expect(later.overdue.map(\.caseID) == ["o5", "o1", "o2"])
        #expect(later.dueSoon.isEmpty)
        // A week later o3 (promise 18 Mar 00:00) is due within the day.
        let week = try SLAReport(cases: cases, clock: clock, now: SLA.time("2026-03-17T06:00:00+08:00"), dueSoonWithin: 86_400)
        #expect(week.dueSoon.map(\.caseID) == ["o3"])
    }

    @Test func groupedByAgreementAndMatter() throws {
        let cases = try Self.completed() + Self.open()
        let byAgreement = try SLAReport.grouped(cases, by: \.agreement, clock: clock, now: now, dueSoonWithin: 86_400)
        #expect(Set(byAgreement.keys) == ["henan-tongbai", "zaoyang"])
        #expect(byAgreement["henan-tongbai"]?.completedOnTime == 3)
        #expect(byAgreement["zaoyang"]?.overdue.count == 2)

        let byMatter = try SLAReport.grouped(cases, by: \.matterCode, clock: clock, now: now, dueSoonWithin: 86_400)
        let m1 = try #require(byMatter["M1"])
        #expect(m1.count == 9 && m1.completed == 3 && m1.completedOnTime == 2)
        // 7 200, 10 800, 32 400: median rank 2, p90 rank ⌈2.7⌉ = 3.
        #expect(m1.medianHandlingSeconds == 10_800 && m1.p90HandlingSeconds == 32_400)
        let m2 = try #require(byMatter["M2"])
        #expect(m2.completed == 2 && m2.completedOnTime == 1 && m2.onTimeRate == 0.5)
        #expect(m2.medianHandlingSeconds == 86_400 && m2.p90HandlingSeconds == 255_600)
    }

    @Test func timelineFromHistory() throws {
        // Never accepted: no clock.
        #expect(try CaseTimeline(caseID: "r", agreement: "a", matterCode: "m", timeLimit: SLA.limit(5, .workingDay),
                                 history: [(.received, SLA.time("2026-03-02T09:00:00+08:00")),
                                           (.rejected, SLA.time("2026-03-02T10:00:00+08:00"))]) == nil)
        // A partner that reports handling without acceptance; a repeated suspension; a decision
        // ending the suspension.
        let handled = try Self.timeline("h", 24, .hour, [(.received, "02T08:00"), (.inProgress, "02T09:00"), (.suspended, "02T10:00"),
                                                         (.suspended, "02T11:00"), (.approved, "02T13:00")])
        #expect(try handled.acceptedAt == SLA.time("2026-03-02T09:00:00+08:00"))
        #expect(try handled.suspensions == [SLA.suspension("2026-03-02T10:00:00+08:00", "2026-03-02T13:00:00+08:00")])
        #expect(try handled.completedAt == SLA.time("2026-03-02T13:00:00+08:00"))
        #expect(handled.status == .approved)
        // Polled straight to delivered: completed at the delivery.
        let polled = try Self.timeline("p", 24, .hour, [(.accepted, "02T09:00"), (.delivered, "04T09:00")])
        #expect(try polled.completedAt == SLA.time("2026-03-04T09:00:00+08:00"))
        #expect(polled.status == .delivered)
        // Still suspended: the last suspension is open.
        let suspended = try Self.timeline("s", 24, .hour, [(.accepted, "02T09:00"), (.suspended, "02T10:00"), (.inProgress, "02T11:00"),
                                                           (.suspended, "03T10:00")])
        #expect(try suspended.suspensions == [SLA.suspension("2026-03-02T10:00:00+08:00", "2026-03-02T11:00:00+08:00"),
                                              SLA.suspension("2026-03-03T10:00:00+08:00", nil)])
        #expect(suspended.completedAt == nil && suspended.status == .suspended)
    }

    @Test func aReportNeedingAMissingYearFails() throws {
        let december = try CaseTimeline(caseID: "d", agreement: "a", matterCode: "m", timeLimit: SLA.limit(10, .workingDay),
                                        history: [(.accepted, SLA.time("2026-12-24T10:00:00+08:00"))])
        #expect(throws: SLAError.noHolidayCalendar(year: 2027, covered: [2026])) {
            try SLAReport(cases: [#require(december)], clock: clock, now: now, dueSoonWithin: 86_400)
        }
    }
}
