/// Shared wording of validation issues: plain statements a clerk or a partner's integrator can
/// act on, such as `longer than 200 characters` or `is not one of "WINDOW", "EMS", "ONLINE"`.
enum IssueText {
    /// Values listed in an `enum` message before the rest is summarised.
    static let listedValues = 10
    /// Characters of a value shown in a message before it is cut.
    static let shownCharacters = 80

    /// A string in JSON quotes.
    static func quoted(_ text: String) -> String {
        JSONValue.string(text).compactString
    }

    /// `1 character`, `3 characters`.
    static func counted(_ count: Int, _ noun: String, plural: String? = nil) -> String {
        "\(count) \(count == 1 ? noun : plural ?? noun + "s")"
    }

    /// Compact JSON, cut when long.
    static func describe(_ value: JSONValue) -> String {
        let text = value.compactString
        guard text.unicodeScalars.count > shownCharacters else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.prefix(shownCharacters))) + "…"
    }
}
