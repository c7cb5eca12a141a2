/// The values a translation generates rather than reads: the current time and the message id.
///
/// Passed in, never read from the system inside the core, so that contract golden files are
/// exact and a resent message can be rebuilt byte for byte.
public struct TranslationContext: Sendable {
    public var now: Timestamp
    public var uuid: String

    public init(now: Timestamp, uuid: String) {
        self.now = now
        self.uuid = uuid
    }
}
