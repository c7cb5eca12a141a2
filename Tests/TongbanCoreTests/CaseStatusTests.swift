import Testing
import TongbanCore
import TongbanTesting

@Suite("Case status lifecycle")
struct CaseStatusTests {
    /// The lifecycle as the specification writes it, independent of the implementation's table.
    static let allowed: [CaseStatus: Set<CaseStatus>] = [
        .received: [.accepted, .rejected, .supplementRequired, .inProgress, .withdrawn],
        .supplementRequired: [.received, .accepted, .rejected, .supplementRequired, .withdrawn],
        .accepted: [.inProgress, .suspended, .supplementRequired, .approved, .denied, .withdrawn],
        .inProgress: [.inProgress, .suspended, .supplementRequired, .approved, .denied, .withdrawn],
        .suspended: [.inProgress, .approved, .denied, .withdrawn],
        .approved: [.delivered],
        .denied: [.delivered],
    ]

    @Test(arguments: CaseStatus.allCases)
    func transitionsFollowTheTable(_ from: CaseStatus) {
        for to in CaseStatus.allCases {
            #expect(from.canMove(to: to) == (Self.allowed[from]?.contains(to) ?? false), "\(from) → \(to)")
        }
    }

    @Test func finalStatuses() {
        #expect(CaseStatus.allCases.filter(\.isFinal) == [.rejected, .delivered, .withdrawn])
        #expect(CaseStatus.initialStatuses == [.received, .accepted, .rejected, .supplementRequired, .inProgress])
        #expect(CaseStatus(rawValue: "supplementRequired") == .supplementRequired)
    }

    @Test func reachability() {
        #expect(CaseStatus.received.canReach(.delivered))
        #expect(CaseStatus.accepted.canReach(.received))        // through supplementRequired
        #expect(CaseStatus.inProgress.canReach(.inProgress))
        #expect(!CaseStatus.approved.canReach(.denied))
        #expect(!CaseStatus.denied.canReach(.withdrawn))
        #expect(!CaseStatus.delivered.canReach(.delivered))
        #expect(CaseStatus.allCases.allSatisfy { CaseStatus.received.canReach($0) })
    }

    /// A polled partner shows where a case is now; the statuses it passed through between polls
    /// are not seen, so a snapshot is judged by reachability, not by the next step.
    @Test func polledSnapshotsMaySkipStatuses() throws {
        func update(_ status: String, _ at: String) throws -> StatusUpdate {
            try StatusUpdate.validate(["caseNumber": "SX1", "status": .string(status), "at": .string(at)]).get()
        }
        let t0 = try #require(Timestamp.parseRFC3339("2026-11-21T10:00:00+08:00"))
        // First seen already approved, or delivered: a report could not begin so, a snapshot can.
        #expect(StatusChange.evaluate(current: nil, update: try update("approved", "2026-11-21T10:05:00+08:00")) != .applied)
        #expect(StatusChange.evaluateSnapshot(current: nil, update: try update("approved", "2026-11-21T10:05:00+08:00")) == .applied)
        #expect(StatusChange.evaluateSnapshot(current: nil, update: try update("delivered", "2026-11-21T10:05:00+08:00")) == .applied)
        // received → delivered between two polls.
        #expect(StatusChange.evaluateSnapshot(current: (.received, t0), update: try update("delivered", "2026-11-21T10:05:00+08:00")) == .applied)
        // The same answer again is a duplicate; an older one stale; the unreachable stays impossible.
        #expect(StatusChange.evaluateSnapshot(current: (.received, t0), update: try update("received", "2026-11-21T10:00:00+08:00")) == .duplicate)
        #expect(StatusChange.evaluateSnapshot(current: (.accepted, t0), update: try update("received", "2026-11-21T09:00:00+08:00")) == .stale)
        if case .impossible = StatusChange.evaluateSnapshot(current: (.approved, t0), update: try update("denied", "2026-11-21T10:05:00+08:00")) {} else {
            Issue.record("approved → denied must stay impossible")
        }
        if case .impossible = StatusChange.evaluateSnapshot(current: (.delivered, t0), update: try update("withdrawn", "2026-11-21T10:05:00+08:00")) {} else {
            Issue.record("nothing follows a final status")
        }
    }

    // MARK: StatusUpdate records

    @Test func sampleStatusIsValidAndRoundTrips() throws {
        let update = try StatusUpdate.validate(CaseFixtures.status).get()
        #expect(update.status == .approved)
        #expect(update.handlerCaseNumber == "TB-2026-0087731")
        #expect(update.result?.number == "HN-TB-QR-2026-1187")
        #expect(update.json.compactString == CaseFixtures.status.compactString)
        #expect(try StatusUpdate.validate(update.json).get() == update)
    }

    @Test func minimalStatus() throws {
        let update = try StatusUpdate.validate(["at": "2026-11-21T02:00:00Z", "status": "accepted", "caseNumber": "SX1"]).get()
        #expect(update.json.compactString == #"{"caseNumber":"SX1","status":"accepted","at":"2026-11-21T02:00:00Z"}"#)
    }

