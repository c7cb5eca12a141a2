import TongbanStorage

extension Gateway {
    /// Appends a received message to the message log, unless its route already did. A failure is
    /// reported, not thrown: the message was already processed and answered.
    func logInbound(_ note: MessageNote, status: Int) async {
        let contents = note.contents
        guard !contents.logged else { return }
        let draft = MessageLogDraft(
            at: clock.nowMillis(), direction: .inbound, party: note.party, route: note.route, caseID: contents.caseID,
            messageID: contents.messageID, body: contents.body, answerDigest: contents.answer.map(MessageLogEntry.digest),
            httpStatus: status, result: contents.result, actor: note.actor)
        do {
            _ = try await store.write { writer in try writer.appendLog(draft) }
        } catch {
            logger.error("cannot log a received message", metadata: ["route": "\(note.route)", "error": "\(error)"])
        }
    }
}
