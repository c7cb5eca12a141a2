import Testing
import TongbanCore

@Suite("Resident ID numbers and credit codes")
struct IdentifierTests {
    let divisions = DivisionCodes.standard
    let submissionDay = CivilDate(year: 2026, month: 11, day: 20)

    @Test(arguments: ["429001198503120020", "429001196609301218", "420303198805152213"])
    func domainSampleIDNumbersAreValid(_ number: String) {
        #expect(ResidentIDNumber.checkCharacter(for: number.prefix(17)) == number.last)
        #expect(ResidentIDNumber.problems(number, divisions: divisions, notAfter: submissionDay).isEmpty)
    }

    @Test func checkCharacterCoversAllRemainders() {
        #expect(ResidentIDNumber.checkCharacter(for: "42900119850312008") == "X")
        #expect(ResidentIDNumber.checkCharacter(for: "4290011985031200") == nil)
        #expect(ResidentIDNumber.checkCharacter(for: "4290011985031200A") == nil)
    }

    @Test func problemsAreAllReportedInPositionOrder() {
        // Unknown prefix, impossible date and wrong check character at once.
        #expect(ResidentIDNumber.problems("999999198502300021", divisions: divisions, notAfter: submissionDay) == [
            "division prefix 999999 is not a GB/T 2260 code",
            "birth date 19850230 is not a date",
            "check character should be 5, found 1",
        ])
    }

    @Test func noUpperBoundWithoutADay() {
        #expect(ResidentIDNumber.problems("429001202611210022", divisions: divisions, notAfter: nil).isEmpty)
    }

    @Test func domainSampleCreditCodeIsValid() {
        #expect(CreditCode.checkCharacter(for: "11421321MB1834560") == "Y")
        #expect(CreditCode.problem("11421321MB1834560Y") == nil)
    }

    @Test func creditCodeCheckOf31IsWrittenZero() {
        #expect(CreditCode.checkCharacter(for: "91420100000000011") == "0")
        #expect(CreditCode.problem("914201000000000110") == nil)
    }

    @Test func creditCodeProblems() {
        #expect(CreditCode.problem("11421321MB18345601") == "check character should be Y, found 1")
        #expect(CreditCode.problem("11421321MB1834560") == "must be 18 characters, found 17")
        #expect(CreditCode.problem("11421321mb1834560y") == "letters must be upper case")
        #expect(CreditCode.problem("11421321IB1834560Y")
            == "character 'I' at position 9 is not used in unified social credit codes (0-9 and A-Z without I, O, S, V, Z)")
        #expect(CreditCode.checkCharacter(for: "11421321OB1834560") == nil)
    }
}
