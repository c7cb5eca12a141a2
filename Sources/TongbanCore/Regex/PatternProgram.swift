/// One step of a compiled pattern.
enum PatternInstruction: Sendable {
    /// UTF-8 bytes at `literalBytes[offset..<offset+count]`.
    case literal(offset: Int, count: Int)
    /// One scalar from `sets[set]`.
    case scalar(set: Int)
    /// `min...max` scalars from `sets[set]`; a possessive run never gives scalars back, which the
    /// compiler only allows where giving back could not lead to a match.
    case repeatScalars(set: Int, min: Int, max: Int, greedy: Bool, possessive: Bool)
    /// Continue at `preferred`; on failure come back and continue at `alternative`.
    case split(preferred: Int, alternative: Int)
    case jump(Int)
    case startAnchor
    case endAnchor
    case wordBoundary(negated: Bool)
    /// Remembers where a loop iteration began, so an iteration that matched nothing can be refused.
    case markPosition(register: Int)
    case requireProgress(register: Int)
    /// The lookahead's body starts at the next instruction and ends with `succeed`; matching goes on at `next`.
    case lookahead(next: Int, negated: Bool)
    case succeed
}

/// A pattern compiled for the backtracking matcher in `PatternProgram+Matching.swift`.
struct PatternProgram: Sendable {
    private(set) var instructions: [PatternInstruction] = []
    private(set) var sets: [ScalarSet] = []
    private(set) var literalBytes: [UInt8] = []
    private(set) var registerCount = 0
    /// Only position 0 can start a match.
    private(set) var anchoredAtStart = false
    /// Every match starts with this byte, so other start positions are skipped without running.
    private(set) var leadingByte: UInt8?

    /// Counted repetitions of groups are expanded; this bounds the result.
    static let maximumInstructions = 50_000

    init(_ node: PatternNode, source: String) throws(PatternError) {
        try compile(node, follow: .accept, source: source)
        instructions.append(.succeed)
        anchoredAtStart = PatternProgram.isAnchoredAtStart(node)
        if case .literal(let offset, _) = instructions[0] { leadingByte = literalBytes[offset] }
    }

    /// What is known about the input that must come right after a node.
    private enum Follow {
        /// Nothing more is needed: the match succeeds.
        case accept
        /// The end of the input.
        case end
        /// A scalar from this set.
        case scalars(ScalarSet)
        case unknown
    }

    private static func follow(of node: PatternNode, then after: Follow) -> Follow {
        if case .endAnchor = node { return .end }
        if !node.isNullable, let first = node.firstScalars { return .scalars(first) }
        if case .empty = node { return after }
        return .unknown
    }

    private static func isAnchoredAtStart(_ node: PatternNode) -> Bool {
        switch node {
        case .startAnchor: return true
        case .sequence(let items): return items.first.map(isAnchoredAtStart) ?? false
        case .alternation(let branches): return branches.allSatisfy(isAnchoredAtStart)
        default: return false
        }
    }

    @discardableResult
    private mutating func emit(_ instruction: PatternInstruction, source: String) throws(PatternError) -> Int {
        guard instructions.count < PatternProgram.maximumInstructions else {
            throw PatternError(pattern: source, offset: 0, reason: "pattern too large once its repetitions are expanded")
        }
        instructions.append(instruction)
        return instructions.count - 1
    }

    private mutating func addSet(_ set: ScalarSet) -> Int {
        sets.append(set)
        return sets.count - 1
    }

