import Foundation
import Testing
import TongbanCore
import TongbanTesting

/// Shorthands for the SLA tests: times written as RFC 3339, limits, and the shipped calendar.
enum SLA {
    static let holidayDirectory = Repository.root.appendingPathComponent("ops/data/holidays")

    /// The shipped `ops/data/holidays/` (2026 only).
    static func clock() throws -> SLAClock {
        SLAClock(calendar: try HolidayCalendar(directory: holidayDirectory))
    }

    static func time(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Timestamp {
        try #require(Timestamp.parseRFC3339(text), "not RFC 3339: \(text)", sourceLocation: sourceLocation)
    }

    static func limit(_ value: Int, _ unit: LocalCase.TimeUnit) throws -> LocalCase.TimeLimit {
        try #require(LocalCase.TimeLimit(value: value, in: unit))
    }

    static func suspension(_ start: String, _ end: String?) throws -> SLAClock.Suspension {
        SLAClock.Suspension(start: try time(start), end: try end.map { try time($0) })
    }

    /// The promise as RFC 3339, or the pause, for compact expectations.
    static func promise(_ clock: SLAClock, accepted: String, _ value: Int, _ unit: LocalCase.TimeUnit,
                        suspensions: [SLAClock.Suspension] = []) throws -> String {
        switch try clock.promise(acceptedAt: time(accepted), limit: limit(value, unit), suspensions: suspensions) {
        case .due(let deadline): return deadline.rfc3339()
        case let .paused(since, used): return "paused since \(since.rfc3339()), used \(used)"
        }
    }
}
