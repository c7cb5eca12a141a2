#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import TongbanXML

/// `GB18030Encoder` against the system's iconv, which libxml2 uses for GB18030.
@Suite struct GB18030EncoderTests {
    /// The GB18030 bytes iconv gives for `scalar`, or nil if it cannot convert it.
    static func iconvBytes(_ converter: iconv_t, _ scalar: UInt32) -> [UInt8]? {
        var input = Array(String(Unicode.Scalar(scalar)!).utf8)
        var output = [UInt8](repeating: 0, count: 16)
        let inCount = input.count
        let written: Int? = input.withUnsafeMutableBytes { inBytes in
            output.withUnsafeMutableBytes { outBytes in
                var inPointer = inBytes.baseAddress!.assumingMemoryBound(to: CChar.self) as UnsafeMutablePointer<CChar>?
                var outPointer = outBytes.baseAddress!.assumingMemoryBound(to: CChar.self) as UnsafeMutablePointer<CChar>?
                var inLeft = inCount
                var outLeft = 16
                guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1, inLeft == 0 else { return nil }
                return 16 - outLeft
            }
        }
        return written.map { Array(output.prefix($0)) }
    }

    static func unpacked(_ bytes: UInt32) -> [UInt8] {
        let all = [UInt8(bytes >> 24), UInt8(truncatingIfNeeded: bytes >> 16), UInt8(truncatingIfNeeded: bytes >> 8), UInt8(truncatingIfNeeded: bytes)]
        return bytes >= 0x1_0000 ? all : Array(all.suffix(2))
    }

    @Test func everyScalarIsEncodedAsIconvEncodesIt() throws {
        let encoder = try #require(GB18030Encoder.shared)
        let converter = iconv_open("GB18030", "UTF-8")
        try #require(converter != iconv_t(bitPattern: -1))
        defer { iconv_close(converter) }
        let supplementary: [UInt32] = [0x1_0000, 0x1_0001, 0x1_F600, 0x2_0000, 0x2_A6A5, 0x2_B740, 0xE_0001, 0xF_FFFD, 0x10_FFFF]
        var mismatches: [UInt32] = []
        for scalar in Array(UInt32(0x80)...0xD7FF) + Array(0xE000...0xFFFF) + supplementary {
            let expected = Self.iconvBytes(converter!, scalar)
            if encoder.bytes(of: scalar).map(Self.unpacked) != expected { mismatches.append(scalar) }
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5).map { String($0, radix: 16) })")
        #expect(encoder.bytes(of: 0x2_0000) == 0x9532_8236)  // 𠀀
        #expect(encoder.bytes(of: 0x738B) == 0xCDF5)  // 王
    }
}
