/// A case as the local windows of 随县 submit it: the canonical form that every partner format is
/// mapped from and to.
///
/// Element meanings follow GB/T 39046—2020 (表5 办事申请). A `LocalCase` only comes out of
/// `validate(_:divisions:)`, so holding one means every rule has been checked; `json` gives the
/// canonical JSON back.
public struct LocalCase: Sendable, Hashable {
    /// 办件编号: the number the local window gave the case; 1–50 characters, no control characters.
    public let caseNumber: String
    /// Starts at 1 and grows by one on each resubmission of the same case.
    public let version: Int
    public let matter: Matter
    /// 承诺办结时限: never a bare number, because mixing up 天 and 小时 is a known failure.
    public let timeLimit: TimeLimit
    public let applicant: Party
    /// 代理人, when someone applies on the applicant's behalf.
    public let agent: Party?
    /// 申请时间, in the offset the window wrote it in.
    public let submittedAt: Timestamp
    public let acceptingOffice: Office
    /// The GB/T 2260 code (6, 9 or 12 digits, in force now) of the region that handles the case.
    public let handlingRegion: String
    /// 申请材料; empty when the case has none (the JSON then omits the member).
    public let materials: [Material]
    public let resultDelivery: ResultDelivery
    public let remarks: String?

    /// 事项: the matter applied for.
    public struct Matter: Sendable, Hashable {
        /// 实施编码 (an..24): 1–24 ASCII letters and digits.
        public let code: String
        /// 事项名称, 1–200 characters.
        public let name: String
        public let caseType: CaseType
    }

    /// 办件类型: decided on the spot, or completed by a promised date.
    public enum CaseType: String, Sendable, Hashable, CaseIterable {
        /// 即办件.
        case immediate
        /// 承诺件.
        case promised
    }

    public struct TimeLimit: Sendable, Hashable {
        /// At least 1.
        public let value: Int
        public let unit: TimeUnit
    }

    public enum TimeUnit: String, Sendable, Hashable, CaseIterable {
        /// 工作日: follows the official holiday calendar, including make-up working days.
        case workingDay
        /// 自然日.
        case calendarDay
        /// 小时.
        case hour
    }

    /// An applicant or agent: a person or an organisation with one identity document.
    public struct Party: Sendable, Hashable {
        public let kind: PartyKind
        /// 1–200 characters.
        public let name: String
        public let idType: IDType
        /// Checked against `idType`'s rules (GB 11643, GB 32100, or 6–18 of `0-9A-Z`).
        public let idNumber: String
        /// 7–20 characters: digits, an optional leading `+`, `-` between groups.
        public let phone: String?
        /// At most 200 characters.
        public let address: String?
    }

    public enum PartyKind: String, Sendable, Hashable, CaseIterable {
        case person
        case organization
    }

    /// 证件类型代码 as 随县's windows use it (after GA/T 2000.156). An organisation uses 001 or 990;
    /// a person never uses 001.
    public enum IDType: String, Sendable, Hashable, CaseIterable {
        /// 居民身份证 (GB 11643 number).
        case residentIDCard = "111"
        /// 临时居民身份证 (GB 11643 number).
        case temporaryResidentIDCard = "112"
        /// 户口簿.
        case householdRegister = "113"
        /// 居住证.
        case residencePermit = "133"
        /// 护照.
        case passport = "414"
        /// 统一社会信用代码 (GB 32100), organisations only.
        case unifiedSocialCreditCode = "001"
        /// 其他.
        case other = "990"
    }

    /// 受理单位: the office whose window accepted the case.
    public struct Office: Sendable, Hashable {
        /// 1–200 characters.
        public let name: String
        /// GB/T 2260 code (6, 9 or 12 digits) in force now.
        public let divisionCode: String
        /// 受理单位统一社会信用代码 (GB 32100), when given.
        public let creditCode: String?
    }

    /// One 申请材料: a reference to an electronic licence, or an attached file.
    public struct Material: Sendable, Hashable {
        /// 1–200 characters.
        public let name: String
        public let source: MaterialSource
    }

    public enum MaterialSource: Sendable, Hashable {
        /// 电子证照, fetched by the handling side with its licence number (1–50 characters).
        case eLicense(licenseNumber: String)
        /// An attached file, identified by its lower-case hex SHA-256 so that both sides can prove
        /// they hold the same bytes.
        case file(sha256: String, bytes: Int, pages: Int)
    }

    /// How the applicant gets the result.
    public enum ResultDelivery: Sendable, Hashable {
        /// 窗口领取.
        case window
        /// EMS 快递送达, to an address of 1–200 characters.
        case post(address: String)
        /// 网上送达.
        case online
    }
}
