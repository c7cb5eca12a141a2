/// A mistake in a mapping, code list or agreement file, found when it is loaded.
///
/// Mappings are compiled once at start-up; every mistake is reported there, with the file
/// and line, so a bad agreement never reaches a live case.
public struct MappingError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        return "\(location): \(message)"
    }
}

/// Several load-time mistakes, all reported together (`tongban mappings check`).
public struct MappingErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [MappingError]

    public init(_ errors: [MappingError]) { self.errors = errors }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
