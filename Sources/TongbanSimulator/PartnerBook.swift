import TongbanCore

/// What one simulated partner remembers: the cases it holds, the message numbers it has
/// processed (to answer a resend as a duplicate), its outgoing status messages, its own
/// residents' cases, and its counters. Only `SimulatorState` holds books, so every change to
/// one is a single step on that actor.
struct PartnerBook: Sendable {
    var stats = PartnerStats()
    private(set) var cases: [String: HeldCase] = [:]
    private var caseOrder: [String] = []
    /// The partner's own case numbers → the sender's.
    private var partnerNumbers: [String: String] = [:]
    private var messages: [String: ProcessedMessage] = [:]
    private(set) var outbox: [OutgoingStatus] = []
    private var outboxIndex: [String: Int] = [:]
    private(set) var own: [OwnCase] = []
    private var ownIndex: [String: Int] = [:]
    private var sequence = 0

    /// A processed message: the case it concerned and the partner case number it was answered with.
    struct ProcessedMessage: Sendable {
        var caseNumber: String?
        var answer: String?
    }

    /// How a status message fared at the gateway.
    enum StatusVerdict: Sendable {
        case taken
        /// Not taken; send it again.
        case retry
        /// Refused for good.
        case refused
    }

    /// 1, 2, 3…: numbers the partner's own case numbers.
    mutating func nextSequence() -> Int {
        sequence += 1
        return sequence
    }

    /// The held case the partner numbered `partnerCaseNumber` (Zaoyang's `unid`).
    func held(partnerCaseNumber: String) -> HeldCase? {
        partnerNumbers[partnerCaseNumber].flatMap { cases[$0] }
    }

    /// The cases in the order they were first taken.
    var heldCases: [HeldCase] { caseOrder.compactMap { cases[$0] } }

    // MARK: Receiving

    /// A message number processed before: counted as a duplicate (and as one more receipt of
    /// its case), and the earlier answer returned. Nil for a message not seen.
    mutating func recall(message number: String) -> ProcessedMessage? {
        guard let earlier = messages[number] else { return nil }
        stats.duplicatesRecognised += 1
        if let caseNumber = earlier.caseNumber { cases[caseNumber]?.received += 1 }
        return earlier
    }

    mutating func remember(message number: String, caseNumber: String?, answer: String?) {
        messages[number] = ProcessedMessage(caseNumber: caseNumber, answer: answer)
    }

    /// A new-case submission that is not a duplicate by the partner's rule. A case number
    /// already held is processed again (a real partner would open a second case; the counter
    /// shows the double delivery) and answered with the number it already has.
    mutating func take(_ new: HeldCase) -> String {
        stats.casesProcessed += 1
        if var existing = cases[new.caseNumber] {
            existing.received += 1
            existing.processed += 1
            cases[new.caseNumber] = existing
            return existing.partnerCaseNumber
        }
        cases[new.caseNumber] = new
        caseOrder.append(new.caseNumber)
        partnerNumbers[new.partnerCaseNumber] = new.caseNumber
        return new.partnerCaseNumber
    }

    /// A resend recognised by the case number itself (Zaoyang's `projid` rule): counted as a
    /// duplicate; returns the partner's number, nil for a case not held.
    mutating func recallCase(_ caseNumber: String) -> String? {
        guard cases[caseNumber] != nil else { return nil }
        cases[caseNumber]!.received += 1
        stats.duplicatesRecognised += 1
        return cases[caseNumber]!.partnerCaseNumber
    }

    /// A supplement: the held case takes the next version (or `version` when the message
    /// says). Nil for a case not held.
    mutating func supplement(_ caseNumber: String, version: Int?) -> String? {
        guard var held = cases[caseNumber] else { return nil }
        held.received += 1
        held.supplements += 1
        held.version = max(version ?? held.version + 1, held.version)
        cases[caseNumber] = held
        stats.supplementsProcessed += 1
        return held.partnerCaseNumber
    }

