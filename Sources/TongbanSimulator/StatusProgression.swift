import TongbanCore

/// One status a held case reaches, and when.
struct ProgressStep: Sendable {
    var status: CaseStatus
    /// Milliseconds since the epoch at which the case reaches this status.
    var dueAt: Int64
    var opinion: String
    var result: ResultLicence?
}

/// The statuses a case goes through while a partner handles it: received, accepted, in
/// progress, approved with a result licence, delivered, one per step interval from the moment
/// the case was taken. Progress is a function of time, so a polled partner (Zaoyang) answers
/// with the status reached by now and a pushing partner (Tongbai, the hub) sends each step
/// once it is due.
struct StatusProgression: Sendable {
    private(set) var steps: [ProgressStep]

    /// The usual course of an approved case. `resultName` and `resultNumber` are the licence
    /// the approval issues.
    static func approval(startingAt start: Int64, stepMillis: Int64, resultName: String, resultNumber: String) -> StatusProgression {
        let licence = ResultLicence(name: String(String.UnicodeScalarView(resultName.unicodeScalars.prefix(200))), number: resultNumber)
        let plan: [(CaseStatus, String)] = [
            (.received, "已接收"), (.accepted, "材料齐全，予以受理"), (.inProgress, "审查中"),
            (.approved, "准予许可"), (.delivered, "结果已送达"),
        ]
        let steps = plan.enumerated().map { index, entry in
            ProgressStep(status: entry.0, dueAt: start + Int64(index) * stepMillis, opinion: entry.1,
                         result: entry.0 == .approved ? licence : nil)
        }
        return StatusProgression(steps: steps)
    }

    /// A case refused at once, such as a hub case for a matter outside the agreement.
    static func rejection(at time: Int64, reason: String) -> StatusProgression {
        StatusProgression(steps: [ProgressStep(status: .rejected, dueAt: time, opinion: reason, result: nil)])
    }

    /// How many steps are due at `now` (at least the first, which is due when the case is taken).
    func dueCount(at now: Int64) -> Int {
        max(1, steps.prefix { $0.dueAt <= now }.count)
    }

    /// The step reached at `now`.
    func current(at now: Int64) -> ProgressStep { steps[dueCount(at: now) - 1] }

    /// Whether steps remain after the first `count`.
    func hasSteps(after count: Int) -> Bool { count < steps.count }

    /// Withdraws the case at `now`: the steps not yet reached are dropped and `withdrawn`
    /// follows. False when the status reached by now cannot move to withdrawn (the case is
    /// already decided), and then nothing changes.
    mutating func withdraw(at now: Int64, reason: String) -> Bool {
        let reached = dueCount(at: now)
        guard steps[reached - 1].status.canMove(to: .withdrawn) else { return false }
        steps.removeSubrange(reached...)
        steps.append(ProgressStep(status: .withdrawn, dueAt: max(now, steps[reached - 1].dueAt), opinion: reason, result: nil))
        return true
    }

    /// The canonical status JSON of step `index`, which the partner's `outbound-status` mapping
    /// turns into the partner's own status message.
    func canonical(step index: Int, caseNumber: String, handlerCaseNumber: String, partnerRegion: String?) -> JSONValue {
        let step = steps[index]
        var object = JSONObject([
            ("caseNumber", .string(caseNumber)), ("handlerCaseNumber", .string(handlerCaseNumber)),
            ("status", .string(step.status.rawValue)), ("at", .string(SimulatorClock.timestamp(step.dueAt).rfc3339())),
            ("opinion", .string(step.opinion)),
        ])
        if let result = step.result {
            object.append("result", .object(JSONObject([("name", .string(result.name)), ("number", .string(result.number))])))
        }
        if let partnerRegion { object.append("partnerRegion", .string(partnerRegion)) }
        return .object(object)
    }
}

/// The licence an approval issues (结果证照).
struct ResultLicence: Sendable {
    var name: String
    var number: String
}
