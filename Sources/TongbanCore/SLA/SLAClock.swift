/// Computes a case's promised completion time (承诺办结时间) from its acceptance time, its time
/// limit and the special procedures (特别程序) that stopped the clock.
///
/// One rule set for every partner, so that a figure the gateway shows never depends on which
/// side computed it (the rules, exactly, are in docs/sla.md):
/// - Days are calendar dates in China Standard Time (+08:00), whatever offset the input was
///   written in: a time limit is counted on the clock of the offices that handle the case.
/// - `workingDay` and `calendarDay`: counting starts the day after the acceptance date
///   (受理次日起算); each working day (or each date) counts one; the promise is 00:00 +08:00 of
///   the date after the N-th counted date, exclusive: completion strictly before it is on time.
/// - `hour`: acceptance + N hours of elapsed time.
/// - A suspension stops the clock. For days, a date does not count when the case is suspended
///   at the end of that date (at 23:59:59); for hours, the suspended time is added. A
///   suspension that starts at or after the promise changes nothing: the case is already late.
public struct SLAClock: Sendable, Hashable {
    public let calendar: HolidayCalendar

    public init(calendar: HolidayCalendar) {
        self.calendar = calendar
    }

    /// A special procedure: the clock stops at `start` and restarts at `end`; no `end` means the
    /// case is still suspended. An interval whose end is not after its start is empty;
    /// overlapping intervals count once.
    public struct Suspension: Sendable, Hashable {
        public let start: Timestamp
        public let end: Timestamp?

        public init(start: Timestamp, end: Timestamp?) {
            self.start = start
            self.end = end
        }
    }

    /// How much of the limit a paused case had used when its clock stopped, in the limit's own
    /// terms, so that days and hours are never confused.
    public enum Used: Sendable, Hashable {
        /// Dates counted, for `workingDay` and `calendarDay` limits.
        case days(Int)
        /// Elapsed seconds outside suspensions, for `hour` limits.
        case seconds(Int64)
    }

    /// The promise for a case accepted at `acceptedAt` (when its clock started, see
    /// `CaseTimeline`) with `limit`; `suspensions` in any order.
    ///
    /// Throws when a working day to count is in a year without a holiday calendar, naming the
    /// year, and when the promise would fall after year 9999.
    public func promise(acceptedAt: Timestamp, limit: LocalCase.TimeLimit,
                        suspensions: [Suspension]) throws(SLAError) -> PromisedCompletion {
        let intervals = Self.merged(suspensions)
        switch limit.unit {
        case .hour:
            return try hourPromise(acceptedAt: acceptedAt, limit: limit, intervals: intervals)
        case .workingDay, .calendarDay:
            return try dayPromise(acceptedAt: acceptedAt, limit: limit, intervals: intervals)
        }
    }

    /// Suspended time in epoch seconds; `end` nil is open.
    typealias Interval = (start: Int64, end: Int64?)

    static let offset = Timestamp.chinaStandardTimeOffset

    private func dayPromise(acceptedAt: Timestamp, limit: LocalCase.TimeLimit,
                            intervals: [Interval]) throws(SLAError) -> PromisedCompletion {
        let acceptanceDay = acceptedAt.converted(toOffset: Self.offset).localDate.daysSinceEpoch
        let lastDay = Int((Timestamp.supportedRange.upperBound + Int64(Self.offset)) / 86_400) - 1
        guard limit.value <= lastDay - acceptanceDay else {
            throw .beyondTimestampRange(acceptedAt: acceptedAt, limit: limit)
        }
        var counted = 0
        var next = 0
        var day = acceptanceDay
        while true {
            day += 1
            guard day <= lastDay else { throw .beyondTimestampRange(acceptedAt: acceptedAt, limit: limit) }
            let dayEnd = Int64(day + 1) * 86_400 - Int64(Self.offset)
            // Skip the suspensions that ended by the last second of this date.
            while next < intervals.count, let end = intervals[next].end, end < dayEnd { next += 1 }
            if next < intervals.count, intervals[next].start < dayEnd {
                guard intervals[next].end != nil else {
                    return .paused(since: Self.timestamp(intervals[next].start), used: .days(counted))
                }
                continue
            }
            if limit.unit == .workingDay, try !calendar.isWorkingDay(CivilDate(daysSinceEpoch: day)) { continue }
            counted += 1
            if counted == limit.value { return .due(Self.timestamp(dayEnd)) }
        }
    }

    private func hourPromise(acceptedAt: Timestamp, limit: LocalCase.TimeLimit,
                             intervals: [Interval]) throws(SLAError) -> PromisedCompletion {
        guard Int64(limit.value) <= (Timestamp.supportedRange.upperBound - acceptedAt.epochSeconds) / 3600 else {
            throw .beyondTimestampRange(acceptedAt: acceptedAt, limit: limit)
        }
        let budget = Int64(limit.value) * 3600
        var remaining = budget
        var cursor = acceptedAt.epochSeconds
        for interval in intervals {
            if let end = interval.end, end <= cursor { continue }
            let start = max(interval.start, cursor)
            if start >= cursor + remaining { break }
            remaining -= start - cursor
            guard let end = interval.end else {
                return .paused(since: Self.timestamp(start), used: .seconds(budget - remaining))
            }
            cursor = end
        }
        guard remaining <= Timestamp.supportedRange.upperBound - cursor else {
            throw .beyondTimestampRange(acceptedAt: acceptedAt, limit: limit)
        }
        return .due(Self.timestamp(cursor + remaining))
    }

    /// Non-empty intervals, sorted, with overlapping and touching ones joined.
    static func merged(_ suspensions: [Suspension]) -> [Interval] {
        var sorted: [Interval] = []
        for suspension in suspensions {
            let start = suspension.start.epochSeconds, end = suspension.end?.epochSeconds
            if end.map({ $0 > start }) ?? true { sorted.append((start, end)) }
        }
        sorted.sort { $0.start < $1.start }
        var joined: [Interval] = []
        for interval in sorted {
            guard let last = joined.last, last.end.map({ interval.start <= $0 }) ?? true else {
                joined.append(interval)
                continue
            }
            if let lastEnd = last.end {
                joined[joined.count - 1].end = interval.end.map { max($0, lastEnd) }
            }
        }
        return joined
    }

    static func timestamp(_ epochSeconds: Int64) -> Timestamp {
        Timestamp(epochSeconds: epochSeconds, offsetSeconds: offset)
    }
}

/// A case's promised completion time, or why there is none yet.
public enum PromisedCompletion: Sendable, Hashable {
    /// Completion strictly before this instant (written in +08:00) is on time; from this instant
    /// on the case is overdue.
    case due(Timestamp)
    /// The case is suspended with no end yet, so the promise is unknown: it depends on when the
    /// case resumes. `since` is when the clock stopped.
    case paused(since: Timestamp, used: SLAClock.Used)
}
