/// The SLA figures of a group of cases (one agreement, one matter, or all): how many were
/// completed on time (按期办结率, the figure every report quotes), how long handling took, and
/// which open cases need attention now.
///
/// Definitions (docs/sla.md):
/// - completed: decided (`completedAt` set); on time: completed strictly before the promise.
/// - handling time: acceptance → completion minus the suspended time in between, in seconds.
/// - median and 90th percentile: nearest rank over the completed cases' handling times sorted
///   ascending, the value at rank ⌈p/100 × n⌉, so each figure is a real case's time.
/// - open: neither completed nor withdrawn or rejected; overdue when `now` ≥ promise, due soon
///   when now < promise ≤ now + window. A suspended case whose clock is paused is neither.
public struct SLAReport: Sendable, Hashable {
    /// Every case in the group.
    public let count: Int
    public let completed: Int
    public let completedOnTime: Int
    /// Ended without a decision after acceptance; in `count` only.
    public let withdrawnOrRejected: Int
    /// Handling time in seconds, nil when nothing was completed.
    public let medianHandlingSeconds: Int64?
    public let p90HandlingSeconds: Int64?
    /// Open cases by their latest status; statuses with no case are absent.
    public let openByStatus: [CaseStatus: Int]
    /// Open cases past their promise, earliest promise first.
    public let overdue: [OpenCase]
    /// Open cases whose promise falls within the window, earliest promise first.
    public let dueSoon: [OpenCase]

    /// Completed on time ÷ completed; nil when none was completed (no rate rather than 0 % or
    /// 100 % for an agreement that has not finished a case yet).
    public var onTimeRate: Double? {
        completed == 0 ? nil : Double(completedOnTime) / Double(completed)
    }

    /// An open case with a known promise.
    public struct OpenCase: Sendable, Hashable {
        public let caseID: String
        public let agreement: String
        public let matterCode: String
        public let status: CaseStatus
        public let promise: Timestamp
    }

    /// Figures for `cases` as of `now`; `dueSoonWithin` is the window in seconds (86 400 for
    /// "due within 24 hours").
    ///
    /// Throws when a case's promise cannot be computed (a year without a holiday calendar):
    /// figures that silently leave cases out would look better than they are.
    public init(cases: [CaseTimeline], clock: SLAClock, now: Timestamp, dueSoonWithin: Int64) throws(SLAError) {
        var completed = 0, onTime = 0, withdrawnOrRejected = 0
        var handling: [Int64] = []
        var openByStatus: [CaseStatus: Int] = [:]
        var overdue: [OpenCase] = [], dueSoon: [OpenCase] = []
        for timeline in cases {
            let promise = try clock.promise(acceptedAt: timeline.acceptedAt, limit: timeline.timeLimit,
                                            suspensions: timeline.suspensions)
            if let completedAt = timeline.completedAt {
                completed += 1
                if case .due(let deadline) = promise, completedAt.epochSeconds < deadline.epochSeconds { onTime += 1 }
                handling.append(Self.handlingSeconds(timeline, completedAt: completedAt))
                continue
            }
            if timeline.status == .withdrawn || timeline.status == .rejected {
                withdrawnOrRejected += 1
                continue
            }
            openByStatus[timeline.status, default: 0] += 1
            guard case .due(let deadline) = promise else { continue }
            let open = OpenCase(caseID: timeline.caseID, agreement: timeline.agreement, matterCode: timeline.matterCode,
                                status: timeline.status, promise: deadline)
            if now.epochSeconds >= deadline.epochSeconds {
                overdue.append(open)
            } else if deadline.epochSeconds - now.epochSeconds <= dueSoonWithin {
                dueSoon.append(open)
            }
        }
        handling.sort()
        let byPromise = { (a: OpenCase, b: OpenCase) in (a.promise.epochSeconds, a.caseID) < (b.promise.epochSeconds, b.caseID) }
        self.count = cases.count
        self.completed = completed
        self.completedOnTime = onTime
        self.withdrawnOrRejected = withdrawnOrRejected
        self.medianHandlingSeconds = Self.nearestRank(50, of: handling)
        self.p90HandlingSeconds = Self.nearestRank(90, of: handling)
        self.openByStatus = openByStatus
        self.overdue = overdue.sorted(by: byPromise)
        self.dueSoon = dueSoon.sorted(by: byPromise)
    }

    /// One report per key (`\.agreement`, `\.matterCode`, or any function of the case), with the
    /// same clock, instant and window.
    public static func grouped<Key: Hashable>(_ cases: [CaseTimeline], by key: (CaseTimeline) -> Key, clock: SLAClock,
                                              now: Timestamp, dueSoonWithin: Int64) throws(SLAError) -> [Key: SLAReport] {
        var reports: [Key: SLAReport] = [:]
        for (group, members) in Dictionary(grouping: cases, by: key) {
            reports[group] = try SLAReport(cases: members, clock: clock, now: now, dueSoonWithin: dueSoonWithin)
        }
        return reports
    }

    /// Elapsed seconds from acceptance to completion outside suspensions.
    static func handlingSeconds(_ timeline: CaseTimeline, completedAt: Timestamp) -> Int64 {
        let from = timeline.acceptedAt.epochSeconds, to = completedAt.epochSeconds
        var suspended: Int64 = 0
        for interval in SLAClock.merged(timeline.suspensions) {
            let start = max(interval.start, from), end = min(interval.end ?? to, to)
            if end > start { suspended += end - start }
        }
        return to - from - suspended
    }

    /// The value at rank ⌈percent/100 × n⌉ (1-based) of `sorted`; nil when empty.
    static func nearestRank(_ percent: Int, of sorted: [Int64]) -> Int64? {
        guard !sorted.isEmpty else { return nil }
        let rank = (percent * sorted.count + 99) / 100
        return sorted[rank - 1]
    }
}
