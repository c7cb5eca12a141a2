/// Parses the ECMA-262 subset that JSON Schema patterns use in practice.
///
/// Supported: literals, `.`, classes with ranges and negation, `\d \D \w \W \s \S \b \B`,
/// control and hex escapes (`\t \n \r \v \f \0 \cX \xHH \uHHHH \u{H…}`), identity escapes of
/// punctuation, `^ $`, groups (capturing, named, `(?:…)`), lookahead `(?=…) (?!…)`,
/// alternation and greedy or lazy quantifiers. Anything else (backreferences, lookbehind,
/// `\p{…}`, unknown letter escapes) is refused by name, so no pattern silently means something else.
struct PatternParser {
    private let source: String
    private let scalars: [Unicode.Scalar]
    private var position = 0

    /// Bounds `{n,m}` counts so that expanding them cannot exhaust memory.
    static let maximumCount = 10_000

    init(_ source: String) {
        self.source = source
        self.scalars = Array(source.unicodeScalars)
    }

    mutating func parse() throws(PatternError) -> PatternNode {
        let node = try parseDisjunction()
        if position < scalars.count {
            throw error("unmatched ')'")
        }
        return node
    }

    private func error(_ reason: String, at offset: Int? = nil) -> PatternError {
        PatternError(pattern: source, offset: offset ?? position, reason: reason)
    }

    private var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private func peek(_ offset: Int) -> Unicode.Scalar? {
        position + offset < scalars.count ? scalars[position + offset] : nil
    }

    private mutating func take(_ scalar: Unicode.Scalar) -> Bool {
        guard current == scalar else { return false }
        position += 1
        return true
    }

    // MARK: Structure

