/// The state of one mapping run over one document.
struct Evaluation {
    var root: MappingValue
    var slots: [MappingValue]
    let context: TranslationContext
    let zoneOffset: Int
    /// The message id of this run, fixed by the context or drawn on first use.
    var messageID: String?
    /// Output location while the template is walked, rendered only when an issue is reported.
    var outputPath: [PathComponent] = []
    let xmlPaths: Bool
    var issues: [ValidationIssue] = []

    enum PathComponent {
        case key(String)
        case index(Int)
    }

    /// `$.materials[0].type` for JSON output, `/KSTB/SBXX/CLLB/CL[1]/@LY` for XML output.
    var renderedPath: String {
        var path = xmlPaths ? "" : "$"
        for component in outputPath {
            switch component {
            case .key(let key): path += xmlPaths ? "/" + key : "." + key
            case .index(let i): path += xmlPaths ? "[\(i + 1)]" : "[\(i)]"
            }
        }
        return path
    }

    mutating func report(_ reason: String) {
        issues.append(ValidationIssue(path: renderedPath, reason: reason))
    }

    mutating func evaluate(_ expression: Expression) -> MappingValue {
        switch expression {
        case .literal(let value):
            return value
        case .root(let steps):
            return Evaluation.walk(root, steps)
        case .variable(let slot, let steps):
            return steps.isEmpty ? slots[slot] : Evaluation.walk(slots[slot], steps)
        case .not(let inner):
            return .bool(!evaluate(inner).isTruthy)
        case .negate(let inner):
            switch evaluate(inner) {
            case .int(let i): return .int(-i)
            case .double(let d): return .double(-d)
            case .absent: return .absent
            case let other:
                guard let number = other.numeric else { report("cannot negate '\(other.text ?? "")'"); return .absent }
                return .double(-number)
            }
        case .binary(let op, let lhs, let rhs):
            return binary(op, evaluate(lhs), evaluate(rhs))
        case .and(let lhs, let rhs):
            return .bool(evaluate(lhs).isTruthy && evaluate(rhs).isTruthy)
        case .or(let lhs, let rhs):
            return .bool(evaluate(lhs).isTruthy || evaluate(rhs).isTruthy)
        case .coalesce(let lhs, let rhs):
            let value = evaluate(lhs)
            return value.isAbsent ? evaluate(rhs) : value
        case .code(let inner, let list, let towardPartner):
            switch list.translate(evaluate(inner), towardPartner: towardPartner) {
            case .success(let value): return value
            case .failure(let miss):
                report("'\(miss.value)' is not in code list \(miss.list) (\(miss.file))")
                return .absent
            }
        case .formatTime(let inner, let pattern):
            let value = evaluate(inner)
            guard let text = value.text else { return .absent }
            guard let time = Timestamp.parseRFC3339(text) else {
                report("'\(text)' is not an RFC 3339 time with offset")
                return .absent
            }
            return .string(pattern.format(time, offsetSeconds: zoneOffset))
        case .parseTime(let inner, let pattern):
            let value = evaluate(inner)
            guard let text = value.text else { return .absent }
            guard let time = pattern.parse(text, offsetSeconds: zoneOffset) else {
                report("'\(text)' is not a time of the form \(pattern)")
                return .absent
            }
            return .string(time.converted(toOffset: zoneOffset).rfc3339())
        case .call(let function, let arguments):
            return call(function, arguments)
        }
    }

    static func walk(_ start: MappingValue, _ steps: [PathStep]) -> MappingValue {
        var value = start
        // Through the buffer, so each step is lent to `step`, not copied (retained) for the loop.
        return steps.withUnsafeBufferPointer { steps in
            for index in steps.indices {
                value = Evaluation.step(value, steps[index])
                if value.isAbsent { return .absent }
            }
            return value
        }
    }

    /// Switches on the step, then on the value: a switch on the pair `(value, step)` copied both
    /// into a tuple first, on every step of every path a mapping reads.
    static func step(_ value: MappingValue, _ step: PathStep) -> MappingValue {
        switch step {
        case .name(let key, let qname):
            switch value {
            case .json(.object(let object)): return object[key].map(MappingValue.from) ?? .absent
            case .element(let element):
                var found: [MappingValue] = []
                for child in element.children where child.name == qname && !isEmptyElement(child) {
                    found.append(.element(child))
                }
                switch found.count {
                case 0: return .absent
                case 1: return found[0]
                default: return .list(found)
                }
            default: return mapItems(value, step)
            }
        case .attribute(let qname):
            if case .element(let element) = value { return element.attribute(qname).map(MappingValue.string) ?? .absent }
            return mapItems(value, step)
        case .index(let i):
            switch value {
            case .json(.array(let array)): return i >= 0 && i < array.count ? .from(array[i]) : .absent
            case .list(let list): return i >= 0 && i < list.count ? list[i] : .absent
            default: return .absent
            }
        }
    }

