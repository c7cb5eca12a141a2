/// The status vocabulary every partner's codes are mapped onto (Guangdong's SLZTDM, Zhejiang's
/// transactResult, GB/T 39046's 业务动作 …), so that the lifecycle is checked once, here.
public enum CaseStatus: String, Sendable, Hashable, CaseIterable {
    /// 申办: received at a window.
    case received
    /// 受理.
    case accepted
    /// 补齐补正: the applicant must add materials; the case then continues.
    case supplementRequired
    /// 不予受理. Final.
    case rejected
    /// 办理, in one or more steps.
    case inProgress
    /// 特别程序: the clock stops.
    case suspended
    /// 办结, granted.
    case approved
    /// 办结, refused.
    case denied
    /// 送达 / 领证: the result reached the applicant. Final.
    case delivered
    /// 撤回. Final.
    case withdrawn

    /// The whole lifecycle, one row per status: where a case in that status may go next.
    ///
    /// - A supplement request sends the case back to `received` (materials re-checked at the
    ///   window) or straight to a decision; it may be repeated.
    /// - `inProgress → inProgress` is a further handling step, not a repeat.
    /// - `approved` and `denied` only await delivery; a decided case can no longer be withdrawn.
    /// - `rejected`, `delivered` and `withdrawn` are final.
    private static let successors: [CaseStatus: Set<CaseStatus>] = [
        .received: [.accepted, .rejected, .supplementRequired, .inProgress, .withdrawn],
        .supplementRequired: [.received, .accepted, .rejected, .supplementRequired, .withdrawn],
        .accepted: [.inProgress, .suspended, .supplementRequired, .approved, .denied, .withdrawn],
        .inProgress: [.inProgress, .suspended, .supplementRequired, .approved, .denied, .withdrawn],
        .suspended: [.inProgress, .approved, .denied, .withdrawn],
        .approved: [.delivered],
        .denied: [.delivered],
        .rejected: [],
        .delivered: [],
        .withdrawn: [],
    ]

    /// The statuses a case's first recorded status may be. A partner may report a case for the
    /// first time already accepted, in progress, waiting for materials or rejected; it cannot
    /// first appear decided, suspended, delivered or withdrawn.
    public static let initialStatuses: Set<CaseStatus> = [.received, .accepted, .rejected, .supplementRequired, .inProgress]

    /// The statuses a case in this one may move to.
    public var successors: Set<CaseStatus> { CaseStatus.successors[self] ?? [] }

    /// No status may follow a final one.
    public var isFinal: Bool { successors.isEmpty }

    public func canMove(to next: CaseStatus) -> Bool { successors.contains(next) }

    /// Whether a case in this status can come to `target` through one or more transitions: what
    /// a poll may find when the statuses in between were not observed.
    public func canReach(_ target: CaseStatus) -> Bool {
        var seen: Set<CaseStatus> = []
        var frontier = Array(successors)
        while let next = frontier.popLast() {
            if next == target { return true }
            if seen.insert(next).inserted { frontier += next.successors }
        }
        return false
    }
}
