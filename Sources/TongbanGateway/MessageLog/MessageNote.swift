import Synchronization

/// What one request's handler tells the message log: the exact bytes it read and answered, and
/// the case and message it was about when it knows them. `MessageLogMiddleware` binds one per
/// request; `Request.bytes(limit:)` and `Reply` fill it in, so routes need not know the log.
/// A route that logs its message itself, in the transaction that acts on it (intake), says so
/// with `loggedInTransaction()` and the middleware then appends nothing.
final class MessageNote: Sendable {
    @TaskLocal static var current: MessageNote?

    /// The other side, the actor and the route, as the middleware logs them.
    let party: String
    let actor: String
    let route: String

    struct Contents: Sendable {
        var body: [UInt8]?
        var answer: [UInt8]?
        var caseID: String?
        var messageID: String?
        var result: String?
        /// The route appended the entry itself, in its own transaction, or the call is not to be
        /// logged at all.
        var logged = false
    }

    private let state = Mutex(Contents())

    init(party: String, actor: String, route: String) {
        self.party = party
        self.actor = actor
        self.route = route
    }

    var contents: Contents { state.withLock { $0 } }

    func received(_ body: [UInt8]) {
        state.withLock { $0.body = body }
    }

    func answered(_ body: [UInt8]) {
        state.withLock { $0.answer = body }
    }

    /// The entry is in the log already: the middleware must not append another.
    func loggedInTransaction() {
        state.withLock { $0.logged = true }
    }

    /// Nothing of this call goes into the message log: a refusal that costs nothing and could
    /// otherwise flood it (an address locked for failing authentication, `AddressLockout`).
    func discard() {
        state.withLock { $0.logged = true }
    }

    /// Names what the message was about; nil arguments leave what is already known.
    func identify(caseID: String? = nil, messageID: String? = nil, result: String? = nil) {
        state.withLock { contents in
            if let caseID { contents.caseID = caseID }
            if let messageID { contents.messageID = messageID }
            if let result { contents.result = result }
        }
    }
}