    /// A name or attribute step over a list or JSON array: the step taken on each item, the
    /// results flattened; absent for anything else.
    private static func mapItems(_ value: MappingValue, _ step: PathStep) -> MappingValue {
        switch value {
        case .list, .json(.array):
            let mapped = value.items.map { Evaluation.step($0, step) }.flatMap(\.items)
            return mapped.isEmpty ? .absent : .list(mapped)
        default:
            return .absent
        }
    }

    /// `<BZ/>` and `<BZ></BZ>` carry no value: they read as absent, like JSON `null`.
    static func isEmptyElement(_ element: XMLTree.Element) -> Bool {
        element.text.isEmpty && element.children.isEmpty && element.attributes.isEmpty
    }

    mutating func binary(_ op: BinaryOperator, _ lhs: MappingValue, _ rhs: MappingValue) -> MappingValue {
        switch op {
        case .equal: return .bool(Evaluation.equal(lhs, rhs))
        case .notEqual: return .bool(!Evaluation.equal(lhs, rhs))
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard !lhs.isAbsent, !rhs.isAbsent else { return .bool(false) }
            let order: Int
            if let a = lhs.numeric, let b = rhs.numeric, Evaluation.isNumber(lhs) || Evaluation.isNumber(rhs) {
                order = a < b ? -1 : (a > b ? 1 : 0)
            } else {
                let a = lhs.text ?? "", b = rhs.text ?? ""
                order = a < b ? -1 : (a > b ? 1 : 0)
            }
            switch op {
            case .less: return .bool(order < 0)
            case .lessOrEqual: return .bool(order <= 0)
            case .greater: return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case .add:
            guard !lhs.isAbsent, !rhs.isAbsent else { return .absent }
            if Evaluation.isNumber(lhs), Evaluation.isNumber(rhs) { return arithmetic(op, lhs, rhs) }
            return .string((lhs.text ?? "") + (rhs.text ?? ""))
        case .subtract, .multiply, .divide, .remainder:
            guard !lhs.isAbsent, !rhs.isAbsent else { return .absent }
            return arithmetic(op, lhs, rhs)
        }
    }

    static func isNumber(_ value: MappingValue) -> Bool {
        switch value {
        case .int, .double: return true
        default: return false
        }
    }

    mutating func arithmetic(_ op: BinaryOperator, _ lhs: MappingValue, _ rhs: MappingValue) -> MappingValue {
        if case .int(let a) = lhs, case .int(let b) = rhs {
            switch op {
            case .add: return .int(a &+ b)
            case .subtract: return .int(a &- b)
            case .multiply: return .int(a &* b)
            case .remainder:
                guard b != 0 else { report("division by zero"); return .absent }
                return .int(a % b)
            case .divide:
                guard b != 0 else { report("division by zero"); return .absent }
                return a % b == 0 ? .int(a / b) : .double(Double(a) / Double(b))
            default: break
            }
        }
        guard let a = lhs.numeric, let b = rhs.numeric else {
            report("'\(lhs.text ?? "")' \(op.rawValue) '\(rhs.text ?? "")' needs numbers")
            return .absent
        }
        switch op {
        case .add: return .double(a + b)
        case .subtract: return .double(a - b)
        case .multiply: return .double(a * b)
        case .divide:
            guard b != 0 else { report("division by zero"); return .absent }
            return .double(a / b)
        default:
            guard b != 0 else { report("division by zero"); return .absent }
            return .double(a.truncatingRemainder(dividingBy: b))
        }
    }

    static func equal(_ lhs: MappingValue, _ rhs: MappingValue) -> Bool {
        switch (lhs, rhs) {
        case (.absent, .absent): return true
        case (.absent, _), (_, .absent): return false
        case (.bool(let a), .bool(let b)): return a == b
        default:
            if isNumber(lhs) || isNumber(rhs), let a = lhs.numeric, let b = rhs.numeric { return a == b }
            return lhs.text == rhs.text
        }
    }
}
