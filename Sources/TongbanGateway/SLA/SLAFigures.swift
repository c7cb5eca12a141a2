import TongbanCore
import TongbanStorage

/// The SLA figures of a set of cases: all together, per agreement (partner) and per matter.
public struct SLAFigures: Sendable {
    public var all: SLAReport
    public var byAgreement: [String: SLAReport]
    public var byMatter: [String: SLAReport]

    /// The most cases one report reads: a longer period is asked for in parts.
    public static let caseLimit = 20_000

    public enum Problem: Error, CustomStringConvertible {
        /// More than `caseLimit` cases (or the caller's limit) in the period.
        case tooMany(limit: Int)
        /// The clock needs a holiday file it does not have.
        case clock(SLAError)

        public var description: String {
            switch self {
            case .tooMany(let limit): "more than \(limit) cases in the period: ask for a shorter one"
            case .clock(let error): "\(error)"
            }
        }
    }

    public init(_ timelines: [CaseTimeline], calendar: HolidayCalendar, now: Int64, dueSoon: Duration) throws(Problem) {
        let clock = SLAClock(calendar: calendar)
        let at = Gateway.timestamp(now)
        let window = dueSoon.components.seconds
        do {
            all = try SLAReport(cases: timelines, clock: clock, now: at, dueSoonWithin: window)
            byAgreement = try SLAReport.grouped(timelines, by: \.agreement, clock: clock, now: at, dueSoonWithin: window)
            byMatter = try SLAReport.grouped(timelines, by: \.matterCode, clock: clock, now: at, dueSoonWithin: window)
        } catch {
            throw .clock(error)
        }
    }

    /// The timelines of the cases created in `[from, to)` (either bound may be open), of one
    /// partner and one matter when given. Cases that were never accepted have none.
    ///
    /// - Parameter openOnly: skip decided and final cases before reading their histories (they
    ///   can be neither overdue nor due soon).
    public static func timelines(store: any GatewayStore, partner: String?, matter: String?, from: Int64?, to: Int64?,
                                 limit: Int = caseLimit, openOnly: Bool = false) async throws -> [CaseTimeline] {
        var timelines: [CaseTimeline] = []
        var after: Int64?
        var seen = 0
        repeat {
            let cursor = after
            let page = try await store.read { reader -> (cases: [CaseRecord], lines: [CaseTimeline]) in
                let cases = try reader.cases(matching: CaseFilter(partner: partner, createdFrom: from, createdTo: to), after: cursor, limit: 500)
                let lines = try cases.compactMap { record -> CaseTimeline? in
                    guard matter == nil || record.matterCode == matter, !openOnly || !Self.isDecided(record.status),
                          let first = try reader.version(caseID: record.id, version: 1),
                          let limit = Self.timeLimit(of: first.canonical) else { return nil }
                    let history = try reader.statuses(caseID: record.id)
                        .filter { $0.outcome == .applied }
                        .sorted { $0.at < $1.at }
                        .compactMap { status in CaseStatus(rawValue: status.status).map { (status: $0, at: Gateway.timestamp(status.at)) } }
                    return CaseTimeline(caseID: record.id, agreement: record.partner, matterCode: record.matterCode, timeLimit: limit,
                                        history: history)
                }
                return (cases, lines)
            }
            seen += page.cases.count
            guard seen <= limit else { throw Problem.tooMany(limit: limit) }
            timelines += page.lines
            after = page.cases.count == 500 ? page.cases.last?.seq : nil
        } while after != nil
        return timelines
    }

    /// Approved, denied, or in a final status: the case's clock has stopped for good.
    static func isDecided(_ status: String?) -> Bool {
        guard let status = status.flatMap(CaseStatus.init(rawValue:)) else { return false }
        return status == .approved || status == .denied || status.isFinal
    }

    /// A canonical case's `timeLimit`; nil when it has none the clock can use.
    static func timeLimit(of canonical: [UInt8]) -> LocalCase.TimeLimit? {
        guard let json = try? JSONParser.parse(canonical), let value = json["timeLimit"]?["value"]?.integerValue,
              let unit = json["timeLimit"]?["unit"]?.stringValue.flatMap(LocalCase.TimeUnit.init(rawValue:)) else { return nil }
        return LocalCase.TimeLimit(value: Int(value), in: unit)
    }
}
