/// The parsed form of a pattern, before it is compiled for the matcher.
indirect enum PatternNode: Sendable {
    case empty
    /// One scalar out of a set: a literal, `.`, `\d`, `[a-z]`, …
    case scalars(ScalarSet)
    case startAnchor
    case endAnchor
    case wordBoundary(negated: Bool)
    /// `(?=…)` or `(?!…)`.
    case lookahead(PatternNode, negated: Bool)
    case sequence([PatternNode])
    case alternation([PatternNode])
    /// `max == nil` means unbounded.
    case repetition(PatternNode, min: Int, max: Int?, greedy: Bool)

    /// Whether the node can match without consuming input.
    var isNullable: Bool {
        switch self {
        case .empty, .startAnchor, .endAnchor, .wordBoundary, .lookahead: return true
        case .scalars: return false
        case .sequence(let items): return items.allSatisfy(\.isNullable)
        case .alternation(let branches): return branches.contains(where: \.isNullable)
        case .repetition(let body, let min, _, _): return min == 0 || body.isNullable
        }
    }

    /// The scalars the node's first consumed scalar must come from, when the node always consumes one.
    var firstScalars: ScalarSet? {
        switch self {
        case .scalars(let set): return set
        case .repetition(let body, let min, _, _): return min > 0 ? body.firstScalars : nil
        case .sequence(let items):
            guard let first = items.first(where: { !$0.isEmptyNode }), !first.isNullable else { return nil }
            return first.firstScalars
        case .alternation(let branches):
            var union = ScalarSet()
            for branch in branches {
                guard let first = branch.firstScalars else { return nil }
                union.formUnion(first)
            }
            return union
        case .empty, .startAnchor, .endAnchor, .wordBoundary, .lookahead: return nil
        }
    }

    private var isEmptyNode: Bool {
        if case .empty = self { return true }
        return false
    }
}
