/// The values a translation generates rather than reads: the current time and the message id.
///
/// Passed in, never read from the system inside the core, so that contract golden files are
/// exact and a resent message can be rebuilt byte for byte.
public struct TranslationContext: Sendable {
    public var now: Timestamp
    /// The message id `uuid()` yields; nil draws a random one, once per message, and only for
    /// mappings that ask for it.
    public var uuid: String?

    public init(now: Timestamp, uuid: String? = nil) {
        self.now = now
        self.uuid = uuid
    }
}
