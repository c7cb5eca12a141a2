import Synchronization

/// What one request's handler tells the message log: the exact bytes it read and answered, and
/// the case and message it was about when it knows them. `MessageLogMiddleware` binds one per
/// request; `Request.bytes(limit:)` and `Reply` fill it in, so routes need not know the log.
final class MessageNote: Sendable {
    @TaskLocal static var current: MessageNote?

    struct Contents: Sendable {
        var body: [UInt8]?
        var answer: [UInt8]?
        var caseID: String?
        var messageID: String?
        var result: String?
    }

    private let state = Mutex(Contents())

    var contents: Contents { state.withLock { $0 } }

    func received(_ body: [UInt8]) {
        state.withLock { $0.body = body }
    }

    func answered(_ body: [UInt8]) {
        state.withLock { $0.answer = body }
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
