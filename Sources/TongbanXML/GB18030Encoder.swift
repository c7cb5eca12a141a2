internal import CLibXML2

/// Encodes Unicode scalars in GB18030 exactly as libxml2's own GB18030 encoder (glibc's iconv)
/// does, at a fraction of the cost.
///
/// libxml2 2.9.14 opens an iconv converter for every document it writes in GB18030, and iconv
/// goes UTF-8 → UCS-4 → GB18030 through several buffers: a fifth of an outbound Tongbai message's
/// serialization. Here every BMP scalar is looked up in a table that libxml2's converter filled
/// once, so the bytes are that converter's, including the `&#N;` character reference libxml2
/// writes for a scalar the converter cannot encode (glibc's GB18030 covers all of Unicode, so
/// there are none). Scalars beyond the BMP have GB18030's algorithmic four-byte form, as in iconv.
///
/// `@unchecked Sendable`: the table is written once, before `shared` is published, and only read
/// afterwards; it is never freed (it lives as long as the process, like `shared`).
struct GB18030Encoder: @unchecked Sendable {
    /// For each BMP scalar U+0080…U+FFFF (the index), its GB18030 bytes packed big-endian: two
    /// bytes below 0x1_0000, four above; 0 where libxml2 writes a character reference (and for
    /// ASCII and surrogates, never looked up). 256 KiB.
    private let table: UnsafeBufferPointer<UInt32>

    /// The encoder, built on first use (a static `let` is initialized once, thread-safely; about
    /// 7 ms), or nil if libxml2 has no GB18030 converter.
    static let shared: GB18030Encoder? = makeTable().map(GB18030Encoder.init)

    /// The GB18030 bytes of `scalar`, which is not ASCII, packed big-endian: two bytes below
    /// 0x1_0000, four above; nil where libxml2 writes the character reference `&#N;` instead.
    func bytes(of scalar: UInt32) -> UInt32? {
        guard scalar >= 0x1_0000 else {
            let bytes = table[Int(scalar)]
            return bytes == 0 ? nil : bytes
        }
        // U+10000…U+10FFFF: four bytes counted from 90 30 81 30, as GB18030 (and iconv) defines them.
        var linear = scalar - 0x1_0000
        let fourth = 0x30 + linear % 10
        linear /= 10
        let third = 0x81 + linear % 126
        linear /= 126
        return (0x90 + linear / 10) << 24 | (0x30 + linear % 10) << 16 | third << 8 | fourth
    }

    /// Has libxml2's GB18030 converter encode every BMP scalar from U+0080 in one go, in order,
    /// and splits its output: a GB18030 character is two bytes unless its second byte is a digit
    /// (then four), and a character reference starts with `&`, which no GB18030 character does.
    private static func makeTable() -> UnsafeBufferPointer<UInt32>? {
        LibXML.prepare()
        guard let handler = xmlFindCharEncodingHandler("GB18030") else { return nil }
        defer { xmlCharEncCloseFunc(handler) }
        let scalars = (UInt32(0x80)...0xFFFF).filter { !(0xD800...0xDFFF).contains($0) }
        var utf8: [UInt8] = []
        utf8.reserveCapacity(scalars.count * 3)
        for scalar in scalars {
            if scalar < 0x800 {
                utf8.append(0xC0 | UInt8(scalar >> 6))
            } else {
                utf8.append(0xE0 | UInt8(scalar >> 12))
                utf8.append(0x80 | UInt8(scalar >> 6 & 0x3F))
            }
            utf8.append(0x80 | UInt8(scalar & 0x3F))
        }
        guard let input = xmlBufferCreateSize(utf8.count), let converted = xmlBufferCreateSize(utf8.count * 2) else { return nil }
        defer {
            xmlBufferFree(input)
            xmlBufferFree(converted)
        }
        guard xmlBufferAdd(input, utf8, Int32(utf8.count)) == 0 else { return nil }
        while xmlBufferLength(input) > 0 {
            let before = xmlBufferLength(input)
            _ = xmlCharEncOutFunc(handler, converted, input)
            guard xmlBufferLength(input) < before else { return nil }
        }
        let bytes = UnsafeBufferPointer(start: xmlBufferContent(converted), count: Int(xmlBufferLength(converted)))
        var table = [UInt32](repeating: 0, count: 0x1_0000)
        var index = 0
        for scalar in scalars {
            guard index + 1 < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "&") {
                guard let end = bytes[index...].firstIndex(of: UInt8(ascii: ";")) else { return nil }
                index = end + 1
                continue
            }
            let length = (0x30...0x39).contains(bytes[index + 1]) ? 4 : 2
            guard bytes[index] >= 0x81, index + length <= bytes.count else { return nil }
            for _ in 0..<length {
                table[Int(scalar)] = table[Int(scalar)] << 8 | UInt32(bytes[index])
                index += 1
            }
        }
        guard index == bytes.count else { return nil }
        let stored = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: table.count)
        _ = stored.initialize(from: table)
        return UnsafeBufferPointer(stored)
    }
}
