/// Why a promised completion time cannot be computed.
///
/// Both are configuration or data problems that a guess would hide: the caller reports them
/// rather than show a date that may be wrong.
public enum SLAError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Counting working days reached a year that no holiday calendar file covers.
    case noHolidayCalendar(year: Int, covered: [Int])
    /// The promise would fall after the last instant a `Timestamp` holds (year 9999): the limit
    /// or a suspension is absurd.
    case beyondTimestampRange(acceptedAt: Timestamp, limit: LocalCase.TimeLimit)

    public var description: String {
        switch self {
        case let .noHolidayCalendar(year, covered):
            let loaded = covered.isEmpty ? "none" : covered.map(String.init).joined(separator: ", ")
            return "no holiday calendar for \(year) (calendars loaded: \(loaded)); add its file to the holiday directory (docs/sla.md)"
        case let .beyondTimestampRange(acceptedAt, limit):
            return "a limit of \(limit.value) \(limit.unit.rawValue) from \(acceptedAt.rfc3339()) ends after year 9999"
        }
    }
}
