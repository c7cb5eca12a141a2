/// Why a document could not be parsed, serialized or compiled, with the line when libxml2 knows it.
///
/// Partners and clerks fix XML by line number, so every error that comes from a document carries
/// one; errors about the tree being written (no document yet) have none.
public struct XMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line in the input document, when the error has a place.
    public var line: Int?
    /// libxml2's message, or Tongban's own for refusals, without a trailing newline.
    public var reason: String

    public init(line: Int? = nil, reason: String) {
        self.line = line
        self.reason = reason
    }

    /// `line N: reason`, or just the reason when there is no line.
    public var description: String { line.map { "line \($0): \(reason)" } ?? reason }
}
