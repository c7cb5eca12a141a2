/// What a status update means for a case, given the status the case is in.
///
/// Partners deliver updates late, twice, or out of order; none of that is an error of the case,
/// so only updates that contradict the lifecycle are `impossible`. Every update, whatever its
/// verdict, is kept in the case's history; only `applied` ones change the current status.
public enum StatusChange: Sendable, Hashable {
    /// The update moves the case to its status (or is a further `inProgress` step or a repeated
    /// supplement request).
    case applied
    /// The update is older than the current status: an out-of-order arrival, recorded but not
    /// applied.
    case stale
    /// The case is already in this status: the same update delivered again (same status, same
    /// instant), or the same status re-reported later where the lifecycle has no such step
    /// (`approved` twice). The first report stays authoritative.
    case duplicate
    /// The lifecycle does not allow this update; the reason says why.
    case impossible(String)

    /// Judges `update` against the case's current status and the instant it was reached (nil for
    /// a case with no status yet).
    ///
    /// Times are compared as instants, whatever offsets they were written in. An update at the
    /// same instant as the current status with a different status is judged as a transition:
    /// partners that stamp two steps within one second send them in order.
    public static func evaluate(current: (status: CaseStatus, at: Timestamp)?, update: StatusUpdate) -> StatusChange {
        guard let current else {
            return CaseStatus.initialStatuses.contains(update.status)
                ? .applied
                : .impossible("a case cannot begin as \(update.status.rawValue)")
        }
        if update.at.epochSeconds < current.at.epochSeconds { return .stale }
        if update.status == current.status, update.at.isSameInstant(as: current.at) || !current.status.canMove(to: update.status) {
            return .duplicate
        }
        if current.status.isFinal {
            return .impossible("the case is already \(current.status.rawValue), a final status")
        }
        guard current.status.canMove(to: update.status) else {
            return .impossible("a case cannot move from \(current.status.rawValue) to \(update.status.rawValue)")
        }
        return .applied
    }

    /// Judges a polled snapshot: the status the partner shows now, not a report of one step.
    /// Between two polls a case may pass through statuses the poller never sees (received →
    /// approved → delivered within one poll interval), so a snapshot is applied when the
    /// lifecycle can reach it from the current status, not only when it is the next step; the
    /// first snapshot of a case is applied whatever it shows (every status can be reached from
    /// `received`). Older, repeated and unreachable snapshots are judged as `evaluate` judges
    /// reports.
    public static func evaluateSnapshot(current: (status: CaseStatus, at: Timestamp)?, update: StatusUpdate) -> StatusChange {
        guard let current else { return .applied }
        let single = evaluate(current: current, update: update)
        guard case .impossible = single, !current.status.isFinal, current.status.canReach(update.status) else { return single }
        return .applied
    }
}
