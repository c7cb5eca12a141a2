/// A compiled mapping expression: names resolved, functions checked, literals parsed.
///
/// Expressions are compiled once when a mapping loads; running one is a walk over this tree
/// with no lookups by name.
indirect enum Expression: Sendable {
    case literal(MappingValue)
    /// A path from the source document's root element or object.
    case root([PathStep])
    /// A path from a variable slot (`let` values, `$each` items, `position`, `local`, `partner`).
    case variable(slot: Int, [PathStep])
    case not(Expression)
    case negate(Expression)
    case binary(BinaryOperator, Expression, Expression)
    case and(Expression, Expression)
    case or(Expression, Expression)
    case coalesce(Expression, Expression)
    case call(MappingFunction, [Expression])
    /// `code(value, 'list')` with the list and the direction resolved at load time.
    case code(Expression, CodeList, towardPartner: Bool)
    case formatTime(Expression, TimePattern)
    case parseTime(Expression, TimePattern)
}

enum PathStep: Sendable {
    /// A JSON member or, on an XML element, the child elements with this qualified name.
    case name(String, XMLQName)
    case attribute(XMLQName)
    case index(Int)
}

enum BinaryOperator: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
}
