import TongbanStorage

/// A window's new case, logged by intake in the transaction that commits the case instead of
/// by `MessageLogMiddleware` in a write of its own after it: one write per accepted case instead
/// of two, and a committed case always has its entry (no crash can fall between them).
///
/// The 202 answer is known inside the transaction (the case record is all it says), so it is
/// rendered there, its SHA-256 goes into the entry, and the route sends those very bytes.
struct IntakeLog: Sendable {
    /// The entry as far as it is known before the transaction: made (and the request body
    /// digested) on the caller's thread, not on the single writer thread.
    private let draft: MessageLogDraft
    /// Renders the 202 answer for an accepted case; called once, inside the transaction.
    private let answer: @Sendable (CaseRecord) -> [UInt8]

    /// `body` is the request body as received.
    init(note: MessageNote, body: [UInt8], answer: @escaping @Sendable (CaseRecord) -> [UInt8]) {
        draft = MessageLogDraft(at: 0, direction: .inbound, party: note.party, route: note.route, body: body, httpStatus: 202, actor: note.actor)
        self.answer = answer
    }

    /// Appends the entry of the accepted `record` and answers the bytes to send.
    func append(_ record: CaseRecord, at: Int64, to writer: any StoreWriter) throws -> [UInt8] {
        let bytes = answer(record)
        var entry = draft
        entry.at = at
        entry.caseID = record.id
        entry.messageID = record.logMessageID
        entry.answerDigest = MessageLogEntry.digest(bytes)
        _ = try writer.appendLog(entry)
        return bytes
    }
}

extension CaseRecord {
    /// How the message log names a window's case message: its number and version.
    var logMessageID: String { "\(caseNumber) v\(version)" }
}
