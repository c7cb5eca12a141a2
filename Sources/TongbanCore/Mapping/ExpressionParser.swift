/// Parses the mapping expression language into `Expression` trees.
///
/// Grammar, loosest binding first:
/// `pipe := coalesce ('|' call)*` — `x | f(a)` is `f(x, a)`;
/// `coalesce := or ('??' or)*`; `or := and ('||' and)*`; `and := compare ('&&' compare)*`;
/// `compare := sum (('=='|'!='|'<'|'<='|'>'|'>=') sum)?`; `sum := product (('+'|'-') product)*`;
/// `product := unary (('*'|'/'|'%') unary)*`; `unary := ('!'|'-') unary | primary`;
/// `primary := literal | call | path | '(' pipe ')'`;
/// `path := name ('.' (name | '@' name) | '[' integer ']' | '[' 'text' ']')*`.
/// Names may carry a namespace prefix (`k:CL`); the prefix must be declared in the mapping.
struct ExpressionParser {
    let scope: CompileScope
    private var tokens: [Token] = []
    private var index = 0
    private let source: String

    init(_ source: String, scope: CompileScope) {
        self.source = source
        self.scope = scope
    }

    static func parse(_ source: String, scope: CompileScope) throws(ExpressionError) -> Expression {
        var parser = ExpressionParser(source, scope: scope)
        parser.tokens = try Lexer.tokenize(source)
        let expression = try parser.parsePipe()
        guard parser.peek == .end else { throw parser.error("unexpected \(parser.peek.display)") }
        return expression
    }

    private var peek: Token.Kind { tokens[index].kind }
    private var offset: Int { tokens[index].offset }

    private func error(_ message: String) -> ExpressionError {
        ExpressionError(message: message, offset: offset)
    }

    private mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private mutating func expect(_ kind: Token.Kind) throws(ExpressionError) {
        guard peek == kind else { throw error("expected \(kind.display), found \(peek.display)") }
        _ = advance()
    }

    private mutating func parsePipe() throws(ExpressionError) -> Expression {
        var value = try parseCoalesce()
        while peek == .symbol("|") {
            _ = advance()
            guard case .identifier(let name) = peek else { throw error("expected a function call after '|'") }
            let nameOffset = offset
            _ = advance()
            guard peek == .symbol("(") else { throw ExpressionError(message: "expected '(' after \(name)", offset: nameOffset) }
            value = try parseCall(name, offset: nameOffset, first: value)
        }
        return value
    }

    private mutating func parseCoalesce() throws(ExpressionError) -> Expression {
        var value = try parseOr()
        while peek == .symbol("??") {
            _ = advance()
            value = .coalesce(value, try parseOr())
        }
        return value
    }

    private mutating func parseOr() throws(ExpressionError) -> Expression {
        var value = try parseAnd()
        while peek == .symbol("||") {
            _ = advance()
            value = .or(value, try parseAnd())
        }
        return value
    }

    private mutating func parseAnd() throws(ExpressionError) -> Expression {
        var value = try parseComparison()
        while peek == .symbol("&&") {
            _ = advance()
            value = .and(value, try parseComparison())
        }
        return value
    }

    private mutating func parseComparison() throws(ExpressionError) -> Expression {
        let value = try parseSum()
        for op in [BinaryOperator.equal, .notEqual, .lessOrEqual, .greaterOrEqual, .less, .greater] where peek == .symbol(op.rawValue) {
            _ = advance()
            return .binary(op, value, try parseSum())
        }
        return value
    }

    private mutating func parseSum() throws(ExpressionError) -> Expression {
        var value = try parseProduct()
        while true {
            if peek == .symbol("+") { _ = advance(); value = .binary(.add, value, try parseProduct()) }
            else if peek == .symbol("-") { _ = advance(); value = .binary(.subtract, value, try parseProduct()) }
            else { return value }
        }
    }

