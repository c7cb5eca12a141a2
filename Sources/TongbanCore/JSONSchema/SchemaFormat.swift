/// The `format` values asserted when a schema is compiled with `formatAssertion: true`.
///
/// By default `format` is only an annotation, as draft 2020-12 says. Partners put `date-time`
/// on timestamps they parse strictly, so the gateway can opt in to checking it; other format
/// names stay annotations even then.
enum SchemaFormat: String, Sendable {
    /// RFC 3339 `date-time`: `2026-11-20T11:02:13+08:00`, offset required.
    case dateTime = "date-time"
    /// RFC 3339 `full-date`: `2026-11-20`.
    case date
    /// RFC 3339 `full-time`: `11:02:13.5Z`, offset required.
    case time

    func admits(_ text: String) -> Bool {
        var scanner = RFC3339Scanner(text)
        let valid: Bool
        switch self {
        case .dateTime:
            valid = scanner.scanDate() && scanner.scanDesignator("T") && scanner.scanTime()
        case .date:
            valid = scanner.scanDate()
        case .time:
            valid = scanner.scanTime()
        }
        return valid && scanner.isAtEnd
    }
}

/// Reads the pieces of RFC 3339 timestamps over the UTF-8 view, without copying it.
private struct RFC3339Scanner {
    private let bytes: String.UTF8View
    private var position: String.Index

    init(_ text: String) {
        bytes = text.utf8
        position = bytes.startIndex
    }

    var isAtEnd: Bool { position == bytes.endIndex }

    private var current: UInt8? { position < bytes.endIndex ? bytes[position] : nil }

    /// `full-date`, checking the day against the month and leap years.
    mutating func scanDate() -> Bool {
        guard let year = digits(4), scan("-"), let month = digits(2), scan("-"), let day = digits(2) else { return false }
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    /// `full-time`: a leap second is allowed only at 23:59:60 UTC.
    mutating func scanTime() -> Bool {
        guard let hour = digits(2), scan(":"), let minute = digits(2), scan(":"), let second = digits(2) else { return false }
        guard hour <= 23, minute <= 59, second <= 60 else { return false }
        if scan(".") {
            guard digits(1) != nil else { return false }
            while digits(1) != nil {}
        }
        var offsetMinutes = 0
        if !scanDesignator("Z") {
            guard let byte = current, byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") else { return false }
            let sign = byte == UInt8(ascii: "-") ? -1 : 1
            position = bytes.index(after: position)
            guard let offsetHour = digits(2), scan(":"), let offsetMinute = digits(2), offsetHour <= 23, offsetMinute <= 59 else { return false }
            offsetMinutes = sign * (offsetHour * 60 + offsetMinute)
        }
        guard second == 60 else { return true }
        let utcMinute = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440
        return utcMinute == 23 * 60 + 59
    }

    /// `T` or `Z`, which RFC 3339 also allows in lower case.
    mutating func scanDesignator(_ letter: Unicode.Scalar) -> Bool {
        guard let byte = current, byte | 0x20 == UInt8(letter.value) | 0x20 else { return false }
        position = bytes.index(after: position)
        return true
    }

    private mutating func scan(_ character: Unicode.Scalar) -> Bool {
        guard current == UInt8(character.value) else { return false }
        position = bytes.index(after: position)
        return true
    }

    /// Exactly `count` ASCII digits; nothing is consumed when they are not there.
    private mutating func digits(_ count: Int) -> Int? {
        var probe = position
        var value = 0
        for _ in 0..<count {
            guard probe < bytes.endIndex else { return nil }
            let byte = bytes[probe]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            probe = bytes.index(after: probe)
        }
        position = probe
        return value
    }
}
