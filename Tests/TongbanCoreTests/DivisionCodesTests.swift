import Testing
import TongbanCore
import TongbanTesting

@Suite("GB/T 2260 division codes")
struct DivisionCodesTests {
    let standard = DivisionCodes.standard

    @Test func bundledTableLoads() throws {
        #expect(standard.count > 6000)
        let suixian = try #require(standard.entry("421321"))
        #expect(suixian.isCurrent && suixian.current?.name == "随县" && suixian.current?.from == 2009)
        // 420600 was 襄樊市 until 2009 and is 襄阳市 since 2010: one code, two names.
        #expect(standard.entry("420600")?.periods.map(\.name) == ["襄樊市", "襄阳市"])
        #expect(standard.entry("420600")?.latest.name == "襄阳市")
        #expect(standard.entry("999999") == nil)
        #expect(standard.entry("42132") == nil)
    }

    @Test(arguments: ["421321", "420683", "411330", "420882", "421300", "429021", "440804", "460100", "450700", "450500", "450900"])
    func domainRegionsAreInForce(_ code: String) {
        #expect(standard.problem(withCode: code, mustBeCurrent: true) == nil)
    }

    @Test func retiredCodes() {
        #expect(standard.problem(withCode: "110103", mustBeCurrent: false) == nil)
        #expect(standard.problem(withCode: "110103", mustBeCurrent: true)
            == "is a retired GB/T 2260 division code (崇文区, 北京市, in force until 2010); use the code in force now")
        #expect(standard.problem(withCode: "110103001", mustBeCurrent: true)
            == "starts with 110103, a retired GB/T 2260 division code (崇文区, 北京市, in force until 2010); use the code in force now")
        #expect(standard.problem(withCode: "110103001", mustBeCurrent: false) == nil)
    }

    @Test func longerForms() {
        #expect(standard.problem(withCode: "421321100", mustBeCurrent: true) == nil)
        #expect(standard.problem(withCode: "421321100201", mustBeCurrent: true) == nil)
        #expect(standard.problem(withCode: "999999100", mustBeCurrent: false) == "first 6 digits 999999 are not a known GB/T 2260 division code")
        for malformed in ["", "42132", "4213211", "4213210000", "42132A", "４２１３２１"] {
            #expect(standard.problem(withCode: malformed, mustBeCurrent: false) == "must be a GB/T 2260 division code of 6, 9 or 12 digits")
        }
    }

    @Test func parsesItsOwnFormat() throws {
        let table = try DivisionCodes(tsv: "# comment\r\ncode\tname\tprovince\tfrom\tto\r\n\r\n100100\t旧县\t某省\t1980\t1999\r\n100100\t新县\t某省\t2000\t\r\n")
        #expect(table.count == 1)
        #expect(table.entry("100100")?.periods.map(\.to) == [1999, nil])
    }

    @Test func malformedTablesNameTheLine() {
        #expect(throws: DivisionTableError(line: 1, reason: "expected the header line code, name, province, from, to")) {
            try DivisionCodes(tsv: "code\tname\n")
        }
        #expect(throws: DivisionTableError(line: 3, reason: "code 10010 is not 6 digits")) {
            try DivisionCodes(tsv: "code\tname\tprovince\tfrom\tto\n100100\t县\t省\t\t\n10010\t县\t省\t\t\n")
        }
        #expect(throws: DivisionTableError(line: 2, reason: "from and to must be 4-digit years or empty")) {
            try DivisionCodes(tsv: "code\tname\tprovince\tfrom\tto\n100100\t县\t省\t98\t\n")
        }
        #expect(throws: DivisionTableError(line: 2, reason: "expected 5 tab-separated columns, found 4")) {
            try DivisionCodes(tsv: "code\tname\tprovince\tfrom\tto\n100100\t县\t省\t\n")
        }
        #expect(throws: DivisionTableError(line: 1, reason: "the table has no header line")) {
            try DivisionCodes(tsv: "# only a comment")
        }
    }

    @Test func customTablesAreUsedByValidation() throws {
        let table = try DivisionCodes(tsv: "code\tname\tprovince\tfrom\tto\n421321\t随县\t湖北省\t2009\t\n429001\t随州市\t湖北省\t\t\n")
        guard case .failure(let failure) = LocalCase.validate(CaseFixtures.sample, divisions: table) else {
            Issue.record("411330 is not in the custom table")
            return
        }
        #expect(failure.issues.map(\.description) == ["$.handlingRegion: is not a known GB/T 2260 division code"])
    }
}
