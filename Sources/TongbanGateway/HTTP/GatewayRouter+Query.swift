import Hummingbird
import HummingbirdCore
import TongbanCore

extension GatewayRouter {
    typealias Query = FlatDictionary<Substring, Substring>

    /// A list's `limit` (1–500, 50 when absent) and `cursor` (the position after which the page
    /// starts); each problem is added to `issues` by parameter name.
    static func page(_ query: Query, issues: inout [ValidationIssue]) -> (limit: Int, after: Int64?) {
        var limit = 50
        if let text = query.get("limit") {
            if let value = Int(text), (1...500).contains(value) { limit = value } else {
                issues.append(ValidationIssue(path: "limit", reason: "must be a whole number from 1 to 500"))
            }
        }
        var after: Int64?
        if let cursor = query.get("cursor") {
            after = decodeCursor(cursor)
            if after == nil { issues.append(ValidationIssue(path: "cursor", reason: "is not a cursor this gateway issued")) }
        }
        return (limit, after)
    }

    /// An RFC 3339 time parameter, in milliseconds since the epoch; nil when absent, or when
    /// invalid (and then an issue names it).
    static func time(_ name: String, in query: Query, issues: inout [ValidationIssue]) -> Int64? {
        guard let text = query.get(name) else { return nil }
        guard let time = Timestamp.parseRFC3339(text) else {
            issues.append(ValidationIssue(path: name, reason: "must be an RFC 3339 time with an offset, e.g. 2026-11-20T09:30:00+08:00"))
            return nil
        }
        return time.epochSeconds * 1000
    }
}
