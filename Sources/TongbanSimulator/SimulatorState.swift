import TongbanCore

/// All the simulator's mutable state, behind one actor: each request's check-and-record (is
/// this `BWBH` new? then take the case) runs as one step, so concurrent resends of one
/// message are told apart exactly as a real partner's database would.
actor SimulatorState {
    private var books: [SimulatedParty: PartnerBook]
    private var faults: [SimulatedParty: FaultSettings]
    private var local = LocalRecords()
    private var nonces = NonceMemory()
    private var rateLimiter: RateLimiter
    /// The hub's position in the gateway's feed (`next` of the last page).
    private var hubCursor: String?
    /// `msg_id`s the hub took but could not acknowledge yet (the ack call failed).
    private var hubAcks: [String] = []

    init(faults initial: FaultSettings, zaoyangRequestsPerSecond: Int) {
        books = Dictionary(uniqueKeysWithValues: SimulatedParty.allCases.map { ($0, PartnerBook()) })
        faults = Dictionary(uniqueKeysWithValues: SimulatedParty.allCases.map { ($0, initial) })
        rateLimiter = RateLimiter(limit: zaoyangRequestsPerSecond)
    }

    /// Runs `body` on one party's book, atomically.
    func withBook<T: Sendable>(_ party: SimulatedParty, _ body: @Sendable (inout PartnerBook) -> T) -> T {
        body(&books[party]!)
    }

    /// Runs `body` on the local system's records and counters, atomically.
    func withLocal<T: Sendable>(_ body: @Sendable (inout LocalRecords, inout PartnerStats) -> T) -> T {
        body(&local, &books[.local]!.stats)
    }

    /// Counts a request to a party's routes and returns the faults it is under.
    func arrival(_ party: SimulatedParty) -> FaultSettings {
        books[party]!.stats.messagesReceived += 1
        return faults[party]!
    }

    func faultSettings(_ party: SimulatedParty) -> FaultSettings { faults[party]! }

    func allFaults() -> [SimulatedParty: FaultSettings] { faults }

    /// Applies a control request to `parties`; nothing changes unless it applies to all.
    func applyControl(_ request: JSONValue, to parties: [SimulatedParty]) throws(ControlRequestError) {
        var changed = faults
        for party in parties { try changed[party]!.apply(request) }
        faults = changed
    }

    func countFault(_ party: SimulatedParty) { books[party]!.stats.faultsInjected += 1 }

    /// Zaoyang's replay check; false for a nonce seen in the last 600 s.
    func admitNonce(_ nonce: String, at now: Int64) -> Bool { nonces.admit(nonce, at: now) }

    /// Zaoyang's rate limit; false when the appId is over it this second.
    func admitRequest(appID: String, at now: Int64) -> Bool { rateLimiter.admit(appID, at: now) }

    var feedCursor: String? { hubCursor }

    func advanceFeed(to cursor: String) { hubCursor = cursor }

    /// The acknowledgements still owed, now handed to the caller to send.
    func takeOwedAcks() -> [String] {
        defer { hubAcks = [] }
        return hubAcks
    }

    func oweAcks(_ ids: [String]) { hubAcks += ids }
}
