import TongbanCore
import TongbanStorage

extension Gateway {
    /// Pauses a bulk replay without pausing its partner (other traffic goes on): its transfers
    /// still waiting are `held` from the commit on, those out finish their attempt (and are
    /// held if they must be retried), and the pause is in the store, so a restart keeps it. The
    /// pause and its message log entry (the operator's name and reason) are one transaction.
    public func pauseReplay(id: Int64, operator person: String, reason: String) async throws -> OperatorActionOutcome {
        let now = clock.nowMillis()
        let refused = try await store.write { writer -> OperatorActionOutcome? in
            guard let (record, states) = try writer.replay(id: id) else { return .unknown }
            if let earlier = record.pause {
                return .conflict("replay \(id) is already paused, since \(Self.timestamp(earlier.at).rfc3339()) by \(earlier.by): \(earlier.reason)")
            }
            guard Self.waiting(states) > 0 else { return .conflict("replay \(id) is done: none of its transfers waits") }
            let held = try writer.pauseReplay(id: id, ReplayRecord.Pause(at: now, by: person, reason: reason))
            _ = try writer.appendLog(MessageLogDraft(
                at: now, direction: .action, party: "operator", route: "replay pause \(id)", result: "paused, \(held) held",
                actor: "operator:\(person)", reason: reason))
            return nil
        }
        if let refused { return refused }
        logger.notice("replay paused", metadata: ["replay": "\(id)", "operator": "\(person)", "reason": "\(reason)"])
        return try await replayProgress(id: id).map(OperatorActionOutcome.done) ?? .unknown
    }

    /// Ends a replay's pause: its held transfers are due at once, and every destination's workers
    /// are woken. Logged like the pause, with when and by whom it began.
    public func resumeReplay(id: Int64, operator person: String, reason: String) async throws -> OperatorActionOutcome {
        let now = clock.nowMillis()
        let refused = try await store.write { writer -> OperatorActionOutcome? in
            guard let (record, _) = try writer.replay(id: id) else { return .unknown }
            guard let earlier = record.pause else { return .conflict("replay \(id) is not paused") }
            let released = try writer.resumeReplay(id: id, now: now)
            _ = try writer.appendLog(MessageLogDraft(
                at: now, direction: .action, party: "operator", route: "replay resume \(id)",
                result: "resumed, \(released) queued again (paused since \(Self.timestamp(earlier.at).rfc3339()) by \(earlier.by))",
                actor: "operator:\(person)", reason: reason))
            return nil
        }
        if let refused { return refused }
        destinationNames.forEach(wake)
        logger.notice("replay resumed", metadata: ["replay": "\(id)", "operator": "\(person)", "reason": "\(reason)"])
        return try await replayProgress(id: id).map(OperatorActionOutcome.done) ?? .unknown
    }

    /// How many of a replay's transfers still wait: queued, out, offered on a feed, or held.
    static func waiting(_ states: [TransferState: Int]) -> Int {
        [TransferState.pending, .inFlight, .offered, .held].reduce(0) { $0 + (states[$1] ?? 0) }
    }
}
