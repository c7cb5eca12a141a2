/// The partners' own case and licence numbers: `TB-2026-0000001`, `ZY20261120000001`,
/// `XY-20261120-00001`.
enum Numbering {
    static func padded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// The year in China Standard Time.
    static func year(_ millis: Int64) -> String { String(SimulatorClock.timestamp(millis).localDate.year) }

    /// `yyyyMMdd` in China Standard Time.
    static func day(_ millis: Int64) -> String {
        let date = SimulatorClock.timestamp(millis).localDate
        return padded(date.year, width: 4) + padded(date.month, width: 2) + padded(date.day, width: 2)
    }
}
