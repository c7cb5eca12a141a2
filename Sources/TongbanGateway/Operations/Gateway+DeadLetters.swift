import TongbanCore
import TongbanMappings
import TongbanStorage

/// How a dead letter is sent again.
public enum ReplayMode: String, Sendable, CaseIterable {
    /// The stored payload, byte for byte.
    case resend
    /// A new payload from the stored canonical case with the mappings loaded now (after a mapping
    /// fix), under the same message id.
    case retranslate
}

/// What a replay did: the record of it (nil for a dry run, or when nothing was queued) and each
/// transfer's outcome.
public struct ReplayResult: Sendable {
    public var record: ReplayRecord?
    public var items: [ReplayItem]
    /// Named transfer ids that do not exist: then nothing was planned or changed.
    public var missing: [Int64] = []
}

/// What a replay did, or would do, with one transfer.
public struct ReplayItem: Sendable {
    public enum Outcome: Sendable, Equatable {
        case queued
        /// A dry run: it would be queued.
        case wouldQueue
        case skipped(String)
    }

    public var transfer: TransferRecord
    public var outcome: Outcome
    /// The payload change as `PayloadDiff.diff` lines; empty when the payload stays the same.
    public var diff: [String]
}

/// What became of an operator's close.
public enum CloseOutcome: Sendable {
    case closed(TransferRecord)
    case notFound
    /// Only a dead letter can be closed.
    case notDead(TransferState)
}

extension Gateway {
    /// The most transfers one replay takes on: bigger selections are narrowed by filter first.
    public static let replayLimit = 1000

    /// A page of dead letters, newest first, and the cursor of the next page.
    public func deadLetters(_ filter: DeadLetterFilter, after: Int64?, limit: Int) async throws -> (items: [TransferRecord], next: Int64?) {
        try await store.read { reader in
            let page = try reader.deadLetters(matching: filter, after: after, limit: limit + 1)
            return (Array(page.prefix(limit)), page.count > limit ? page[limit - 1].id : nil)
        }
    }

    /// Closes a dead letter without sending it again; the operator's reason goes into its
    /// `lastError` and, with their name, into the message log, in one transaction.
    public func closeDeadLetter(id: Int64, operator name: String, reason: String) async throws -> CloseOutcome {
        let now = clock.nowMillis()
        return try await store.write { writer -> CloseOutcome in
            guard var transfer = try writer.transfer(id: id) else { return .notFound }
            guard transfer.state == .dead else { return .notDead(transfer.state) }
            transfer.state = .closed
            transfer.finishedAt = now
            transfer.lastError = "closed by \(name): \(reason) (it had failed with: \(transfer.lastError ?? "no answer"))"
            try writer.updateTransfer(transfer)
            _ = try writer.appendLog(MessageLogDraft(
                at: now, direction: .action, party: "operator", route: "close", caseID: transfer.caseID, transferID: transfer.id,
                messageID: transfer.messageID, result: "closed", actor: "operator:\(name)", reason: reason))
            return .closed(transfer)
        }
    }

