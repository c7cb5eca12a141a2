/// GB/T 2260 administrative division codes, with the years each code and name were in force.
///
/// Codes are retired, renamed and occasionally reused as counties merge, and a resident ID number
/// keeps the code of its place of registration for life. The table therefore keeps history: an
/// identifier may carry any code that ever existed, while an office or a handling region must use
/// a code in force now. Lookups are by integer key, so checking a code costs no allocation.
public struct DivisionCodes: Sendable {
    /// One name a code carried and the years it was in force; nil years are open (in force before
    /// the table starts, or still in force).
    public struct Period: Sendable, Hashable {
        public let name: String
        public let province: String
        public let from: Int?
        public let to: Int?
    }

    /// Everything the table says about one 6-digit code.
    public struct Entry: Sendable, Hashable {
        public let code: String
        /// The names the code carried, in table order.
        public let periods: [Period]

        /// The period in force now (the one with no end year), if any.
        public var current: Period? { periods.first { $0.to == nil } }
        public var isCurrent: Bool { current != nil }

        /// The current period, else the one that ended last: what to name when explaining a code.
        public var latest: Period {
            current ?? periods.reduce(periods[0]) { ($1.to ?? 0) > ($0.to ?? 0) ? $1 : $0 }
        }
    }

    private let entries: [Int: Entry]

    /// The number of distinct 6-digit codes.
    public var count: Int { entries.count }

    /// Reads the table format of `Resources/gbt2260-history.tsv`: UTF-8, tab-separated columns
    /// `code name province from to` after a header line naming them; `#` lines and empty lines
    /// are ignored; `from` and `to` are 4-digit years or empty. A code may have several rows,
    /// one per name it carried. Any other line is an error naming its line number, because a
    /// silently skipped row would make a real code look unknown.
    public init(tsv: String) throws(DivisionTableError) {
        var periods: [Int: [Period]] = [:]
        var headerSeen = false
        var lineNumber = 0
        for rawLine in tsv.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.last == UInt8(ascii: "\r") ? rawLine.dropLast() : rawLine[...]
            if line.isEmpty || line.first == UInt8(ascii: "#") { continue }
            let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
                .map { String(decoding: $0, as: UTF8.self) }
            guard headerSeen else {
                guard fields == ["code", "name", "province", "from", "to"] else {
                    throw DivisionTableError(line: lineNumber, reason: "expected the header line code, name, province, from, to")
                }
                headerSeen = true
                continue
            }
            guard fields.count == 5 else {
                throw DivisionTableError(line: lineNumber, reason: "expected 5 tab-separated columns, found \(fields.count)")
            }
            guard let key = DivisionCodes.key(fields[0]) else {
                throw DivisionTableError(line: lineNumber, reason: "code \(fields[0]) is not 6 digits")
            }
            guard !fields[1].isEmpty, !fields[2].isEmpty else {
                throw DivisionTableError(line: lineNumber, reason: "name and province must not be empty")
            }
            let from = DivisionCodes.year(fields[3]), to = DivisionCodes.year(fields[4])
            guard fields[3].isEmpty || from != nil, fields[4].isEmpty || to != nil else {
                throw DivisionTableError(line: lineNumber, reason: "from and to must be 4-digit years or empty")
            }
            periods[key, default: []].append(Period(name: fields[1], province: fields[2], from: from, to: to))
        }
        guard headerSeen else { throw DivisionTableError(line: lineNumber, reason: "the table has no header line") }
        var entries: [Int: Entry] = [:]
        entries.reserveCapacity(periods.count)
        for (key, list) in periods {
            var code: [UInt8] = []
            ASCIIDigits.append(key, width: 6, to: &code)
            entries[key] = Entry(code: String(decoding: code, as: UTF8.self), periods: list)
        }
        self.entries = entries
    }

    /// The entry of a 6-digit code, or nil when the code never existed (or is not 6 digits).
    public func entry(_ code6: some StringProtocol) -> Entry? {
        DivisionCodes.key(code6).flatMap { entries[$0] }
    }

    /// Why `code` is not acceptable as a division code, or nil when it is.
    ///
    /// Accepted forms are 6 digits (county level) and the 9- and 12-digit township and village
    /// forms, which are a known 6-digit code followed by 3 or 6 digits (the finer levels are not
    /// in the table, so only their county prefix is checked). With `mustBeCurrent` the 6-digit
    /// code must be in force now; the reason then names what a retired code used to be, so the
    /// clerk can find its successor.
    public func problem(withCode code: some StringProtocol, mustBeCurrent: Bool) -> String? {
        let length = code.utf8.count
        guard length == 6 || length == 9 || length == 12, code.utf8.allSatisfy(ASCIIDigits.isDigit) else {
            return "must be a GB/T 2260 division code of 6, 9 or 12 digits"
        }
        let prefix = code.prefix(6)
        guard let entry = entry(prefix) else {
            return length == 6
                ? "is not a known GB/T 2260 division code"
                : "first 6 digits \(prefix) are not a known GB/T 2260 division code"
        }
        guard mustBeCurrent, !entry.isCurrent else { return nil }
        let latest = entry.latest
        var what = latest.name
        if latest.province != latest.name { what += ", \(latest.province)" }
        if let to = latest.to { what += ", in force until \(to)" }
        return length == 6
            ? "is a retired GB/T 2260 division code (\(what)); use the code in force now"
            : "starts with \(prefix), a retired GB/T 2260 division code (\(what)); use the code in force now"
    }

    private static func key(_ code: some StringProtocol) -> Int? {
        ASCIIDigits.withUTF8(code) { $0.count == 6 ? ASCIIDigits.value($0, at: 0, count: 6) : nil }
    }

    /// A `from`/`to` column's year; nil when empty or malformed.
    private static func year(_ text: String) -> Int? {
        ASCIIDigits.withUTF8(text) { $0.count == 4 ? ASCIIDigits.value($0, at: 0, count: 4) : nil }
    }
}

/// A malformed division-code table, with the 1-based line that broke it.
public struct DivisionTableError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "GB/T 2260 table, line \(line): \(reason)" }
}
