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
    /// The answer rendered and digested ahead, for the record a new case is expected to get.
    private var prepared: (record: CaseRecord, bytes: [UInt8], digest: String)?

    /// `body` is the request body as received.
    init(note: MessageNote, body: [UInt8], answer: @escaping @Sendable (CaseRecord) -> [UInt8]) {
        draft = MessageLogDraft(at: 0, direction: .inbound, party: note.party, route: note.route, body: body, httpStatus: 202, actor: note.actor)
        self.answer = answer
    }

    /// This log with the answer for `expected` (its `seq` aside) rendered now, on the caller's
    /// thread: the transaction then only checks that the case was committed as expected, and the
    /// single writer thread neither renders nor hashes it.
    func preparing(_ expected: CaseRecord) -> IntakeLog {
        var log = self
        let bytes = answer(expected)
        log.prepared = (expected, bytes, MessageLogEntry.digest(bytes))
        return log
    }

    /// Appends the entry of the accepted `record` and answers the bytes to send.
    func append(_ record: CaseRecord, at: Int64, to writer: any StoreWriter) throws -> [UInt8] {
        let (bytes, digest) = answer(for: record)
        var entry = draft
        entry.at = at
        entry.caseID = record.id
        entry.messageID = record.logMessageID
        entry.answerDigest = digest
        _ = try writer.appendLog(entry)
        return bytes
    }

    /// The prepared answer when `record` is the one expected, else one rendered now.
    private func answer(for record: CaseRecord) -> (bytes: [UInt8], digest: String) {
        if let prepared {
            var numbered = prepared.record
            numbered.seq = record.seq
            if numbered == record { return (prepared.bytes, prepared.digest) }
        }
        let bytes = answer(record)
        return (bytes, MessageLogEntry.digest(bytes))
    }
}

extension CaseRecord {
    /// How the message log names a window's case message: its number and version.
    var logMessageID: String { "\(caseNumber) v\(version)" }
}
