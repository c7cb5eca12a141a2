/// The values a translation generates rather than reads: the current time, the message id, and
/// what the message is for.
///
/// Passed in, never read from the system inside the core, so that contract golden files are
/// exact and a resent message can be rebuilt byte for byte.
public struct TranslationContext: Sendable {
    public var now: Timestamp
    /// The message id `uuid()` yields; nil draws a random one, once per message, and only for
    /// mappings that ask for it.
    public var uuid: String?
    /// What the gateway is sending, readable in mappings as `message.…`: empty for an ordinary
    /// message; `{"intent": "withdraw", "reason": "…"}` when a case is sent again to withdraw it
    /// (partners such as KSTB and the hub withdraw with the whole case and a message type).
    public var message: JSONValue

    public init(now: Timestamp, uuid: String? = nil, message: JSONValue = .object(JSONObject())) {
        self.now = now
        self.uuid = uuid
        self.message = message
    }
}
