/// A value while a mapping runs.
///
/// `absent` is distinct from every real value: a missing source field, a JSON `null` and an
/// empty XML element all read as absent, absent propagates through operators and most
/// functions, and an output field whose value is absent is omitted. That one rule gives
/// partner formats their "omit if absent" behaviour without per-field switches.
public enum MappingValue: Sendable {
    case absent
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    /// A JSON object or array from a JSON source, kept whole so paths can step into it.
    case json(JSONValue)
    /// An XML element from an XML source; as a scalar it reads as its text.
    case element(XMLTree.Element)
    case list([MappingValue])

    public var isAbsent: Bool {
        if case .absent = self { return true }
        return false
    }

    /// Converts a JSON source value; `null` becomes absent and scalars lose their JSON wrapper.
    @inline(__always)
    static func from(_ json: JSONValue) -> MappingValue {
        switch json {
        case .null: return .absent
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array, .object: return .json(json)
        }
    }

    /// The text of a scalar value, as it would be written into XML or compared with a code.
    var text: String? {
        switch self {
        case .absent, .list: return nil
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .bool(let b): return b ? "true" : "false"
        case .json(let j):
            if case .string(let s) = j { return s }
            return nil
        case .element(let e): return e.text.isEmpty && !e.children.isEmpty ? nil : e.text
        }
    }

    /// Truthiness for `if`, `&&`, `||` and `!`: absent, false, 0, "" and empty lists are false.
    var isTruthy: Bool {
        switch self {
        case .absent: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .list(let l): return !l.isEmpty
        case .json(let j):
            if case .array(let a) = j { return !a.isEmpty }
            return true
        case .element: return true
        }
    }

    /// The items of a repeated value: a list, a JSON array, or a single value as one item.
    var items: [MappingValue] {
        switch self {
        case .absent: return []
        case .list(let l): return l
        case .json(.array(let a)): return a.map(MappingValue.from)
        default: return [self]
        }
    }

    /// The value as JSON output; nil when absent (the member is omitted).
    func toJSON() -> JSONValue? {
        switch self {
        case .absent: return nil
        case .string(let s): return .string(s)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .bool(let b): return .bool(b)
        case .json(let j): return j
        case .element(let e): return .string(e.text)
        case .list(let l): return .array(l.compactMap { $0.toJSON() })
        }
    }

    var numeric: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string(let s): return Double(s)
        case .element(let e): return Double(e.text)
        default: return nil
        }
    }
}