    private mutating func parseProduct() throws(ExpressionError) -> Expression {
        var value = try parseUnary()
        while true {
            if peek == .symbol("*") { _ = advance(); value = .binary(.multiply, value, try parseUnary()) }
            else if peek == .symbol("/") { _ = advance(); value = .binary(.divide, value, try parseUnary()) }
            else if peek == .symbol("%") { _ = advance(); value = .binary(.remainder, value, try parseUnary()) }
            else { return value }
        }
    }

    private mutating func parseUnary() throws(ExpressionError) -> Expression {
        if peek == .symbol("!") { _ = advance(); return .not(try parseUnary()) }
        if peek == .symbol("-") { _ = advance(); return .negate(try parseUnary()) }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(ExpressionError) -> Expression {
        let start = offset
        switch advance().kind {
        case .string(let s): return .literal(.string(s))
        case .integer(let i): return .literal(.int(i))
        case .decimal(let d): return .literal(.double(d))
        case .symbol("("):
            let inner = try parsePipe()
            try expect(.symbol(")"))
            return inner
        case .identifier(let name):
            switch name {
            case "true": return .literal(.bool(true))
            case "false": return .literal(.bool(false))
            case "null", "absent": return .literal(.absent)
            default: break
            }
            if peek == .symbol("(") { return try parseCall(name, offset: start, first: nil) }
            return try parsePath(first: name, offset: start)
        case .symbol("@"):
            guard case .identifier(let name) = advance().kind else { throw ExpressionError(message: "expected an attribute name after '@'", offset: start) }
            var steps = [PathStep.attribute(try scope.attributeName(name, offset: start))]
            try parseSteps(into: &steps)
            return .root(steps)
        case let other:
            throw ExpressionError(message: "unexpected \(other.display)", offset: start)
        }
    }

    private mutating func parsePath(first: String, offset start: Int) throws(ExpressionError) -> Expression {
        var steps: [PathStep] = []
        let base: Int?
        if let slot = scope.variables[first] {
            base = slot
        } else {
            base = nil
            steps.append(try scope.nameStep(first, offset: start))
        }
        try parseSteps(into: &steps)
        if let base { return .variable(slot: base, steps) }
        return .root(steps)
    }

    private mutating func parseSteps(into steps: inout [PathStep]) throws(ExpressionError) {
        while true {
            if peek == .symbol(".") {
                _ = advance()
                let stepOffset = offset
                if peek == .symbol("@") {
                    _ = advance()
                    guard case .identifier(let name) = advance().kind else { throw ExpressionError(message: "expected an attribute name after '@'", offset: stepOffset) }
                    steps.append(.attribute(try scope.attributeName(name, offset: stepOffset)))
                } else if case .identifier(let name) = peek {
                    _ = advance()
                    steps.append(try scope.nameStep(name, offset: stepOffset))
                } else {
                    throw error("expected a name after '.'")
                }
            } else if peek == .symbol("[") {
                _ = advance()
                switch advance().kind {
                case .integer(let i): steps.append(.index(Int(i)))
                case .string(let key): steps.append(try scope.nameStep(key, offset: offset))
                default: throw error("expected an index or a quoted name inside [ ]")
                }
                try expect(.symbol("]"))
            } else {
                return
            }
        }
    }

    private mutating func parseCall(_ name: String, offset start: Int, first: Expression?) throws(ExpressionError) -> Expression {
        try expect(.symbol("("))
        var arguments: [Expression] = first.map { [$0] } ?? []
        var literalArguments: [String?] = first == nil ? [] : [nil]
        if peek != .symbol(")") {
            while true {
                if case .string(let s) = peek { literalArguments.append(s) } else { literalArguments.append(nil) }
                arguments.append(try parsePipe())
                if peek == .symbol(",") { _ = advance(); continue }
                break
            }
        }
        try expect(.symbol(")"))
        return try scope.call(name, arguments: arguments, literals: literalArguments, offset: start)
    }
}

/// A mistake inside one expression, located by character offset within it.
struct ExpressionError: Error {
    var message: String
    var offset: Int
}

struct Token {
    enum Kind: Equatable {
        case identifier(String)
        case string(String)
        case integer(Int64)
        case decimal(Double)
        case symbol(String)
        case end

