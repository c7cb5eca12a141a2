/// A compiled ECMA-262 regular expression, the dialect JSON Schema's `pattern` uses.
///
/// Written here rather than using `NSRegularExpression` or Swift `Regex`, both slow on Linux,
/// because every outbound partner payload is checked against a dozen patterns on the hot path.
/// Matching works on Unicode scalars, backtracks within a step budget so that a hostile input
/// cannot hang the gateway, and anchored patterns of simple classes run without allocating.
/// See `PatternParser` for the supported syntax; anything else is refused when compiling.
public struct Pattern: Sendable, CustomStringConvertible {
    /// One reference, so that copying a pattern (schema keywords do) costs a single retain.
    private let compiled: Compiled

    private final class Compiled: Sendable {
        let source: String
        let stepBudget: Int
        let program: PatternProgram

        init(source: String, stepBudget: Int, program: PatternProgram) {
            self.source = source
            self.stepBudget = stepBudget
            self.program = program
        }
    }

    /// The pattern as written.
    public var source: String { compiled.source }
    /// The most matcher steps one search may take before giving up.
    public var stepBudget: Int { compiled.stepBudget }

    /// Enough for any sane pattern on inputs of a few thousand characters, small enough that a
    /// catastrophic pattern gives up within milliseconds.
    public static let defaultStepBudget = 1_000_000

    public init(_ ecmaPattern: String, stepBudget: Int = Pattern.defaultStepBudget) throws(PatternError) {
        var parser = PatternParser(ecmaPattern)
        let node = try parser.parse()
        compiled = Compiled(source: ecmaPattern, stepBudget: stepBudget, program: try PatternProgram(node, source: ecmaPattern))
    }

    public var description: String { source }

    /// Whether the pattern matches anywhere in `string`, like ECMA `RegExp.prototype.test`.
    /// A search that runs out of budget counts as no match; use `firstMatch(in:)` to tell them apart.
    public func matches(in string: String) -> Bool {
        if case .matched = search(in: string).outcome { return true }
        return false
    }

    /// The leftmost match, or why there is none.
    public func firstMatch(in string: String) -> PatternSearchResult {
        let (outcome, start) = search(in: string)
        switch outcome {
        case .matched(let end):
            let utf8 = string.utf8
            let lower = utf8.index(utf8.startIndex, offsetBy: start)
            return .found(lower..<utf8.index(lower, offsetBy: end - start))
        case .failed:
            return .notFound
        case .exhausted:
            return .budgetExceeded
        }
    }

    /// The search's outcome and, for a match, its start, in UTF-8 offsets.
    func search(in string: String) -> (outcome: PatternRunOutcome, start: Int) {
        let program = compiled.program
        let budget = compiled.stepBudget
        if let result = string.utf8.withContiguousStorageIfAvailable({ program.search($0, budget: budget) }) {
            return result
        }
        return Array(string.utf8).withUnsafeBufferPointer { program.search($0, budget: budget) }
    }
}

/// The result of `Pattern.firstMatch(in:)`.
public enum PatternSearchResult: Sendable, Equatable {
    case found(Range<String.Index>)
    case notFound
    /// The step budget ran out first: the input is hostile or the pattern backtracks badly.
    case budgetExceeded
}