    /// A withdrawal. Nil for a case not held; otherwise the partner's number and whether the
    /// case could still be withdrawn (a decided case cannot).
    mutating func withdraw(_ caseNumber: String, at now: Int64, reason: String) -> (partnerCaseNumber: String, applied: Bool)? {
        guard var held = cases[caseNumber] else { return nil }
        held.received += 1
        let applied = held.progression.withdraw(at: now, reason: reason)
        cases[caseNumber] = held
        if applied { stats.withdrawalsProcessed += 1 }
        return (held.partnerCaseNumber, applied)
    }

    // MARK: Pushing statuses

    /// Makes the status messages of every step that has become due, with `render`; a step
    /// `render` cannot make is skipped (the caller logs why).
    mutating func issueDueStatuses(at now: Int64, render: (HeldCase, Int) -> OutgoingStatus?) {
        for caseNumber in caseOrder {
            guard var held = cases[caseNumber] else { continue }
            let due = held.progression.dueCount(at: now)
            guard held.stepsIssued < due else { continue }
            for step in held.stepsIssued..<due {
                guard let message = render(held, step) else { continue }
                outboxIndex[message.messageID] = outbox.count
                outbox.append(message)
            }
            held.stepsIssued = due
            cases[caseNumber] = held
        }
    }

    /// The status messages to send now, oldest first. Out of order, a case's only pending
    /// message is held back while more steps are to come, and two or more go newest first.
    func statusesToSend(outOfOrder: Bool) -> [OutgoingStatus] {
        let pending = outbox.filter(\.isPending)
        guard outOfOrder else { return pending }
        var byCase: [String: [OutgoingStatus]] = [:]
        var order: [String] = []
        for message in pending {
            if byCase[message.caseNumber] == nil { order.append(message.caseNumber) }
            byCase[message.caseNumber, default: []].append(message)
        }
        return order.flatMap { caseNumber -> [OutgoingStatus] in
            let messages = byCase[caseNumber]!
            if messages.count == 1, let held = cases[caseNumber], held.progression.hasSteps(after: held.stepsIssued) { return [] }
            return messages.reversed()
        }
    }

    /// Records one round of sending a message (`copies` times) and how the gateway answered.
    mutating func settle(_ messageID: String, copies: Int, verdict: StatusVerdict, attemptLimit: Int) {
        guard let index = outboxIndex[messageID], outbox[index].isPending else { return }
        outbox[index].attempts += 1
        stats.statusesSent += copies
        switch verdict {
        case .taken:
            outbox[index].acknowledged = true
            stats.statusesAcknowledged += 1
        case .refused:
            outbox[index].abandoned = true
            stats.statusesAbandoned += 1
        case .retry:
            if outbox[index].attempts >= attemptLimit {
                outbox[index].abandoned = true
                stats.statusesAbandoned += 1
            }
        }
    }

    // MARK: Own cases

    mutating func addOwn(_ ownCase: OwnCase) {
        ownIndex[ownCase.caseNumber] = own.count
        own.append(ownCase)
    }

    /// Records how the gateway answered a submission of an own case.
    mutating func settleOwn(_ caseNumber: String, state: OwnCase.State, gatewayCaseNumber: String?, refusal: String?) {
        guard let index = ownIndex[caseNumber] else { return }
        own[index].attempts += 1
        stats.ownCasesSent += 1
        guard own[index].state == .pending else { return }
        own[index].state = state
        if let gatewayCaseNumber { own[index].gatewayCaseNumber = gatewayCaseNumber }
        own[index].refusal = refusal
        if state == .accepted { stats.ownCasesAccepted += 1 }
        if state == .refused { stats.ownCasesRefused += 1 }
    }

    /// Records a status of an own case; `onlyChanges` skips a code equal to the last one
    /// (a poll that found nothing new). False for a case number the partner never sent.
    @discardableResult
    mutating func recordOwnStatus(_ caseNumber: String, code: String, onlyChanges: Bool) -> Bool {
        guard let index = ownIndex[caseNumber] else { return false }
        if onlyChanges, own[index].statuses.last == code { return true }
        own[index].statuses.append(code)
        stats.ownStatusesReceived += 1
        return true
    }
}
