import TongbanCore

extension [ValidationIssue] {
    /// The first issues on one line, for a partner's answer field (KSTB `XX`, APAS `msg`, a hub
    /// item's `error`): enough for the partner's operators to find the field.
    var summary: String {
        let shown = prefix(5).map(\.description).joined(separator: "; ")
        return count > 5 ? shown + "; … (\(count) in all)" : shown
    }
}
