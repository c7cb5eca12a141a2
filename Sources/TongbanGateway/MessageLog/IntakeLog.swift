import TongbanStorage

/// A window's new case, logged by intake in the transaction that commits the case instead of
/// by `MessageLogMiddleware` in a write of its own after it: one write per accepted case instead
/// of two, and a committed case always has its entry (no crash can fall between them).
///
/// The 202 answer is known inside the transaction (the case record is all it says), so it is
/// rendered there, its SHA-256 goes into the entry, and the route sends those very bytes.
struct IntakeLog: Sendable {
    let note: MessageNote
    /// The request body as received.
    let body: [UInt8]
    /// Renders the 202 answer for an accepted case; called once, inside the transaction.
    let answer: @Sendable (CaseRecord) -> [UInt8]

    /// Appends the entry of the accepted `record` and answers the bytes to send.
    func append(_ record: CaseRecord, at: Int64, to writer: any StoreWriter) throws -> [UInt8] {
        let bytes = answer(record)
        _ = try writer.appendLog(MessageLogDraft(
            at: at, direction: .inbound, party: note.party, route: note.route, caseID: record.id, messageID: record.logMessageID,
            body: body, answerDigest: MessageLogEntry.digest(bytes), httpStatus: 202, actor: note.actor))
        return bytes
    }
}

extension CaseRecord {
    /// How the message log names a window's case message: its number and version.
    var logMessageID: String { "\(caseNumber) v\(version)" }
}
