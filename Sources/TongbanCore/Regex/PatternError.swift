/// Why a regular expression was refused when it was compiled.
///
/// Schemas come from partners: a construct the engine does not implement must stop the schema
/// from loading, never match differently from what the partner meant.
public struct PatternError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The pattern as written.
    public var pattern: String
    /// Offset in Unicode scalars where the problem was found.
    public var offset: Int
    public var reason: String

    public init(pattern: String, offset: Int, reason: String) {
        self.pattern = pattern
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "invalid pattern \(pattern) at offset \(offset): \(reason)" }
}
