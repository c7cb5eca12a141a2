import TongbanCore

extension ValidationIssue {
    /// The issue with values quoted by libxml2 (`The value '429001198503120020' is not …`,
    /// `'abc' is not a valid value …`) shortened to their first and last two characters.
    ///
    /// Schema messages may quote whatever field failed, ID numbers and phone numbers included,
    /// and refusals end up in logs; the path already says which field it was.
    func redactingQuotedValues() -> ValidationIssue {
        ValidationIssue(path: path, reason: Self.redact(reason))
    }

    static func redact(_ reason: String) -> String {
        var out = ""
        var rest = Substring(reason)
        while let quote = rest.firstIndex(of: "'") {
            let afterQuote = rest.index(after: quote)
            guard let close = rest[afterQuote...].firstIndex(of: "'") else { break }
            let value = rest[afterQuote..<close]
            let before = rest[..<quote]
            let after = rest[rest.index(after: close)...]
            let isValue = before.hasSuffix("value ") || after.hasPrefix(" is not a valid value")
            out += before + "'" + (isValue ? mask(value) : String(value)) + "'"
            rest = after
        }
        return out + rest
    }

    static func mask(_ value: Substring) -> String {
        let scalars = Array(value.unicodeScalars)
        guard scalars.count > 4 else { return String(value) }
        return String(String.UnicodeScalarView(scalars.prefix(2))) + "…" + String(String.UnicodeScalarView(scalars.suffix(2)))
    }
}
