/// What the SLA figures need to know about one case, read off its status history.
///
/// Deriving acceptance, suspensions and completion from the history, in one place, keeps every
/// report counting the same way, and a timeline cannot contradict itself (completed but open).
public struct CaseTimeline: Sendable, Hashable {
    /// The caller's identifier, returned in the due-soon and overdue lists.
    public let caseID: String
    /// The agreement (partner) the case was handled under, a grouping key.
    public let agreement: String
    /// The matter's 实施编码, a grouping key.
    public let matterCode: String
    public let timeLimit: LocalCase.TimeLimit
    /// When the clock started.
    public let acceptedAt: Timestamp
    /// The special procedures after acceptance; the last one is open while the case is suspended.
    public let suspensions: [SLAClock.Suspension]
    /// When the case was decided (approved or denied); nil while it is not.
    public let completedAt: Timestamp?
    /// The latest status.
    public let status: CaseStatus

    /// Reads a case's history: its applied status changes (`StatusChange.applied`), oldest first.
    ///
    /// - The clock starts at the first status that shows the case was accepted: `accepted`
    ///   (受理), or, from a partner that does not report acceptance separately, `inProgress`,
    ///   `suspended`, `approved`, `denied` or `delivered`. Nil when the case was never accepted
    ///   (only received, waiting for materials, rejected or withdrawn): it has no clock.
    /// - Each `suspended` (特别程序) starts a suspension, which the next other status ends. Only
    ///   `suspended` stops the clock: waiting for materials after acceptance does not.
    /// - Completion is the first `approved` or `denied`; a poll that saw `delivered` without the
    ///   decision before it completes the case at the delivery, the latest the decision can be.
    public init?(caseID: String, agreement: String, matterCode: String, timeLimit: LocalCase.TimeLimit,
                 history: [(status: CaseStatus, at: Timestamp)]) {
        let acceptedStatuses: Set<CaseStatus> = [.accepted, .inProgress, .suspended, .approved, .denied, .delivered]
        guard let start = history.firstIndex(where: { acceptedStatuses.contains($0.status) }), let last = history.last else {
            return nil
        }
        var suspensions: [SLAClock.Suspension] = []
        var suspendedSince: Timestamp?
        var completedAt: Timestamp?
        for (status, at) in history[start...] {
            if status == .suspended {
                suspendedSince = suspendedSince ?? at
                continue
            }
            if let since = suspendedSince {
                suspensions.append(SLAClock.Suspension(start: since, end: at))
                suspendedSince = nil
            }
            if completedAt == nil, status == .approved || status == .denied || status == .delivered {
                completedAt = at
            }
        }
        if let since = suspendedSince { suspensions.append(SLAClock.Suspension(start: since, end: nil)) }
        self.caseID = caseID
        self.agreement = agreement
        self.matterCode = matterCode
        self.timeLimit = timeLimit
        self.acceptedAt = history[start].at
        self.suspensions = suspensions
        self.completedAt = completedAt
        self.status = last.status
    }
}
