/// The reason an operator gives for a change (closing a dead letter, replaying, pausing): one
/// line of printable text, 1–500 characters, because it is written into the message log and the
/// process log as given. A line feed or another control character in it could forge a log line,
/// so it is refused, not cleaned; the API and the console check it the same way.
enum OperatorReason {
    static let maximumLength = 500

    /// The reason without surrounding blanks, or what is wrong with it, for the operator.
    static func check(_ text: String?) -> Result<String, Refusal> {
        let reason = (text ?? "").trimmingCharacters(in: .whitespaces)
        if reason.isEmpty { return .failure(Refusal("say why: the reason goes into the message log")) }
        if reason.count > maximumLength { return .failure(Refusal("at most \(maximumLength) characters")) }
        if let control = reason.unicodeScalars.first(where: { $0.properties.generalCategory == .control
                || $0 == "\u{2028}" || $0 == "\u{2029}" }) {
            let code = String(control.value, radix: 16, uppercase: true)
            return .failure(Refusal("one line of printable text: it contains the control character U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code)"))
        }
        return .success(reason)
    }

    struct Refusal: Error, Equatable {
        let message: String
        init(_ message: String) { self.message = message }
    }
}