    @Test func statusProblems() {
        let sample = CaseFixtures.status
        #expect(CaseFixtures.statusIssues(sample.setting("status", "done"))
            == ["$.status: must be one of received, accepted, supplementRequired, rejected, inProgress, suspended, approved, denied, delivered, withdrawn"])
        #expect(CaseFixtures.statusIssues(sample.setting("at", "2026-11-21 10:00:00"))
            == ["$.at: must be RFC 3339 with an offset, e.g. 2026-11-20T09:30:00+08:00"])
        #expect(CaseFixtures.statusIssues(sample.setting("partnerRegion", "411330100"))
            == ["$.partnerRegion: must be a 6-digit GB/T 2260 division code"])
        #expect(CaseFixtures.statusIssues(sample.setting("partnerRegion", "999999"))
            == ["$.partnerRegion: is not a known GB/T 2260 division code"])
        #expect(CaseFixtures.statusIssues(sample.setting("result.name", nil).setting("result.url", "x"))
            == ["$.result.url: unknown field", "$.result.name: is required"])
        #expect(CaseFixtures.statusIssues(sample.setting("caseNumber", nil).setting("handlerCaseNumber", "").setting("state", 1))
            == ["$.state: unknown field", "$.caseNumber: is required", "$.handlerCaseNumber: must not be empty"])
        #expect(CaseFixtures.statusIssues(sample.setting("opinion", .string(String(repeating: "准", count: 1001))))
            == ["$.opinion: longer than 1000 characters (found 1001)"])
    }

    // MARK: Applying updates

    func update(_ status: CaseStatus, _ at: String) throws -> StatusUpdate {
        try StatusUpdate.validate(["caseNumber": "SX2026112000001", "status": .string(status.rawValue), "at": .string(at)]).get()
    }

    func time(_ text: String) throws -> Timestamp { try #require(Timestamp.parseRFC3339(text)) }

    @Test func firstStatus() throws {
        for status in CaseStatus.allCases {
            let change = StatusChange.evaluate(current: nil, update: try update(status, "2026-11-20T09:30:00+08:00"))
            if CaseStatus.initialStatuses.contains(status) {
                #expect(change == .applied)
            } else {
                #expect(change == .impossible("a case cannot begin as \(status.rawValue)"))
            }
        }
    }

    @Test func allowedAndImpossibleMoves() throws {
        let current = (status: CaseStatus.accepted, at: try time("2026-11-20T10:00:00+08:00"))
        #expect(StatusChange.evaluate(current: current, update: try update(.approved, "2026-11-21T10:00:00+08:00")) == .applied)
        #expect(StatusChange.evaluate(current: current, update: try update(.delivered, "2026-11-21T10:00:00+08:00"))
            == .impossible("a case cannot move from accepted to delivered"))
        let delivered = (status: CaseStatus.delivered, at: try time("2026-11-22T10:00:00+08:00"))
        #expect(StatusChange.evaluate(current: delivered, update: try update(.withdrawn, "2026-11-23T10:00:00+08:00"))
            == .impossible("the case is already delivered, a final status"))
    }

    @Test func olderUpdatesAreStale() throws {
        let current = (status: CaseStatus.approved, at: try time("2026-11-21T10:00:00+08:00"))
        // An acceptance that arrives after the approval it preceded: recorded, not applied.
        #expect(StatusChange.evaluate(current: current, update: try update(.accepted, "2026-11-20T10:00:00+08:00")) == .stale)
        // Instants are compared, not wall clocks: 03:00Z is 11:00 in Beijing, after 10:00.
        #expect(StatusChange.evaluate(current: current, update: try update(.delivered, "2026-11-21T03:00:00Z")) == .applied)
        #expect(StatusChange.evaluate(current: current, update: try update(.delivered, "2026-11-21T01:59:59Z")) == .stale)
        // Even a final case records late arrivals as stale, not impossible.
        let withdrawn = (status: CaseStatus.withdrawn, at: try time("2026-11-21T10:00:00+08:00"))
        #expect(StatusChange.evaluate(current: withdrawn, update: try update(.inProgress, "2026-11-21T09:00:00+08:00")) == .stale)
    }

    @Test func repeatsAreDuplicatesUnlessTheyAreSteps() throws {
        let at = try time("2026-11-21T10:00:00+08:00")
        #expect(StatusChange.evaluate(current: (.approved, at), update: try update(.approved, "2026-11-21T02:00:00Z")) == .duplicate)
        #expect(StatusChange.evaluate(current: (.approved, at), update: try update(.approved, "2026-11-22T10:00:00+08:00")) == .duplicate)
        #expect(StatusChange.evaluate(current: (.delivered, at), update: try update(.delivered, "2026-11-22T10:00:00+08:00")) == .duplicate)
        #expect(StatusChange.evaluate(current: (.inProgress, at), update: try update(.inProgress, "2026-11-21T10:00:00+08:00")) == .duplicate)
        #expect(StatusChange.evaluate(current: (.inProgress, at), update: try update(.inProgress, "2026-11-21T11:00:00+08:00")) == .applied)
        #expect(StatusChange.evaluate(current: (.supplementRequired, at), update: try update(.supplementRequired, "2026-11-22T10:00:00+08:00")) == .applied)
    }

    @Test func sameInstantDifferentStatusIsATransition() throws {
        let at = try time("2026-11-21T10:00:00+08:00")
        #expect(StatusChange.evaluate(current: (.received, at), update: try update(.accepted, "2026-11-21T10:00:00+08:00")) == .applied)
    }
}
