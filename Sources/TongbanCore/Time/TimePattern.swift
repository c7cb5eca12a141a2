/// A fixed-width date-time layout such as `yyyyMMddHHmmss` (GB/T 39046) or `yyyy-MM-dd HH:mm:ss`,
/// compiled once and then applied to every case of a partner.
///
/// Fields are `yyyy` (4-digit year), `MM`, `dd`, `HH` (00–23), `mm` and `ss`, each exactly that
/// many digits; `yyyy`, `MM` and `dd` must each appear once, time fields at most once (missing
/// ones read as zero). Everything else is literal: characters other than ASCII letters stand for
/// themselves (`yyyy年MM月dd日` works), ASCII letters must be quoted (`yyyyMMdd'T'HHmmss`), and
/// `''` is a single quote. Unknown letters are an error rather than literals, because a typo such
/// as `YYYY` or `hh` would otherwise produce wrong dates silently.
///
/// The special pattern `rfc3339` means RFC 3339 with an offset (see `Timestamp.parseRFC3339`).
public struct TimePattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    private let pieces: [Piece]
    private let isRFC3339: Bool

    private enum Piece: Sendable, Hashable {
        case field(Field)
        case literal([UInt8])
    }

    private enum Field: Sendable, Hashable {
        case year, month, day, hour, minute, second

        init?(letter: Unicode.Scalar) {
            switch letter {
            case "y": self = .year
            case "M": self = .month
            case "d": self = .day
            case "H": self = .hour
            case "m": self = .minute
            case "s": self = .second
            default: return nil
            }
        }

        var width: Int { self == .year ? 4 : 2 }

        var token: String {
            switch self {
            case .year: "yyyy"
            case .month: "MM"
            case .day: "dd"
            case .hour: "HH"
            case .minute: "mm"
            case .second: "ss"
            }
        }
    }

    public init(_ pattern: String) throws(TimePatternError) {
        self.pattern = pattern
        if pattern == "rfc3339" {
            pieces = []
            isRFC3339 = true
            return
        }
        isRFC3339 = false
        let scalars = Array(pattern.unicodeScalars)
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        var unknownLetters: [String] = []
        var firstError: TimePatternError?
        var seen: Set<Field> = []
        var index = 0
        func flushLiteral() {
            if !literal.isEmpty { pieces.append(.literal(literal)); literal = [] }
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "'" {
                if index + 1 < scalars.count, scalars[index + 1] == "'" {
                    literal.append(UInt8(ascii: "'"))
                    index += 2
                    continue
                }
                index += 1
                var closed = false
                while index < scalars.count {
                    if scalars[index] == "'" {
                        if index + 1 < scalars.count, scalars[index + 1] == "'" {
                            literal.append(UInt8(ascii: "'"))
                            index += 2
                            continue
                        }
                        closed = true
                        index += 1
                        break
                    }
                    literal.append(contentsOf: UTF8.encode(scalars[index])!)
                    index += 1
                }
                if !closed { throw .unterminatedQuote }
                continue
            }
            guard scalar.isASCII, scalar.properties.isAlphabetic else {
                literal.append(contentsOf: UTF8.encode(scalar)!)
                index += 1
                continue
            }
            var end = index + 1
            while end < scalars.count, scalars[end] == scalar { end += 1 }
            let token = String(repeating: Character(scalar), count: end - index)
            guard let field = Field(letter: scalar) else {
                if !unknownLetters.contains(String(scalar)) { unknownLetters.append(String(scalar)) }
                index = end
                continue
            }
            if end - index != field.width {
                firstError = firstError ?? .unsupportedToken(token)
            } else if !seen.insert(field).inserted {
                firstError = firstError ?? .repeatedField(token)
            }
            index = end
            flushLiteral()
            pieces.append(.field(field))
        }
        flushLiteral()
        if !unknownLetters.isEmpty { throw .unknownLetters(unknownLetters) }
        if let firstError { throw firstError }
        for field in [Field.year, .month, .day] where !seen.contains(field) {
            throw .missingField(field.token)
        }
        self.pieces = pieces
    }

    public var description: String { pattern }

    /// The wall-clock time of `timestamp`'s instant as seen at `offsetSeconds`, laid out by the
    /// pattern. `rfc3339` writes the offset too; other patterns carry no offset, which is why
    /// the caller names the one the partner expects (it must satisfy `Timestamp.isValidOffset`). Years outside 0000–9999 (reachable only by
    /// shifting the extreme instants) are written with more digits or a sign.
    public func format(_ timestamp: Timestamp, offsetSeconds: Int) -> String {
        let shifted = timestamp.converted(toOffset: offsetSeconds)
        var out: [UInt8] = []
        out.reserveCapacity(32)
        if isRFC3339 {
            shifted.appendRFC3339(to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        let clock = shifted.wallClock
        for piece in pieces {
            switch piece {
            case .literal(let bytes): out.append(contentsOf: bytes)
            case .field(let field):
                let value = switch field {
                case .year: clock.date.year
                case .month: clock.date.month
                case .day: clock.date.day
                case .hour: clock.hour
                case .minute: clock.minute
                case .second: clock.second
                }
                ASCIIDigits.append(value, width: field.width, to: &out)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads a wall-clock time written in `offsetSeconds` (an invalid offset yields nil).
    ///
    /// Strict: every field has exactly its digit count, literals must match byte for byte, the
    /// whole input must be used and the date must exist. For `rfc3339` the text carries its own
    /// offset, which the result keeps; `offsetSeconds` is then ignored.
    public func parse(_ text: some StringProtocol, offsetSeconds: Int) -> Timestamp? {
        if isRFC3339 { return Timestamp.parseRFC3339(text) }
        return ASCIIDigits.withUTF8(text) { bytes -> Timestamp? in
            var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0
            var index = 0
            for piece in pieces {
                switch piece {
                case .literal(let literal):
                    guard index + literal.count <= bytes.count else { return nil }
                    for (offset, byte) in literal.enumerated() where bytes[index + offset] != byte { return nil }
                    index += literal.count
                case .field(let field):
                    guard let value = ASCIIDigits.value(bytes, at: index, count: field.width) else { return nil }
                    index += field.width
                    switch field {
                    case .year: year = value
                    case .month: month = value
                    case .day: day = value
                    case .hour: hour = value
                    case .minute: minute = value
                    case .second: second = value
                    }
                }
            }
            guard index == bytes.count, let date = CivilDate(year: year, month: month, day: day) else { return nil }
            return Timestamp(date: date, hour: hour, minute: minute, second: second, offsetSeconds: offsetSeconds)
        }
    }
}

/// Why a date-time pattern was refused; raised when a partner's mapping is loaded, not per case.
public enum TimePatternError: Error, Sendable, Hashable, CustomStringConvertible {
    /// ASCII letters that are not pattern fields, in order of first appearance (`["Y", "h"]`).
    case unknownLetters([String])
    /// A known letter with the wrong count, such as `yy` or `M`.
    case unsupportedToken(String)
    /// A field that appears twice.
    case repeatedField(String)
    /// `yyyy`, `MM` or `dd` absent: a time without a day cannot be turned into an instant.
    case missingField(String)
    /// A `'` that opens a literal and is never closed.
    case unterminatedQuote

    public var description: String {
        switch self {
        case .unknownLetters(let letters):
            let list = letters.map { "'\($0)'" }.joined(separator: ", ")
            return "unknown pattern letter\(letters.count == 1 ? "" : "s") \(list): fields are yyyy MM dd HH mm ss; quote literal letters, as in 'T'"
        case .unsupportedToken(let token):
            return "\(token) is not supported: fields are yyyy MM dd HH mm ss, with exactly that many letters"
        case .repeatedField(let token):
            return "\(token) appears more than once"
        case .missingField(let token):
            return "the pattern has no \(token); yyyy, MM and dd are all required"
        case .unterminatedQuote:
            return "a quoted literal is not closed with '"
        }
    }
}
