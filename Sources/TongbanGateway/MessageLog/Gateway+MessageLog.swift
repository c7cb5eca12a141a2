import TongbanStorage

extension Gateway {
    /// Appends a received message to the message log. A failure is reported, not thrown: the
    /// message was already processed and answered.
    func logInbound(_ note: MessageNote.Contents, party: String, actor: String, route: String, status: Int) async {
        let draft = MessageLogDraft(
            at: clock.nowMillis(), direction: .inbound, party: party, route: route, caseID: note.caseID, messageID: note.messageID,
            body: note.body, answerDigest: note.answer.map(MessageLogEntry.digest), httpStatus: status, result: note.result, actor: actor)
        do {
            _ = try await store.write { writer in try writer.appendLog(draft) }
        } catch {
            logger.error("cannot log a received message", metadata: ["route": "\(route)", "error": "\(error)"])
        }
    }
}
