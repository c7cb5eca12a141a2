/// One thing wrong with an input, at a JSON path such as `$.applicant.idNumber`.
///
/// Every validator in Tongban collects all issues instead of stopping at the first, so a
/// clerk fixes a case in one round trip instead of one per mistake.
public struct ValidationIssue: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `path: reason`, the line format of the CLI's stderr and of contract `errors.txt` files.
    public var description: String { "\(path): \(reason)" }
}

/// An input refused for the listed issues; nothing derived from it may be kept.
public struct ValidationFailure: Error, Sendable, CustomStringConvertible {
    public var issues: [ValidationIssue]

    public init(_ issues: [ValidationIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// Builds the JSONPath-style locations used in issues: `$`, `$.a.b`, `$.materials[1]`, `$['odd key']`.
public struct IssuePath: Sendable, Hashable, CustomStringConvertible {
    public private(set) var description: String

    public static let root = IssuePath(description: "$")

    public func appending(_ key: String) -> IssuePath {
        let plain = !key.isEmpty && key.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "@" || $0 == ":" }
        if plain { return IssuePath(description: description + "." + key) }
        return IssuePath(description: description + "['" + key.replacingAll("'", with: "\\'") + "']")
    }

    public func appending(index: Int) -> IssuePath {
        IssuePath(description: description + "[\(index)]")
    }

    public static func / (lhs: IssuePath, rhs: String) -> IssuePath { lhs.appending(rhs) }
    public static func / (lhs: IssuePath, rhs: Int) -> IssuePath { lhs.appending(index: rhs) }
}

extension String {
    /// `replacingOccurrences` without Foundation, which the core avoids on hot paths.
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self {
            if character == target { out += replacement } else { out.append(character) }
        }
        return out
    }
}
