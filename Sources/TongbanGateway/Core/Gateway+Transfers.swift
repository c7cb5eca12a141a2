import TongbanStorage

extension Gateway {
    /// A message for the local system's endpoint: canonical JSON, due at once.
    static func localTransfer(caseID: String, kind: TransferRecord.Kind, payload: [UInt8], now: Int64) -> TransferRecord {
        TransferRecord(caseID: caseID, destination: localDestination, kind: kind, messageID: newID(), payload: payload,
                       contentType: "application/json", nextAttemptAt: now, createdAt: now)
    }

    /// A message for a partner in its wire protocol, due at once: pushed, or, for the hub, put on
    /// its feed (a non-nil `feedSeq` asks the store for the next feed position).
    static func partnerTransfer(caseID: String, partner: String, wire: PartnerConfiguration.WireProtocol, kind: TransferRecord.Kind,
                                messageID: String, payload: [UInt8], now: Int64) -> TransferRecord {
        TransferRecord(caseID: caseID, destination: partner, kind: kind, messageID: messageID, payload: payload,
                       contentType: wire.contentType, nextAttemptAt: now, createdAt: now, feedSeq: wire == .hub ? 0 : nil)
    }
}
