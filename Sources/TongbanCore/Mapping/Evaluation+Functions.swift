extension Evaluation {
    mutating func call(_ function: MappingFunction, _ arguments: [Expression]) -> MappingValue {
        switch function {
        case .if:
            return evaluate(arguments[0]).isTruthy ? evaluate(arguments[1]) : evaluate(arguments[2])
        case .coalesce:
            for argument in arguments {
                let value = evaluate(argument)
                if !value.isAbsent { return value }
            }
            return .absent
        case .join:
            let separator = evaluate(arguments[0]).text ?? ""
            let parts = arguments.dropFirst().flatMap { evaluate($0).items }.compactMap(\.text)
            return parts.isEmpty ? .absent : .string(parts.joined(separator: separator))
        case .concat:
            let parts = arguments.flatMap { evaluate($0).items }.compactMap(\.text)
            return parts.isEmpty ? .absent : .string(parts.joined())
        case .now:
            return .string(context.now.converted(toOffset: zoneOffset).rfc3339())
        case .uuid:
            if messageID == nil { messageID = context.uuid ?? MessageID.random() }
            return .string(messageID!)
        case .exists:
            return .bool(!evaluate(arguments[0]).isAbsent)
        case .count:
            return .int(Int64(evaluate(arguments[0]).items.count))
        default:
            break
        }

        // At most three arguments remain: evaluate them without building an array.
        let first = evaluate(arguments[0])
        let second = arguments.count > 1 ? evaluate(arguments[1]) : .absent
        let third = arguments.count > 2 ? evaluate(arguments[2]) : .absent
        if first.isAbsent {
            switch function {
            case .contains, .startsWith, .endsWith: return .bool(false)
            default: return .absent
            }
        }
        let text = first.text ?? ""
        switch function {
        case .padLeft, .padRight:
            guard case .int(let width) = second, let fill = third.text?.first else {
                report("\(function.rawValue) needs a whole width and a fill character")
                return .absent
            }
            let missing = max(0, Int(width) - text.unicodeScalars.count)
            let padding = String(repeating: fill, count: missing)
            return .string(function == .padLeft ? padding + text : text + padding)
        case .substr:
            let scalars = Array(text.unicodeScalars)
            guard case .int(let start) = second, start >= 0 else { report("substr needs a start ≥ 0"); return .absent }
            var end = scalars.count
            if arguments.count == 3 {
                guard case .int(let length) = third, length >= 0 else { report("substr needs a length ≥ 0"); return .absent }
                end = min(end, Int(start) + Int(length))
            }
            guard Int(start) < end else { return .string("") }
            return .string(String(String.UnicodeScalarView(scalars[Int(start)..<end])))
        case .before, .after:
            let marker = second.text ?? ""
            guard !marker.isEmpty, let range = text.firstRange(of: marker) else { return .absent }
            return .string(String(function == .before ? text[..<range.lowerBound] : text[range.upperBound...]))
        case .contains:
            let needle = second.text ?? ""
            return .bool(!needle.isEmpty && text.firstRange(of: needle) != nil)
        case .startsWith:
            return .bool(text.hasPrefix(second.text ?? ""))
        case .endsWith:
            return .bool(text.hasSuffix(second.text ?? ""))
        case .trimPrefix:
            let prefix = second.text ?? ""
            return .string(text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text)
        case .trimSuffix:
            let suffix = second.text ?? ""
            return .string(text.hasSuffix(suffix) ? String(text.dropLast(suffix.count)) : text)
        case .trim:
            return .string(Evaluation.trimmed(text))
        case .nonEmpty:
            return Evaluation.trimmed(text).isEmpty ? .absent : first
        case .upper:
            return .string(text.uppercased())
        case .lower:
            return .string(text.lowercased())
        case .string:
            return .string(text)
        case .int:
            switch first {
            case .int: return first
            case .double(let d) where d.rounded() == d: return .int(Int64(d))
            default:
                guard let value = Int64(Evaluation.trimmed(text)) else {
                    report("'\(text)' is not a whole number")
                    return .absent
                }
                return .int(value)
            }
        case .ceil, .floor:
            guard let number = first.numeric else { report("'\(text)' is not a number"); return .absent }
            return .int(Int64(function == .ceil ? number.rounded(.up) : number.rounded(.down)))
        default:
            return .absent
        }
    }

    static func trimmed(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
