import Testing
import TongbanCore

/// Inputs the fuzz targets in `ops/fuzz/` found crashing or breaking an invariant, each refused
/// now with an error that names the field and the reason. The inputs are also in the targets'
/// corpora, so the fuzzers start from them.
struct FuzzRegressionTests {
    func parseError(_ bytes: [UInt8]) -> JSONParseError? {
        do { _ = try JSONParser.parse(bytes); return nil } catch { return error }
    }

    /// `case` target: the parser read the number as infinity, which the writer put out as `inf`,
    /// not JSON; an inbound payload carrying it would have been passed on unreadable.
    @Test func aNumberBeyondTheLargestDoubleIsRefused() {
        let error = parseError(Array("5555555555555555e555\n\n\n\n\n\n".utf8))
        #expect(error?.reason == "number out of range: its magnitude is beyond the largest double, about 1.8e308")
        #expect(error?.line == 1 && error?.column == 1)
        #expect(parseError(Array(#"{"timeLimit": {"value": -1e400}}"#.utf8))?.column == 25)
        #expect(parseError(Array("1.7976931348623157e308".utf8)) == nil)
    }
}
