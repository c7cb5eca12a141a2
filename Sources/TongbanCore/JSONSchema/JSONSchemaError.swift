/// A schema that cannot be compiled: says where in the schema and why.
///
/// Partner schemas are loaded at startup; a bad one must fail loudly and point at the keyword
/// to fix, instead of validating something other than what the partner wrote.
public struct JSONSchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A JSON pointer into the schema, as a URI fragment: `#/properties/servicecode/pattern`.
    /// For an error in one of the extra resources it is prefixed with that resource's `$id`.
    public var location: String
    public var reason: String

    public init(location: String, reason: String) {
        self.location = location
        self.reason = reason
    }

    public var description: String { "invalid JSON Schema at \(location): \(reason)" }
}
