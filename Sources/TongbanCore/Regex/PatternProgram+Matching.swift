/// How one attempt to match ended.
enum PatternRunOutcome {
    case matched(end: Int)
    case failed
    /// The step budget ran out; the input may or may not match.
    case exhausted
}

extension PatternProgram {
    /// ECMA `RegExp.prototype.test` semantics: the first start position, left to right, where the
    /// pattern matches. Offsets are UTF-8 byte offsets into `bytes`.
    func search(_ bytes: UnsafeBufferPointer<UInt8>, budget: Int) -> (outcome: PatternRunOutcome, start: Int) {
        var run = PatternRun(program: self, bytes: bytes, budget: budget)
        var start = 0
        while true {
            if leadingByte == nil || (start < bytes.count && bytes[start] == leadingByte) {
                switch run.run(from: 0, at: start) {
                case .failed: break
                case let outcome: return (outcome, start)
                }
            }
            if anchoredAtStart || start >= bytes.count { return (.failed, start) }
            start += 1
            while start < bytes.count, bytes[start] & 0xC0 == 0x80 { start += 1 }
        }
    }
}

/// The state of one search: a backtracking machine over UTF-8 bytes with a step budget.
///
/// The backtrack stack and registers are only allocated by patterns that need them, so anchored
/// patterns of literals and simple classes run without touching the heap.
private struct PatternRun {
    let program: PatternProgram
    let bytes: UnsafeBufferPointer<UInt8>
    var budget: Int
    var registers: [Int]

    init(program: PatternProgram, bytes: UnsafeBufferPointer<UInt8>, budget: Int) {
        self.program = program
        self.bytes = bytes
        self.budget = budget
        self.registers = Array(repeating: -1, count: program.registerCount)
    }

    private struct Frame {
        enum Kind { case resume, restoreRegister, shrinkGreedy, extendLazy }
        var kind: Kind
        /// Where to go on; for `restoreRegister`, the register.
        var pc: Int
        var position: Int
        /// `shrinkGreedy`: the position after the minimum count; `extendLazy`: the count so far;
        /// `restoreRegister`: the value to restore.
        var extra: Int
    }

    mutating func run(from entry: Int, at start: Int) -> PatternRunOutcome {
        var stack: [Frame] = []
        var pc = entry
        var position = start
        let end = bytes.count
        while true {
            budget -= 1
            if budget < 0 { return .exhausted }
            var advanced = true
            switch program.instructions[pc] {
            case .literal(let offset, let count):
                if position + count <= end, literalMatches(offset: offset, count: count, at: position) {
                    position += count
                    pc += 1
                } else {
                    advanced = false
                }
            case .scalar(let set):
                if position < end {
                    let (scalar, length) = decode(at: position)
                    if program.sets[set].contains(scalar) {
                        position += length
                        pc += 1
                    } else {
                        advanced = false
                    }
                } else {
                    advanced = false
                }
            case .repeatScalars(let set, let min, let max, let greedy, let possessive):
                let limit = greedy ? max : min
                var count = 0
                var minimumEnd = position
                while count < limit, position < end {
                    let (scalar, length) = decode(at: position)
                    guard program.sets[set].contains(scalar) else { break }
                    position += length
                    count += 1
                    if count == min { minimumEnd = position }
                }
                budget -= count
                if count < min {
                    advanced = false
                } else {
                    if !possessive {
                        if greedy, count > min {
                            stack.append(Frame(kind: .shrinkGreedy, pc: pc + 1, position: position, extra: minimumEnd))
                        } else if !greedy, count < max {
                            stack.append(Frame(kind: .extendLazy, pc: pc, position: position, extra: count))
                        }
                    }
                    pc += 1
                }
            case .split(let preferred, let alternative):
                stack.append(Frame(kind: .resume, pc: alternative, position: position, extra: 0))
                pc = preferred
            case .jump(let target):
                pc = target
            case .startAnchor:
                if position == 0 { pc += 1 } else { advanced = false }
            case .endAnchor:
                if position == end { pc += 1 } else { advanced = false }
            case .wordBoundary(let negated):
                let before = position > 0 && isWordByte(bytes[position - 1])
                let after = position < end && isWordByte(bytes[position])
                if (before != after) != negated { pc += 1 } else { advanced = false }
            case .markPosition(let register):
                stack.append(Frame(kind: .restoreRegister, pc: register, position: 0, extra: registers[register]))
                registers[register] = position
                pc += 1
            case .requireProgress(let register):
                if registers[register] != position { pc += 1 } else { advanced = false }
            case .lookahead(let next, let negated):
                switch run(from: pc + 1, at: position) {
                case .exhausted: return .exhausted
                case .matched: if negated { advanced = false } else { pc = next }
                case .failed: if negated { pc = next } else { advanced = false }
                }
            case .succeed:
                return .matched(end: position)
            }
            if advanced { continue }
            guard let resumed = backtrack(&stack) else { return .failed }
            (pc, position) = resumed
        }
    }

    /// Pops frames until one gives another way to go on.
    private mutating func backtrack(_ stack: inout [Frame]) -> (pc: Int, position: Int)? {
        while let frame = stack.popLast() {
            switch frame.kind {
            case .resume:
                return (frame.pc, frame.position)
            case .restoreRegister:
                registers[frame.pc] = frame.extra
            case .shrinkGreedy:
                var shorter = frame.position - 1
                while shorter > frame.extra, bytes[shorter] & 0xC0 == 0x80 { shorter -= 1 }
                if shorter > frame.extra {
                    stack.append(Frame(kind: .shrinkGreedy, pc: frame.pc, position: shorter, extra: frame.extra))
                }
                return (frame.pc, shorter)
            case .extendLazy:
                guard case .repeatScalars(let set, _, let max, _, _) = program.instructions[frame.pc],
                      frame.position < bytes.count
                else { continue }
                let (scalar, length) = decode(at: frame.position)
                guard program.sets[set].contains(scalar) else { continue }
                let count = frame.extra + 1
                if count < max {
                    stack.append(Frame(kind: .extendLazy, pc: frame.pc, position: frame.position + length, extra: count))
                }
                return (frame.pc + 1, frame.position + length)
            }
        }
        return nil
    }

    @inline(__always) private func literalMatches(offset: Int, count: Int, at position: Int) -> Bool {
        for index in 0..<count where bytes[position + index] != program.literalBytes[offset + index] {
            return false
        }
        return true
    }

    /// The scalar starting at `position` and its length in bytes; the input is valid UTF-8.
    @inline(__always) private func decode(at position: Int) -> (UInt32, Int) {
        let lead = UInt32(bytes[position])
        if lead < 0x80 { return (lead, 1) }
        let available = bytes.count - position
        if lead < 0xE0, available >= 2 {
            return ((lead & 0x1F) << 6 | UInt32(bytes[position + 1] & 0x3F), 2)
        }
        if lead < 0xF0, available >= 3 {
            return ((lead & 0x0F) << 12 | UInt32(bytes[position + 1] & 0x3F) << 6 | UInt32(bytes[position + 2] & 0x3F), 3)
        }
        if available >= 4 {
            return ((lead & 0x07) << 18 | UInt32(bytes[position + 1] & 0x3F) << 12
                | UInt32(bytes[position + 2] & 0x3F) << 6 | UInt32(bytes[position + 3] & 0x3F), 4)
        }
        return (0xFFFD, 1)
    }

    @inline(__always) private func isWordByte(_ byte: UInt8) -> Bool {
        byte < 0x80 && ScalarSet.word.contains(UInt32(byte))
    }
}
