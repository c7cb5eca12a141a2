extension Timestamp {
    /// Parses an RFC 3339 date-time that carries its offset: `2026-11-20T09:30:00+08:00`,
    /// `2026-11-20T01:30:00Z`.
    ///
    /// A time without an offset is refused: the gateway cannot guess which clock a partner meant.
    /// As RFC 3339 allows, `t` and `z` may be lower case and fractional seconds may follow the
    /// seconds; the fraction is dropped (see the type's precision). Second 60 (a leap second) and
    /// dates that do not exist are refused. `-00:00` ("offset unknown") is read as UTC: the
    /// instant is still exact.
    public static func parseRFC3339(_ text: some StringProtocol) -> Timestamp? {
        ASCIIDigits.withUTF8(text) { parseRFC3339(bytes: $0) }
    }

    static func parseRFC3339(bytes b: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        guard b.count >= 20,
              let year = ASCIIDigits.value(b, at: 0, count: 4), b[4] == UInt8(ascii: "-"),
              let month = ASCIIDigits.value(b, at: 5, count: 2), b[7] == UInt8(ascii: "-"),
              let day = ASCIIDigits.value(b, at: 8, count: 2), b[10] | 0x20 == UInt8(ascii: "t"),
              let hour = ASCIIDigits.value(b, at: 11, count: 2), b[13] == UInt8(ascii: ":"),
              let minute = ASCIIDigits.value(b, at: 14, count: 2), b[16] == UInt8(ascii: ":"),
              let second = ASCIIDigits.value(b, at: 17, count: 2)
        else { return nil }
        var index = 19
        if b[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < b.count, ASCIIDigits.isDigit(b[index]) { index += 1 }
            guard index > fractionStart else { return nil }
        }
        guard index < b.count else { return nil }
        let offset: Int
        switch b[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            offset = 0
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let hours = ASCIIDigits.value(b, at: index + 1, count: 2), hours <= 23,
                  index + 3 < b.count, b[index + 3] == UInt8(ascii: ":"),
                  let minutes = ASCIIDigits.value(b, at: index + 4, count: 2), minutes <= 59
            else { return nil }
            offset = (b[index] == UInt8(ascii: "-") ? -1 : 1) * (hours * 3600 + minutes * 60)
            index += 6
        default:
            return nil
        }
        guard index == b.count, let date = CivilDate(year: year, month: month, day: day) else { return nil }
        return Timestamp(date: date, hour: hour, minute: minute, second: second, offsetSeconds: offset)
    }

    /// RFC 3339 in the timestamp's own offset, whole seconds: `2026-11-20T09:30:00+08:00`.
    ///
    /// Offset zero is written `Z`, so each instant-and-offset has exactly one canonical spelling.
    public func rfc3339() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(25)
        appendRFC3339(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func appendRFC3339(to out: inout [UInt8]) {
        let clock = wallClock
        ASCIIDigits.append(clock.date.year, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        ASCIIDigits.append(clock.date.month, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        ASCIIDigits.append(clock.date.day, width: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        ASCIIDigits.append(clock.hour, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        ASCIIDigits.append(clock.minute, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        ASCIIDigits.append(clock.second, width: 2, to: &out)
        if offsetSeconds == 0 {
            out.append(UInt8(ascii: "Z"))
            return
        }
        out.append(offsetSeconds < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        ASCIIDigits.append(abs(offsetSeconds) / 3600, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        ASCIIDigits.append(abs(offsetSeconds) / 60 % 60, width: 2, to: &out)
    }
}
