/// Where a value sits in the document, kept as links and only spelled out as an `IssuePath` when
/// an issue is reported: valid cases, the common ones, never pay for building path strings.
indirect enum PendingPath {
    case root
    case member(PendingPath, String)
    case element(PendingPath, Int)

    var issuePath: IssuePath {
        switch self {
        case .root: .root
        case .member(let parent, let key): parent.issuePath / key
        case .element(let parent, let index): parent.issuePath / index
        }
    }

    static func / (parent: PendingPath, key: String) -> PendingPath { .member(parent, key) }
    static func / (parent: PendingPath, index: Int) -> PendingPath { .element(parent, index) }
}

/// The members of one JSON object under validation, and where that object sits in the document.
struct JSONMembers {
    let object: JSONObject
    let path: PendingPath

    /// Whether `key` is present with a value other than null (null means absent).
    func has(_ key: String) -> Bool {
        guard let value = object[key] else { return false }
        return !value.isNull
    }
}

/// Collects every issue found in one document.
///
/// Validators read members through it so that a missing member, a wrong JSON type or an unknown
/// member is reported once, at its path, in the same words everywhere. An optional member that is
/// JSON null counts as absent, the convention of the canonical case (`"agent": null`). Readers
/// return nil both for an absent optional member and for a refused value; the caller only builds
/// a result when no issue was collected, so the two never need telling apart.
struct IssueCollector {
    private(set) var issues: [ValidationIssue] = []

    mutating func add(_ path: PendingPath, _ reason: String) {
        issues.append(ValidationIssue(path: path.issuePath.description, reason: reason))
    }

    /// `value` as an object; each member not in `allowed` is an "unknown field" issue, and the
    /// object is still returned so that its known members are checked too.
    mutating func members(of value: JSONValue, at path: PendingPath, allowed: [String]) -> JSONMembers? {
        guard case .object(let object) = value else {
            typeMismatch("an object", value, at: path)
            return nil
        }
        for entry in object.entries where !allowed.contains(entry.key) {
            add(path / entry.key, "unknown field")
        }
        return JSONMembers(object: object, path: path)
    }

    /// A member's value; nil when it is absent (an issue if required) or an optional null.
    mutating func value(_ key: String, in members: JSONMembers, required: Bool) -> JSONValue? {
        let value = members.object[key]
        if let value, required || !value.isNull { return value }
        if required { add(members.path / key, "is required") }
        return nil
    }

    mutating func object(_ key: String, in members: JSONMembers, required: Bool = true, allowed: [String]) -> JSONMembers? {
        guard let value = value(key, in: members, required: required) else { return nil }
        return self.members(of: value, at: members.path / key, allowed: allowed)
    }

    /// A string whose length in Unicode scalars is within `length` (U+20000 𠀀 counts as one, as
    /// it does in a database column of characters), without control characters: they have no
    /// place in a name or a number, XML cannot carry most of them, and CR/LF could split a header
    /// or a log line. `multiline` text (remarks) may hold line feeds and tabs.
    mutating func string(_ key: String, in members: JSONMembers, required: Bool = true, length: ClosedRange<Int>,
                         multiline: Bool = false) -> String? {
        guard let value = value(key, in: members, required: required) else { return nil }
        guard case .string(let string) = value else {
            typeMismatch("a string", value, at: members.path / key)
            return nil
        }
        let (count, control) = string.scalarCountAndControl(allowingLineBreaks: multiline)
        if let control {
            let code = "U+" + String(control, radix: 16, uppercase: true).leftPadded(to: 4)
            add(members.path / key, "contains the control character \(code): only printable text is accepted\(multiline ? " (line feeds and tabs may separate lines)" : "")")
            return nil
        }
        if count < length.lowerBound {
            add(members.path / key, length.lowerBound == 1 ? "must not be empty" : "shorter than \(length.lowerBound) characters (found \(count))")
            return nil
        }
        if count > length.upperBound {
            add(members.path / key, "longer than \(length.upperBound) characters (found \(count))")
            return nil
        }
        return string
    }

