import Testing
import TongbanCore
import TongbanTesting

@Suite("LocalCase validation")
struct LocalCaseTests {
    let sample = CaseFixtures.sample

    func issues(_ path: String, _ value: JSONValue?) -> [String] {
        CaseFixtures.caseIssues(sample.setting(path, value))
    }

    @Test func sampleCaseIsValid() throws {
        let local = try LocalCase.validate(sample).get()
        #expect(local.caseNumber == "SX2026112000001")
        #expect(local.version == 1)
        #expect(local.matter.caseType == .promised)
        #expect(local.timeLimit.value == 5 && local.timeLimit.unit == .workingDay)
        #expect(local.applicant.idType == .residentIDCard)
        #expect(local.agent == nil)
        #expect(local.submittedAt.rfc3339() == "2026-11-20T09:30:00+08:00")
        #expect(local.acceptingOffice.creditCode == "11421321MB1834560Y")
        #expect(local.materials.map(\.source) == [
            .eLicense(licenseNumber: "DZZZ-ID-429001198503120020"),
            .file(sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", bytes: 48213, pages: 2),
        ])
        #expect(local.resultDelivery == .post(address: "湖北省随州市随县厉山镇神农大道8号"))
        #expect(local.remarks == "加急")
    }

    @Test func canonicalJSONKeepsOrderOmitsAbsentAndRoundTrips() throws {
        let local = try LocalCase.validate(sample).get()
        let expected = sample.setting("agent", nil)
        #expect(local.json.compactString == expected.compactString)
        #expect(try LocalCase.validate(local.json).get() == local)
    }

    @Test func emptyMaterialsAndNullOptionalsAreAbsent() throws {
        let json = sample.setting("materials", []).setting("remarks", .null).setting("applicant.phone", .null)
        let local = try LocalCase.validate(json).get()
        #expect(local.materials.isEmpty && local.remarks == nil && local.applicant.phone == nil)
        #expect(local.json["materials"] == nil && local.json["remarks"] == nil)
    }

    @Test func wholeDoublesCountAsIntegers() throws {
        #expect(try LocalCase.validate(sample.setting("version", 2.0)).get().version == 2)
        #expect(issues("version", 1.5) == ["$.version: must be an integer, found number"])
    }

    // MARK: Top-level members

    @Test func caseNumberRules() {
        #expect(issues("caseNumber", "") == ["$.caseNumber: must not be empty"])
        #expect(issues("caseNumber", .string(String(repeating: "9", count: 51))) == ["$.caseNumber: longer than 50 characters (found 51)"])
        #expect(issues("caseNumber", "SX\n001") == ["$.caseNumber: contains the control character U+000A: only printable text is accepted"])
        #expect(issues("remarks", "第一行\n第二行\t附注") == [], "remarks may span lines")
        #expect(issues("remarks", "响铃\u{07}") == ["$.remarks: contains the control character U+0007: only printable text is accepted (line feeds and tabs may separate lines)"])
        // Category Cc is C0, DEL and C1 (U+0080–U+009F), and nothing next to them.
        #expect(issues("caseNumber", "SX\u{7F}001") == ["$.caseNumber: contains the control character U+007F: only printable text is accepted"])
        #expect(issues("caseNumber", "SX\u{85}001") == ["$.caseNumber: contains the control character U+0085: only printable text is accepted"])
        #expect(issues("caseNumber", "受理\u{9F}") == ["$.caseNumber: contains the control character U+009F: only printable text is accepted"])
        #expect(issues("remarks", "第一行\r\n第二行") == ["$.remarks: contains the control character U+000D: only printable text is accepted (line feeds and tabs may separate lines)"])
        #expect(issues("caseNumber", "SX\u{A0}001~") == [], "U+00A0 and U+007E are not control characters")
        #expect(issues("caseNumber", nil) == ["$.caseNumber: is required"])
    }

    @Test func versionMustBeAtLeastOne() {
        #expect(issues("version", 0) == ["$.version: must be at least 1, found 0"])
    }

    @Test func submittedAtNeedsAnOffset() {
        let reason = "$.submittedAt: must be RFC 3339 with an offset, e.g. 2026-11-20T09:30:00+08:00"
        #expect(issues("submittedAt", "2026-11-20T09:30:00") == [reason])
        #expect(issues("submittedAt", "2026-11-31T09:30:00+08:00") == [reason])
        #expect(issues("submittedAt", "20261120093000") == [reason])
    }

    @Test func remarksAtMost1000() {
        #expect(issues("remarks", .string(String(repeating: "急", count: 1000))).isEmpty)
        #expect(issues("remarks", .string(String(repeating: "急", count: 1001))) == ["$.remarks: longer than 1000 characters (found 1001)"])
    }

    // MARK: Matter and time limit

    @Test func matterRules() {
        #expect(issues("matter.code", "421321-GA") == ["$.matter.code: must contain only letters A-Z, a-z and digits 0-9"])
        #expect(issues("matter.code", .string(String(repeating: "A", count: 25))) == ["$.matter.code: longer than 24 characters (found 25)"])
        #expect(issues("matter.caseType", "urgent") == ["$.matter.caseType: must be one of immediate, promised"])
        #expect(issues("matter.name", nil) == ["$.matter.name: is required"])
    }

    @Test func timeLimitWithoutUnitIsRefused() {
        #expect(issues("timeLimit.unit", nil) == [
            "$.timeLimit.unit: is required: a time limit must carry its unit (workingDay, calendarDay or hour)",
        ])
        #expect(issues("timeLimit.unit", .null) == issues("timeLimit.unit", nil))
    }

    @Test func hourIsAUnit() throws {
        let local = try LocalCase.validate(sample.setting("timeLimit", ["value": 48, "unit": "hour"])).get()
        #expect(local.timeLimit.unit == .hour && local.timeLimit.value == 48)
        #expect(issues("timeLimit.unit", "天") == ["$.timeLimit.unit: must be one of workingDay, calendarDay, hour"])
        #expect(issues("timeLimit.value", 0) == ["$.timeLimit.value: must be at least 1, found 0"])
    }

    // MARK: Parties

    @Test func residentIDCheckCharacter() {
        #expect(issues("applicant.idNumber", "429001198503120025") == ["$.applicant.idNumber: check character should be 0, found 5"])
    }

    @Test func residentIDImpossibleBirthDate() {
        #expect(issues("applicant.idNumber", "429001198513320026") == ["$.applicant.idNumber: birth date 19851332 is not a date"])
    }

    @Test func residentIDBirthDateBounds() {
        #expect(issues("applicant.idNumber", "429001202611200027").isEmpty)  // born the day of submission
        #expect(issues("applicant.idNumber", "429001202611210022") == ["$.applicant.idNumber: birth date 20261121 is after 2026-11-20"])
        #expect(issues("applicant.idNumber", "429001189912310023") == ["$.applicant.idNumber: birth date 18991231 is before 1900"])
    }

    @Test func birthDateBoundIsTheLocalDayOfSubmission() {
        // 2026-11-20T20:00:00-05:00 is 11-21 in China, but the window's own day is 11-20.
        let json = sample.setting("applicant.idNumber", "429001202611210022").setting("submittedAt", "2026-11-20T20:00:00-05:00")
        #expect(CaseFixtures.caseIssues(json) == ["$.applicant.idNumber: birth date 20261121 is after 2026-11-20"])
    }

    @Test func withoutAUsableSubmissionTimeTodayIsTheBound() {
        let json = sample.setting("applicant.idNumber", "429001299901010022").setting("submittedAt", "yesterday")
        let today = Timestamp.now().localDate
        #expect(CaseFixtures.caseIssues(json) == [
            "$.applicant.idNumber: birth date 29990101 is after \(today)",
            "$.submittedAt: must be RFC 3339 with an offset, e.g. 2026-11-20T09:30:00+08:00",
        ])
    }

    @Test func residentIDUnknownPrefix() {
        #expect(issues("applicant.idNumber", "999999198503120026") == ["$.applicant.idNumber: division prefix 999999 is not a GB/T 2260 code"])
    }

    @Test func retiredPrefixIsFineForIDNumbersButNotForRegions() {
        // 110103 崇文区 was retired in 2010; people born there keep it.
        #expect(issues("applicant.idNumber", "110103198503120028").isEmpty)
        #expect(issues("handlingRegion", "110103") == [
            "$.handlingRegion: is a retired GB/T 2260 division code (崇文区, 北京市, in force until 2010); use the code in force now",
        ])
        #expect(issues("acceptingOffice.divisionCode", "110103") == [
            "$.acceptingOffice.divisionCode: is a retired GB/T 2260 division code (崇文区, 北京市, in force until 2010); use the code in force now",
        ])
    }

    @Test func lowerCaseXIsRefused() {
        #expect(issues("applicant.idNumber", "42900119850312008X").isEmpty)
        #expect(issues("applicant.idNumber", "42900119850312008x") == ["$.applicant.idNumber: check character must be an upper-case X"])
    }

    @Test func residentIDShape() {
        #expect(issues("applicant.idNumber", "42900119850312002") == ["$.applicant.idNumber: must be 18 characters, found 17"])
        #expect(issues("applicant.idNumber", "4290011985031200A0") == ["$.applicant.idNumber: must be 17 digits followed by a digit or X"])
    }

    @Test func idTypeAndKindMustAgree() {
        #expect(issues("applicant.idType", "001") == [
            "$.applicant.idType: a person cannot use 001 (unified social credit code)",
            "$.applicant.idNumber: check character should be 2, found 0",
        ])
        let organization: JSONValue = ["kind": "organization", "name": "随县政务服务中心", "idType": "111", "idNumber": "429001198503120020"]
        #expect(issues("applicant", organization) == [
            "$.applicant.idType: an organization must use 001 (unified social credit code) or 990 (other)",
        ])
        #expect(issues("applicant", organization.setting("idType", "001").setting("idNumber", "11421321MB1834560Y")).isEmpty)
        #expect(issues("applicant", organization.setting("idType", "990").setting("idNumber", "SX12345")).isEmpty)
    }

    @Test func otherIDTypes() {
        #expect(issues("applicant.idType", "414").isEmpty)  // 18 digits are a valid passport number shape
        #expect(issues("applicant", ["kind": "person", "name": "Anna Smith", "idType": "414", "idNumber": "E1234567"]).isEmpty)
        let reason = "must be 6 to 18 characters of digits 0-9 and upper-case letters A-Z"
        #expect(issues("applicant.idType", "133").isEmpty)
        #expect(issues("applicant", ["kind": "person", "name": "Anna", "idType": "414", "idNumber": "e1234567"]) == ["$.applicant.idNumber: \(reason)"])
        #expect(issues("applicant", ["kind": "person", "name": "Anna", "idType": "414", "idNumber": "E123"]) == ["$.applicant.idNumber: \(reason)"])
        #expect(issues("applicant.idType", "999") == [
            "$.applicant.idType: must be one of 111, 112, 113, 133, 414, 001, 990",
        ])
    }

    @Test func phoneRules() {
        #expect(issues("applicant.phone", "+86-722-1234567").isEmpty)
        #expect(issues("applicant.phone", "0722 123456") == ["$.applicant.phone: phone must be digits, with an optional leading + and - between groups"])
        #expect(issues("applicant.phone", "123-") == ["$.applicant.phone: shorter than 7 characters (found 4)"])
        #expect(issues("applicant.phone", "1390722--001") == ["$.applicant.phone: phone must be digits, with an optional leading + and - between groups"])
    }

    @Test func agentIsCheckedLikeTheApplicant() throws {
        let agent: JSONValue = ["kind": "person", "name": "李四", "idType": "111", "idNumber": "429001196609301218"]
        #expect(try LocalCase.validate(sample.setting("agent", agent)).get().agent?.name == "李四")
        #expect(issues("agent", agent.setting("idNumber", "429001196609301210")) == ["$.agent.idNumber: check character should be 8, found 0"])
        #expect(issues("agent", "李四") == ["$.agent: must be an object, found string"])
    }

    @Test func supplementaryPlaneCharacterCountsAsOneScalar() {
        let name = "王" + String(repeating: "\u{20000}", count: 199)  // 200 scalars, 400 UTF-16 units
        #expect(issues("applicant.name", .string(name)).isEmpty)
        #expect(issues("applicant.name", .string(name + "\u{20000}")) == ["$.applicant.name: longer than 200 characters (found 201)"])
    }

    // MARK: Office and regions

    @Test func officeCreditCodeIsChecked() {
        #expect(issues("acceptingOffice.creditCode", "11421321MB18345601") == ["$.acceptingOffice.creditCode: check character should be Y, found 1"])
        #expect(issues("acceptingOffice.creditCode", nil).isEmpty)
    }

    @Test func townshipAndVillageCodes() {
        #expect(issues("handlingRegion", "411330100").isEmpty)
        #expect(issues("handlingRegion", "411330100200").isEmpty)
        #expect(issues("acceptingOffice.divisionCode", "421321100").isEmpty)
        #expect(issues("handlingRegion", "421399100") == ["$.handlingRegion: first 6 digits 421399 are not a known GB/T 2260 division code"])
        #expect(issues("handlingRegion", "4113301") == ["$.handlingRegion: must be a GB/T 2260 division code of 6, 9 or 12 digits"])
        #expect(issues("handlingRegion", "999999") == ["$.handlingRegion: is not a known GB/T 2260 division code"])
    }

    // MARK: Materials and delivery

    @Test func eLicenseNeedsItsNumberAndNoFileFields() {
        #expect(issues("materials.0.licenseNumber", nil) == ["$.materials[0].licenseNumber: is required"])
        #expect(issues("materials.0.sha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08") == [
            "$.materials[0].sha256: not allowed for an eLicense material",
        ])
    }

    @Test func fileNeedsLowerCaseDigestAndSizes() {
        #expect(issues("materials.1.sha256", "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08") == [
            "$.materials[1].sha256: must be lower-case hexadecimal (write A-F as a-f)",
        ])
        #expect(issues("materials.1.sha256", "9f86d0") == ["$.materials[1].sha256: must be 64 lower-case hexadecimal characters"])
        #expect(issues("materials.1.pages", 0) == ["$.materials[1].pages: must be at least 1, found 0"])
        #expect(issues("materials.1.bytes", nil) == ["$.materials[1].bytes: is required"])
        #expect(issues("materials.1.licenseNumber", "DZZZ-1") == ["$.materials[1].licenseNumber: not allowed for a file material"])
        #expect(issues("materials.1.bytes", 0).isEmpty)
    }

    @Test func atMostOneHundredMaterials() {
        let material: JSONValue = ["name": "居民身份证", "source": "eLicense", "licenseNumber": "DZZZ-1"]
        #expect(issues("materials", .array(Array(repeating: material, count: 100))).isEmpty)
        #expect(issues("materials", .array(Array(repeating: material, count: 101))) == ["$.materials: must have at most 100 items, found 101"])
    }

    @Test func postNeedsAnAddress() {
        #expect(issues("resultDelivery.address", nil) == ["$.resultDelivery.address: is required"])
        #expect(issues("resultDelivery", ["method": "window"]).isEmpty)
        #expect(issues("resultDelivery", ["method": "online", "address": "x"]) == ["$.resultDelivery.address: allowed only when method is post"])
    }

    // MARK: Structure

    @Test func unknownFieldsAreRefusedEverywhere() {
        #expect(issues("applicant.foo", 1) == ["$.applicant.foo: unknown field"])
        #expect(issues("extra", "x") == ["$.extra: unknown field"])
        #expect(issues("materials.1.mimeType", "application/pdf") == ["$.materials[1].mimeType: unknown field"])
    }

    @Test func wrongTypesSayWhatWasExpected() {
        #expect(issues("caseNumber", 2026) == ["$.caseNumber: must be a string, found integer"])
        #expect(issues("version", "1") == ["$.version: must be an integer, found string"])
        #expect(issues("matter", "户口迁移") == ["$.matter: must be an object, found string"])
        #expect(issues("materials", ["name": "x"]) == ["$.materials: must be an array, found object"])
        #expect(issues("applicant.name", .null) == ["$.applicant.name: must be a string, found null"])
        #expect(CaseFixtures.caseIssues([1, 2]) == ["$: must be an object, found array"])
    }

    @Test func everyProblemIsReportedWithItsPath() {
        let json = sample
            .setting("version", 0)
            .setting("timeLimit.unit", nil)
            .setting("applicant.idNumber", "429001198503120025")
            .setting("applicant.foo", true)
            .setting("handlingRegion", "110103")
            .setting("materials.1.sha256", "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08")
            .setting("resultDelivery.address", nil)
        guard case .failure(let failure) = LocalCase.validate(json) else {
            Issue.record("a broken case was accepted")
            return
        }
        #expect(failure.issues.map(\.path) == [
            "$.version", "$.timeLimit.unit", "$.applicant.foo", "$.applicant.idNumber", "$.handlingRegion",
            "$.materials[1].sha256", "$.resultDelivery.address",
        ])
    }
}