        var display: String {
            switch self {
            case .identifier(let s): return "'\(s)'"
            case .string(let s): return "text '\(s)'"
            case .integer(let i): return "\(i)"
            case .decimal(let d): return "\(d)"
            case .symbol(let s): return "'\(s)'"
            case .end: return "end of expression"
            }
        }
    }

    var kind: Kind
    var offset: Int
}

enum Lexer {
    static let symbols = ["??", "||", "&&", "==", "!=", "<=", ">=", "|", "<", ">", "+", "-", "*", "/", "%", "!", "(", ")", "[", "]", ",", ".", "@"]

    static func tokenize(_ source: String) throws(ExpressionError) -> [Token] {
        let scalars = Array(source.unicodeScalars)
        var tokens: [Token] = []
        var i = 0
        func isNameStart(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || c == "_" || c == "$" }
        func isNamePart(_ c: Unicode.Scalar) -> Bool { isNameStart(c) || ("0"..."9").contains(c) }
        while i < scalars.count {
            let c = scalars[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1; continue }
            let start = i
            if c == "'" || c == "\"" {
                var text = String.UnicodeScalarView()
                i += 1
                var closed = false
                while i < scalars.count {
                    if scalars[i] == c { closed = true; i += 1; break }
                    if scalars[i] == "\\", i + 1 < scalars.count {
                        let e = scalars[i + 1]
                        switch e {
                        case "n": text.append("\n")
                        case "t": text.append("\t")
                        default: text.append(e)
                        }
                        i += 2
                        continue
                    }
                    text.append(scalars[i])
                    i += 1
                }
                guard closed else { throw ExpressionError(message: "unterminated text literal", offset: start) }
                tokens.append(Token(kind: .string(String(text)), offset: start))
            } else if ("0"..."9").contains(c) {
                while i < scalars.count, ("0"..."9").contains(scalars[i]) { i += 1 }
                var isDecimal = false
                if i + 1 < scalars.count, scalars[i] == ".", ("0"..."9").contains(scalars[i + 1]) {
                    isDecimal = true
                    i += 1
                    while i < scalars.count, ("0"..."9").contains(scalars[i]) { i += 1 }
                }
                let text = String(String.UnicodeScalarView(scalars[start..<i]))
                if isDecimal, let d = Double(text) {
                    tokens.append(Token(kind: .decimal(d), offset: start))
                } else if let n = Int64(text) {
                    tokens.append(Token(kind: .integer(n), offset: start))
                } else {
                    throw ExpressionError(message: "number out of range", offset: start)
                }
            } else if isNameStart(c) {
                i += 1
                while i < scalars.count {
                    if isNamePart(scalars[i]) { i += 1; continue }
                    // A namespace prefix: `k:CL` (no spaces around the colon).
                    if scalars[i] == ":", i + 1 < scalars.count, isNameStart(scalars[i + 1]) { i += 2; continue }
                    break
                }
                tokens.append(Token(kind: .identifier(String(String.UnicodeScalarView(scalars[start..<i]))), offset: start))
            } else {
                let rest = String(String.UnicodeScalarView(scalars[i..<min(i + 2, scalars.count)]))
                guard let symbol = symbols.first(where: { rest.hasPrefix($0) }) else {
                    throw ExpressionError(message: "unexpected character '\(c)'", offset: start)
                }
                tokens.append(Token(kind: .symbol(symbol), offset: start))
                i += symbol.unicodeScalars.count
            }
        }
        tokens.append(Token(kind: .end, offset: scalars.count))
        return tokens
    }
}
