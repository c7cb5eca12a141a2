import TongbanCore
import TongbanXML

/// Tongbai's KSTB 2.1 receipt (`KSTBHZ`): the answer to every message, in both directions.
public struct KSTBReceipt: Sendable, Equatable {
    /// `JG`, and what the sender must do about it.
    public enum Result: String, Sendable, CaseIterable {
        case accepted = "0"
        case malformed = "1"
        case matterNotInAgreement = "2"
        case duplicate = "3"
        case busy = "9"
    }

    public static let namespace = "urn:ha:zwfw:kstb:2"

    /// The message number the receipt answers (`BWBH`, echoed).
    public var messageNumber: String
    public var result: Result
    /// `XX`: the human-readable message.
    public var message: String
    /// `YWLSH`: Tongbai's case number, when known.
    public var caseNumber: String?

    public init(messageNumber: String, result: Result, message: String, caseNumber: String? = nil) {
        self.messageNumber = messageNumber; self.result = result; self.message = message; self.caseNumber = caseNumber
    }

    /// The receipt as UTF-8 XML, which KSTB 2.1 accepts on input.
    public var bytes: [UInt8] {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<KSTBHZ xmlns=\"\(Self.namespace)\">"
        text += "<BWBH>\(Self.escape(messageNumber))</BWBH><JG>\(result.rawValue)</JG><XX>\(Self.escape(message))</XX>"
        if let caseNumber { text += "<YWLSH>\(Self.escape(caseNumber))</YWLSH>" }
        text += "</KSTBHZ>\n"
        return Array(text.utf8)
    }

    /// Reads a receipt in any encoding its prolog declares; nil when the bytes are not a
    /// well-formed `KSTBHZ` with a known `JG` (then the delivery failed).
    public static func parse(_ bytes: [UInt8]) -> KSTBReceipt? {
        guard let tree = try? XMLCodec.parse(bytes), tree.root.name == XMLQName("KSTBHZ", namespace: namespace) else { return nil }
        func text(_ name: String) -> String? { tree.root.firstChild(named: XMLQName(name, namespace: namespace))?.text }
        guard let number = text("BWBH"), let code = text("JG"), let result = Result(rawValue: code) else { return nil }
        let caseNumber = text("YWLSH").flatMap { $0.isEmpty ? nil : $0 }
        return KSTBReceipt(messageNumber: number, result: result, message: text("XX") ?? "", caseNumber: caseNumber)
    }

    static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default:
                // XML 1.0 cannot carry most control characters, even escaped: drop them.
                if scalar.value < 0x20, scalar != "\t", scalar != "\n", scalar != "\r" { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