    private mutating func parseDisjunction() throws(PatternError) -> PatternNode {
        var branches = [try parseAlternative()]
        while take("|") {
            branches.append(try parseAlternative())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseAlternative() throws(PatternError) -> PatternNode {
        var items: [PatternNode] = []
        while let scalar = current, scalar != "|", scalar != ")" {
            items.append(try parseTerm())
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .sequence(items)
        }
    }

    private mutating func parseTerm() throws(PatternError) -> PatternNode {
        let start = position
        guard let scalar = current else { return .empty }
        let atom: PatternNode
        var quantifiable = true
        switch scalar {
        case "^":
            position += 1
            atom = .startAnchor
            quantifiable = false
        case "$":
            position += 1
            atom = .endAnchor
            quantifiable = false
        case "(":
            let (group, isLookahead) = try parseGroup()
            atom = group
            quantifiable = !isLookahead
        case "[":
            atom = .scalars(try parseClass())
        case ".":
            position += 1
            atom = .scalars(.dot)
        case "\\":
            if peek(1) == "b" || peek(1) == "B" {
                atom = .wordBoundary(negated: peek(1) == "B")
                position += 2
                quantifiable = false
            } else {
                atom = .scalars(try parseAtomEscape())
            }
        case "*", "+", "?":
            throw error("nothing to repeat before '\(scalar)'")
        case "{" where quantifierAhead():
            throw error("nothing to repeat before '{'")
        default:
            atom = .scalars(ScalarSet(scalar: scalar.value))
            position += 1
        }
        guard let (min, max) = try parseQuantifier() else { return atom }
        guard quantifiable else { throw error("a quantifier cannot follow an assertion", at: start) }
        let greedy = !take("?")
        return .repetition(atom, min: min, max: max, greedy: greedy)
    }

    /// `(…)`, `(?:…)`, `(?<name>…)`, `(?=…)`, `(?!…)`; the flag says whether it was a lookahead.
    private mutating func parseGroup() throws(PatternError) -> (PatternNode, Bool) {
        let open = position
        position += 1
        var lookahead: Bool? = nil
        if take("?") {
            switch current {
            case ":": position += 1
            case "=": position += 1; lookahead = false
            case "!": position += 1; lookahead = true
            case "<" where peek(1) == "=" || peek(1) == "!":
                throw error("lookbehind assertions are not supported", at: open)
            case "<":
                position += 1
                try skipGroupName()
            default:
                throw error("unsupported group syntax '(?\(current.map { String($0) } ?? "")'", at: open)
            }
        }
        let body = try parseDisjunction()
        guard take(")") else { throw error("unterminated group", at: open) }
        if let negated = lookahead { return (.lookahead(body, negated: negated), true) }
        return (body, false)
    }

    private mutating func skipGroupName() throws(PatternError) {
        let start = position
        while let scalar = current, scalar != ">" {
            guard scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "$" else {
                throw error("invalid character in group name")
            }
            position += 1
        }
        guard position > start, take(">") else { throw error("invalid group name", at: start) }
    }

    // MARK: Quantifiers

    private func quantifierAhead() -> Bool {
        var probe = self
        do {
            return try probe.parseBraces() != nil
        } catch {
            return true
        }
    }

    private mutating func parseQuantifier() throws(PatternError) -> (Int, Int?)? {
        switch current {
        case "*": position += 1; return (0, nil)
        case "+": position += 1; return (1, nil)
        case "?": position += 1; return (0, 1)
        case "{":
            var probe = self
            guard let braces = try probe.parseBraces() else { return nil }
            position = probe.position
            return braces
        default: return nil
        }
    }

    /// `{n}`, `{n,}` or `{n,m}`; nil when the brace is not a quantifier (then it is a literal).
    private mutating func parseBraces() throws(PatternError) -> (Int, Int?)? {
        let open = position
        position += 1
        guard let min = parseNumber() else { return nil }
        var max: Int? = min
        if take(",") {
            max = current == "}" ? nil : parseNumber()
            if max == nil, current != "}" { return nil }
        }
        guard take("}") else { return nil }
        if let max, max < min { throw error("numbers out of order in {} quantifier", at: open) }
        if min > PatternParser.maximumCount || (max ?? 0) > PatternParser.maximumCount {
            throw error("repetition count larger than \(PatternParser.maximumCount)", at: open)
        }
        return (min, max)
    }

    private mutating func parseNumber() -> Int? {
        var value = 0
        var digits = 0
        while let scalar = current, ("0"..."9").contains(scalar) {
            value = Swift.min(value * 10 + Int(scalar.value - 0x30), Int(Int32.max))
            digits += 1
            position += 1
        }
        return digits > 0 ? value : nil
    }

    // MARK: Classes and escapes

    private mutating func parseClass() throws(PatternError) -> ScalarSet {
        let open = position
        position += 1
        let negated = take("^")
        var set = ScalarSet()
        while current != nil, current != "]" {
            let left = try parseClassAtom()
            guard current == "-", let next = peek(1), next != "]" else {
                set.formUnion(left)
                continue
            }
            position += 1
            let right = try parseClassAtom()
            guard let low = left.singleScalar, let high = right.singleScalar else {
                // Annex B: a class escape next to '-' makes the '-' literal.
                set.formUnion(left)
                set.insert(0x2D...0x2D)
                set.formUnion(right)
                continue
            }
            guard low <= high else { throw error("range out of order in character class", at: position - 1) }
            set.insert(low...high)
        }
        guard take("]") else { throw error("unterminated character class", at: open) }
        return negated ? set.inverted() : set
    }

    private mutating func parseClassAtom() throws(PatternError) -> ScalarSet {
        guard let scalar = current else { throw error("unterminated character class") }
        if scalar == "\\" {
            if peek(1) == "b" {
                position += 2
                return ScalarSet(scalar: 0x08)
            }
            if peek(1) == "-" {
                position += 2
                return ScalarSet(scalar: 0x2D)
            }
            if peek(1) == "B" { throw error("\\B is not allowed in a character class") }
            return try parseAtomEscape()
        }
        position += 1
        return ScalarSet(scalar: scalar.value)
    }

    /// An escape outside `\b \B`, positioned on the backslash.
    private mutating func parseAtomEscape() throws(PatternError) -> ScalarSet {
        let start = position
        position += 1
        guard let scalar = current else { throw error("pattern ends with a lone backslash", at: start) }
        position += 1
        switch scalar {
        case "d": return .digits
        case "D": return ScalarSet.digits.inverted()
        case "w": return .word
        case "W": return ScalarSet.word.inverted()
        case "s": return .space
        case "S": return ScalarSet.space.inverted()
        case "t": return ScalarSet(scalar: 0x09)
        case "n": return ScalarSet(scalar: 0x0A)
        case "v": return ScalarSet(scalar: 0x0B)
        case "f": return ScalarSet(scalar: 0x0C)
        case "r": return ScalarSet(scalar: 0x0D)
        case "0":
            if let next = current, ("0"..."9").contains(next) { throw error("octal escapes are not supported", at: start) }
            return ScalarSet(scalar: 0)
        case "c":
            guard let letter = current, ("a"..."z").contains(letter) || ("A"..."Z").contains(letter) else {
                throw error("\\c must be followed by a letter", at: start)
            }
            position += 1
            return ScalarSet(scalar: letter.value % 32)
        case "x":
            guard let value = parseHex(digits: 2) else { throw error("\\x must be followed by two hex digits", at: start) }
            return ScalarSet(scalar: value)
        case "u":
            return ScalarSet(scalar: try parseUnicodeEscape(start: start))
        case "1"..."9":
            throw error("backreferences are not supported", at: start)
        case "k":
            throw error("named backreferences are not supported", at: start)
        case "p", "P":
            throw error("Unicode property escapes are not supported", at: start)
        default:
            let isLetterOrDigit = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            guard !isLetterOrDigit else { throw error("unknown escape \\\(scalar)", at: start) }
            return ScalarSet(scalar: scalar.value)
        }
    }

    /// After `\u`: four hex digits (a surrogate pair written as two escapes joins up) or `{…}`.
    private mutating func parseUnicodeEscape(start: Int) throws(PatternError) -> UInt32 {
        if take("{") {
            var value: UInt32 = 0
            var digits = 0
            while let scalar = current, scalar != "}" {
                guard let digit = hexValue(scalar), value <= 0x10FFFF else { throw error("invalid \\u{…} escape", at: start) }
                value = value * 16 + digit
                digits += 1
                position += 1
            }
            guard digits > 0, take("}"), value <= 0x10FFFF, !(0xD800...0xDFFF).contains(value) else {
                throw error("invalid \\u{…} escape", at: start)
            }
            return value
        }
        guard let high = parseHex(digits: 4) else { throw error("\\u must be followed by four hex digits", at: start) }
        guard (0xD800...0xDBFF).contains(high) else {
            guard !(0xDC00...0xDFFF).contains(high) else { throw error("lone surrogate in \\u escape", at: start) }
            return high
        }
        guard current == "\\", peek(1) == "u" else { throw error("lone surrogate in \\u escape", at: start) }
        position += 2
        guard let low = parseHex(digits: 4), (0xDC00...0xDFFF).contains(low) else {
            throw error("lone surrogate in \\u escape", at: start)
        }
        return 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
    }

    private mutating func parseHex(digits: Int) -> UInt32? {
        guard position + digits <= scalars.count else { return nil }
        var value: UInt32 = 0
        for offset in 0..<digits {
            guard let digit = hexValue(scalars[position + offset]) else { return nil }
            value = value * 16 + digit
        }
        position += digits
        return value
    }

    private func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": return scalar.value - 0x30
        case "a"..."f": return scalar.value - 0x61 + 10
        case "A"..."F": return scalar.value - 0x41 + 10
        default: return nil
        }
    }
}