    /// Sends dead letters again: the ones named, or every one `filter` matches (at most
    /// `replayLimit`). Each keeps its message id, so the partner's duplicate rules still hold; a
    /// case the partner already confirmed is skipped, never sent twice. A dry run changes
    /// nothing and shows each transfer's payload diff; otherwise each queued transfer gets a fresh
    /// retry budget and an entry in the message log with the operator's name and reason.
    public func replay(ids: [Int64]?, filter: DeadLetterFilter?, mode: ReplayMode, dryRun: Bool, operator name: String,
                       reason: String) async throws -> ReplayResult {
        let now = clock.nowMillis()
        let selected: [TransferRecord] = try await store.read { reader in
            if let ids { return try ids.compactMap { try reader.transfer(id: $0) } }
            return try reader.deadLetters(matching: filter ?? DeadLetterFilter(), after: nil, limit: Self.replayLimit)
        }
        if let ids, selected.count < ids.count {
            let found = Set(selected.map(\.id))
            return ReplayResult(record: nil, items: [], missing: ids.filter { !found.contains($0) })
        }
        var planned: [ReplayItem] = []
        for transfer in selected {
            planned.append(try await plan(transfer, mode: mode, now: now, dryRun: dryRun))
        }
        guard !dryRun else { return ReplayResult(record: nil, items: planned) }
        let queued = planned.filter { $0.outcome == .queued }
        guard !queued.isEmpty else { return ReplayResult(record: nil, items: planned) }
        let (record, confirmed) = try await store.write { writer -> (ReplayRecord?, Set<Int64>) in
            var done: Set<Int64> = []
            for item in queued {
                // Taken again in this transaction: another operator may have replayed or closed it meanwhile.
                guard var transfer = try writer.transfer(id: item.transfer.id), transfer.state == .dead else { continue }
                transfer.payload = item.transfer.payload
                transfer.state = .pending
                transfer.nextAttemptAt = now
                transfer.finishedAt = nil
                transfer.budgetAttempts = transfer.attempts
                transfer.budgetSince = now
                try writer.updateTransfer(transfer)
                _ = try writer.appendLog(MessageLogDraft(
                    at: now, direction: .action, party: "operator", route: "replay \(mode.rawValue)", caseID: transfer.caseID,
                    transferID: transfer.id, messageID: transfer.messageID, body: mode == .retranslate ? transfer.payload : nil,
                    result: "queued", actor: "operator:\(name)", reason: reason))
                done.insert(transfer.id)
            }
            guard !done.isEmpty else { return (nil, done) }
            let record = try writer.insertReplay(ReplayRecord(createdAt: now, operatorName: name, reason: reason, mode: mode.rawValue),
                                                 transferIDs: done.sorted())
            return (record, done)
        }
        for destination in Set(queued.map(\.transfer.destination)) {
            metrics.countReplay(destination: destination, mode: mode,
                                count: queued.filter { $0.transfer.destination == destination && confirmed.contains($0.transfer.id) }.count)
            wake(destination)
        }
        return ReplayResult(record: record, items: planned.map { item in
            guard item.outcome == .queued, !confirmed.contains(item.transfer.id) else { return item }
            var changed = item
            changed.outcome = .skipped("no longer a dead letter (replayed or closed meanwhile)")
            return changed
        })
    }

    /// Decides one transfer's replay; `transfer` in the answer carries the payload to send.
    private func plan(_ transfer: TransferRecord, mode: ReplayMode, now: Int64, dryRun: Bool) async throws -> ReplayItem {
        func skipped(_ reason: String) -> ReplayItem { ReplayItem(transfer: transfer, outcome: .skipped(reason), diff: []) }
        guard transfer.state == .dead else { return skipped("not a dead letter (it is \(transfer.state.rawValue))") }
        let caseID = transfer.caseID
        // The case, its versions and the transfer's place among the case's cases and supplements
        // to that destination (version n is the n-th), read together.
        let (record, versions, ordinal) = try await store.read { reader in
            (try reader.caseRecord(id: caseID), try reader.versions(caseID: caseID),
             try reader.transfers(caseID: caseID).filter {
                 $0.destination == transfer.destination && ($0.kind == .case || $0.kind == .supplement) && $0.id <= transfer.id
             }.count)
        }
        guard let record else { return skipped("its case \(caseID) is missing") }
        if transfer.kind == .case, transfer.destination != Self.localDestination, record.direction == .outbound,
           record.partnerCaseNumber != nil || record.status != nil {
            return skipped("\(transfer.destination) already confirmed case \(record.caseNumber) (its number \(record.partnerCaseNumber ?? "-"), status \(record.status ?? "-")): not sent twice")
        }
        var replayed = transfer
        if mode == .retranslate {
            guard transfer.kind == .case || transfer.kind == .supplement, transfer.destination != Self.localDestination,
                  let partner = catalog.partner(named: transfer.destination) else {
                return skipped("only cases and supplements to a partner are re-translated; resend or close this \(transfer.kind.rawValue)")
            }
            guard let version = versions.first(where: { $0.version == ordinal }) else {
                return skipped("version \(ordinal) of case \(record.caseNumber) is not stored")
            }
            switch partner.translateOutbound(try JSONParser.parse(version.canonical), kind: .case,
                                             context: TranslationContext(now: Self.timestamp(now), uuid: transfer.messageID)) {
            case .success(let payload): replayed.payload = payload
            case .failure(let failure):
                let first = failure.issues.prefix(3).map { "\($0.path): \($0.reason)" }.joined(separator: "; ")
                return skipped("the current mapping still refuses it: \(first)")
            }
        }
        let diff = PayloadDiff.diff(PayloadDiff.lines(transfer.payload, contentType: transfer.contentType),
                                    PayloadDiff.lines(replayed.payload, contentType: transfer.contentType))
        return ReplayItem(transfer: replayed, outcome: dryRun ? .wouldQueue : .queued, diff: diff)
    }
}