    private mutating func compile(_ node: PatternNode, follow: Follow, source: String) throws(PatternError) {
        switch node {
        case .empty:
            break
        case .scalars(let set):
            if let scalar = set.singleScalar, let unicode = Unicode.Scalar(scalar) {
                try emitLiteral([unicode], source: source)
            } else {
                try emit(.scalar(set: addSet(set)), source: source)
            }
        case .startAnchor:
            try emit(.startAnchor, source: source)
        case .endAnchor:
            try emit(.endAnchor, source: source)
        case .wordBoundary(let negated):
            try emit(.wordBoundary(negated: negated), source: source)
        case .lookahead(let body, let negated):
            let start = try emit(.lookahead(next: 0, negated: negated), source: source)
            try compile(body, follow: .accept, source: source)
            try emit(.succeed, source: source)
            instructions[start] = .lookahead(next: instructions.count, negated: negated)
        case .sequence(let items):
            try compileSequence(items, follow: follow, source: source)
        case .alternation(let branches):
            var exits: [Int] = []
            for (index, branch) in branches.enumerated() {
                if index == branches.count - 1 {
                    try compile(branch, follow: follow, source: source)
                } else {
                    let split = try emit(.split(preferred: 0, alternative: 0), source: source)
                    try compile(branch, follow: follow, source: source)
                    exits.append(try emit(.jump(0), source: source))
                    instructions[split] = .split(preferred: split + 1, alternative: instructions.count)
                }
            }
            for exit in exits { instructions[exit] = .jump(instructions.count) }
        case .repetition(let body, let min, let max, let greedy):
            try compileRepetition(body, min: min, max: max, greedy: greedy, follow: follow, source: source)
        }
    }

    /// Runs of literal scalars become one byte comparison.
    private mutating func compileSequence(_ items: [PatternNode], follow: Follow, source: String) throws(PatternError) {
        var index = 0
        while index < items.count {
            var run: [Unicode.Scalar] = []
            while index < items.count, case .scalars(let set) = items[index], let scalar = set.singleScalar,
                  let unicode = Unicode.Scalar(scalar) {
                run.append(unicode)
                index += 1
            }
            if !run.isEmpty {
                try emitLiteral(run, source: source)
                continue
            }
            let after = index + 1 < items.count ? PatternProgram.follow(of: items[index + 1], then: .unknown) : follow
            try compile(items[index], follow: after, source: source)
            index += 1
        }
    }

    private mutating func emitLiteral(_ scalars: [Unicode.Scalar], source: String) throws(PatternError) {
        let offset = literalBytes.count
        for scalar in scalars { literalBytes.append(contentsOf: String(scalar).utf8) }
        try emit(.literal(offset: offset, count: literalBytes.count - offset), source: source)
    }

    private mutating func compileRepetition(
        _ body: PatternNode, min: Int, max: Int?, greedy: Bool, follow: Follow, source: String
    ) throws(PatternError) {
        if case .scalars(let set) = body {
            let possessive: Bool
            switch follow {
            case _ where min == max: possessive = true
            case .accept: possessive = true
            case .end: possessive = greedy
            case .scalars(let next): possessive = greedy && set.isDisjoint(with: next)
            case .unknown: possessive = false
            }
            try emit(.repeatScalars(set: addSet(set), min: min, max: max ?? Int.max, greedy: greedy, possessive: possessive), source: source)
            return
        }
        for _ in 0..<min {
            try compile(body, follow: .unknown, source: source)
        }
        // Past the minimum, ECMA-262 refuses an iteration that matches nothing (RepeatMatcher step 2.b);
        // for unbounded loops that is also what stops them from spinning.
        let register: Int? = body.isNullable ? registerCount : nil
        if register != nil { registerCount += 1 }
        guard let max else {
            let loop = try emit(.split(preferred: 0, alternative: 0), source: source)
            try compileOptionalIteration(body, register: register, source: source)
            try emit(.jump(loop), source: source)
            let exit = instructions.count
            instructions[loop] = greedy ? .split(preferred: loop + 1, alternative: exit) : .split(preferred: exit, alternative: loop + 1)
            return
        }
        var splits: [Int] = []
        for _ in min..<Swift.max(min, max) {
            splits.append(try emit(.split(preferred: 0, alternative: 0), source: source))
            try compileOptionalIteration(body, register: register, source: source)
        }
        let exit = instructions.count
        for split in splits {
            instructions[split] = greedy ? .split(preferred: split + 1, alternative: exit) : .split(preferred: exit, alternative: split + 1)
        }
    }

    private mutating func compileOptionalIteration(_ body: PatternNode, register: Int?, source: String) throws(PatternError) {
        if let register { try emit(.markPosition(register: register), source: source) }
        try compile(body, follow: .unknown, source: source)
        if let register { try emit(.requireProgress(register: register), source: source) }
    }
}
