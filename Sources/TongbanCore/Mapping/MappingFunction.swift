/// The functions a mapping expression may call, besides `code`, `formatTime` and `parseTime`
/// which are resolved against the agreement at load time.
enum MappingFunction: String, Sendable, CaseIterable {
    case `if`, coalesce, join, concat
    case padLeft, padRight, substr, before, after, contains, startsWith, endsWith, trimPrefix, trimSuffix, trim, upper, lower, nonEmpty
    case int, string, ceil, floor
    case exists, count
    case now, uuid

    var arity: ClosedRange<Int> {
        switch self {
        case .if: return 3...3
        case .coalesce, .concat: return 1...16
        case .join: return 2...16
        case .padLeft, .padRight: return 3...3
        case .substr: return 2...3
        case .before, .after, .contains, .startsWith, .endsWith, .trimPrefix, .trimSuffix: return 2...2
        case .trim, .upper, .lower, .nonEmpty, .int, .string, .ceil, .floor, .exists, .count: return 1...1
        case .now, .uuid: return 0...0
        }
    }

    /// One line per function for `docs/mapping.md` and error messages.
    var signature: String {
        switch self {
        case .if: return "if(condition, then, else)"
        case .coalesce: return "coalesce(a, b, …)"
        case .join: return "join(separator, a, b, …)"
        case .concat: return "concat(a, b, …)"
        case .padLeft: return "padLeft(text, width, fill)"
        case .padRight: return "padRight(text, width, fill)"
        case .substr: return "substr(text, start, length?)"
        case .now, .uuid: return "\(rawValue)()"
        default: return "\(rawValue)(…)"
        }
    }
}
