/// Which days are working days (工作日), from the State Council's yearly holiday arrangement.
///
/// Working-day time limits depend on days off that move every year (the Spring Festival follows
/// the lunar calendar, and bridging days are paid back on weekends, 调休上班), so the rule cannot
/// be computed; it is data, one file per year (`ops/data/holidays/`, format in docs/sla.md). A
/// year without its file is an error, never "weekends only": a guessed deadline is a wrong one.
public struct HolidayCalendar: Sendable, Hashable {
    /// One year's arrangement, as read from one file.
    public struct Year: Sendable, Hashable {
        /// The year every date of the file is in.
        public let year: Int
        /// Where the arrangement was read from, for messages.
        public let file: String
        /// The listed days; every other day follows the week (Saturday and Sunday off).
        let listed: [CivilDate: DayKind]

        /// Reads one file: UTF-8, `#` comment lines and empty lines ignored, then the header line
        /// `date<TAB>kind<TAB>holiday` and one row per listed day, `YYYY-MM-DD<TAB>off|work<TAB>name`.
        ///
        /// Every row is checked, because one wrong row silently moves deadlines: the date must
        /// exist and be in the same year as the file's first date, no date may be listed twice,
        /// the holiday name must not be empty, and `work` (调休上班) must fall on a Saturday or
        /// Sunday, since weekdays are working days already. `off` may fall on any day: the
        /// notice lists each holiday as a run of days that includes the weekends inside it
        /// (2月15日至23日), and the file copies the notice. A file with no rows covers no year
        /// and is refused.
        public init(tsv: String, file: String) throws(HolidayFileError) {
            var listed: [CivilDate: DayKind] = [:]
            var listedOn: [CivilDate: Int] = [:]
            var first: (year: Int, line: Int)?
            var headerSeen = false
            var lineNumber = 0
            var text = Substring(tsv)
            if text.first == "\u{FEFF}" { text = text.dropFirst() }
            for rawLine in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                lineNumber += 1
                let line = rawLine.last == UInt8(ascii: "\r") ? rawLine.dropLast() : rawLine[...]
                if line.isEmpty || line.first == UInt8(ascii: "#") { continue }
                let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
                    .map { String(decoding: $0, as: UTF8.self) }
                func refuse(_ reason: String) -> HolidayFileError {
                    HolidayFileError(file: file, line: lineNumber, reason: reason)
                }
                guard headerSeen else {
                    guard fields == ["date", "kind", "holiday"] else {
                        throw refuse("expected the header line date<TAB>kind<TAB>holiday, found '\(String(decoding: line, as: UTF8.self))'")
                    }
                    headerSeen = true
                    continue
                }
                guard fields.count == 3 else {
                    throw refuse("expected 3 tab-separated columns (date, kind, holiday), found \(fields.count)")
                }
                guard let date = Self.date(fields[0]) else {
                    throw refuse("'\(fields[0])' is not an existing date written YYYY-MM-DD")
                }
                guard let kind = DayKind(rawValue: fields[1]) else {
                    throw refuse("unknown kind '\(fields[1])' for \(date): expected off (holiday or bridging day) or work (weekend working day)")
                }
                guard !fields[2].isEmpty else { throw refuse("the holiday name of \(date) is empty") }
                if let first, date.year != first.year {
                    throw refuse("\(date) is in \(date.year), but the file covers \(first.year) (the year of its first date, line \(first.line)): one file per year")
                }
                if let earlier = listedOn[date] { throw refuse("\(date) is listed twice (first on line \(earlier))") }
                if kind == .work, !date.isWeekend {
                    throw refuse("\(date) is a \(date.weekdayName): only a Saturday or Sunday can be a make-up working day (work); weekdays are working days already")
                }
                first = first ?? (date.year, lineNumber)
                listed[date] = kind
                listedOn[date] = lineNumber
            }
            guard headerSeen else { throw HolidayFileError(file: file, line: nil, reason: "no header line date<TAB>kind<TAB>holiday") }
            guard let first else { throw HolidayFileError(file: file, line: nil, reason: "no dates listed, so the file covers no year") }
            self.year = first.year
            self.file = file
            self.listed = listed
        }

        /// `YYYY-MM-DD` exactly, and a day that exists.
        private static func date(_ text: String) -> CivilDate? {
            ASCIIDigits.withUTF8(text) { b in
                guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
                      let year = ASCIIDigits.value(b, at: 0, count: 4),
                      let month = ASCIIDigits.value(b, at: 5, count: 2),
                      let day = ASCIIDigits.value(b, at: 8, count: 2) else { return nil }
                return CivilDate(year: year, month: month, day: day)
            }
        }
    }

    /// What a listed day is.
    enum DayKind: String {
        /// A public holiday or a bridging day off (放假).
        case off
        /// A Saturday or Sunday worked to pay back a bridging day (调休上班).
        case work
    }

    private let years: [Int: Year]

    /// Combines years read separately; two files for the same year are refused, because which
    /// one wins would be an accident of load order.
    public init(_ years: [Year]) throws(HolidayFileError) {
        var byYear: [Int: Year] = [:]
        for year in years {
            if let other = byYear[year.year] {
                throw HolidayFileError(file: year.file, line: nil, reason: "covers \(year.year), which \(other.file) already covers")
            }
            byYear[year.year] = year
        }
        self.years = byYear
    }

    /// The years there is a file for, ascending.
    public var coveredYears: [Int] { years.keys.sorted() }

    /// Whether `date` is a working day: listed `off` → no, listed `work` → yes, otherwise
    /// Monday to Friday. Throws for a year no file covers.
    public func isWorkingDay(_ date: CivilDate) throws(SLAError) -> Bool {
        guard let year = years[date.year] else {
            throw .noHolidayCalendar(year: date.year, covered: coveredYears)
        }
        switch year.listed[date] {
        case .off?: return false
        case .work?: return true
        case nil: return !date.isWeekend
        }
    }
}

/// A holiday calendar file that cannot be used, with the file, the 1-based line when one line
/// is at fault, and why.
public struct HolidayFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var reason: String

    public init(file: String, line: Int?, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String {
        line.map { "\(file):\($0): \(reason)" } ?? "\(file): \(reason)"
    }
}

extension CivilDate {
    /// 0 for Monday … 6 for Sunday; 1970-01-01 was a Thursday.
    fileprivate var weekdayIndex: Int {
        let shifted = (daysSinceEpoch + 3) % 7
        return shifted < 0 ? shifted + 7 : shifted
    }

    fileprivate var isWeekend: Bool { weekdayIndex >= 5 }

    fileprivate var weekdayName: String {
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][weekdayIndex]
    }
}