    /// A whole number (`5` or `5.0`) of at least `minimum`.
    mutating func integer(_ key: String, in members: JSONMembers, required: Bool = true, minimum: Int) -> Int? {
        guard let value = value(key, in: members, required: required) else { return nil }
        guard let integer = value.integerValue.flatMap({ Int(exactly: $0) }) else {
            typeMismatch("an integer", value, at: members.path / key)
            return nil
        }
        guard integer >= minimum else {
            add(members.path / key, "must be at least \(minimum), found \(integer)")
            return nil
        }
        return integer
    }

    /// One of a fixed list of strings. The refused value is not quoted back: a mapping that puts
    /// the wrong member here could put an ID number or a name into the report.
    mutating func choice<Choice: RawRepresentable & CaseIterable>(
        _ key: String, in members: JSONMembers, required: Bool = true, as _: Choice.Type = Choice.self
    ) -> Choice? where Choice.RawValue == String {
        guard let value = value(key, in: members, required: required) else { return nil }
        guard case .string(let string) = value else {
            typeMismatch("a string", value, at: members.path / key)
            return nil
        }
        guard let choice = Choice(rawValue: string) else {
            let allowed = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            add(members.path / key, "must be one of \(allowed)")
            return nil
        }
        return choice
    }

    /// A case number (办件编号, an..50 in GB/T 39046): 1–50 characters and, like every text field,
    /// no control characters (case numbers end up in file names, logs, headers and partner URLs).
    mutating func caseNumber(_ key: String, in members: JSONMembers, required: Bool = true) -> String? {
        string(key, in: members, required: required, length: 1...50)
    }

    /// An RFC 3339 date-time with its offset.
    mutating func timestamp(_ key: String, in members: JSONMembers) -> Timestamp? {
        guard let text = string(key, in: members, length: 1...Int.max) else { return nil }
        guard let timestamp = Timestamp.parseRFC3339(text) else {
            add(members.path / key, "must be RFC 3339 with an offset, e.g. 2026-11-20T09:30:00+08:00")
            return nil
        }
        return timestamp
    }

    /// A GB/T 2260 code of 6, 9 or 12 digits; see `DivisionCodes.problem(withCode:mustBeCurrent:)`.
    mutating func divisionCode(_ key: String, in members: JSONMembers, divisions: DivisionCodes, mustBeCurrent: Bool) -> String? {
        guard let code = string(key, in: members, length: 1...Int.max) else { return nil }
        if let problem = divisions.problem(withCode: code, mustBeCurrent: mustBeCurrent) {
            add(members.path / key, problem)
            return nil
        }
        return code
    }

    /// Refuses a member that the rest of the object rules out, such as `sha256` on an e-licence.
    mutating func forbid(_ key: String, in members: JSONMembers, because reason: String) {
        if members.has(key) { add(members.path / key, reason) }
    }

    mutating func typeMismatch(_ expected: String, _ value: JSONValue, at path: PendingPath) {
        add(path, "must be \(expected), found \(value.typeName)")
    }
}

extension String {
    /// The number of Unicode scalars, counted as the UTF-8 bytes that start one; several times
    /// faster than walking `unicodeScalars`, and lengths are checked on every string of a case.
    var unicodeScalarCount: Int {
        var string = self
        return string.withUTF8 { bytes in
            var count = 0
            for byte in bytes where byte & 0xC0 != 0x80 { count += 1 }
            return count
        }
    }

    /// The number of Unicode scalars and the first control character (category Cc: C0, DEL and
    /// C1; line feed and tab are allowed with `allowingLineBreaks`), in one pass over the UTF-8
    /// bytes: every string of a case is checked for both, and walking `unicodeScalars` cost
    /// several times as much.
    func scalarCountAndControl(allowingLineBreaks: Bool) -> (count: Int, control: UInt32?) {
        var string = self
        return string.withUTF8 { bytes in
            var count = 0
            for index in bytes.indices where bytes[index] & 0xC0 != 0x80 {
                count += 1
                let byte = bytes[index]
                if byte < 0x20 || byte == 0x7F {
                    if allowingLineBreaks, byte == 0x0A || byte == 0x09 { continue }
                    return (count, UInt32(byte))
                }
                // C1 (U+0080–U+009F) is C2 80 to C2 9F in UTF-8.
                if byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] <= 0x9F {
                    return (count, UInt32(bytes[index + 1]))
                }
            }
            return (count, nil)
        }
    }
}

extension String {
    /// `self` with leading zeros up to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
