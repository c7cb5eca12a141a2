import TongbanCore

/// A status message a pushing partner (Tongbai, the hub) sends the gateway for a case it
/// holds. The bytes are made once, so every resend carries the same message number and the
/// gateway can recognise it.
struct OutgoingStatus: Sendable {
    let caseNumber: String
    /// `BWBH` or `msg_id`.
    let messageID: String
    /// The exact message: a GB18030 `KSTB` document, or a hub envelope.
    let payload: [UInt8]
    var attempts = 0
    /// The gateway took it (`JG` 0 or 3, or `ok: true`).
    var acknowledged = false
    /// Given up: refused with `retry: false`, or the attempt limit reached.
    var abandoned = false

    init(caseNumber: String, messageID: String, payload: [UInt8]) {
        self.caseNumber = caseNumber; self.messageID = messageID; self.payload = payload
    }

    var isPending: Bool { !acknowledged && !abandoned }
}
