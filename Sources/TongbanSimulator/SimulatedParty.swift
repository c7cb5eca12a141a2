/// The parties the simulator plays: the three partners of the agreements and 随县's own case
/// system. The raw values are the names used in paths, `/_sim` queries and control requests.
public enum SimulatedParty: String, Sendable, CaseIterable, Hashable {
    /// 河南省桐柏县, KSTB 2.1: receives cases, pushes status notices.
    case tongbai = "henan-tongbai"
    /// 湖北省枣阳市, APAS v1: receives signed submissions, answers status polls.
    case zaoyang = "hubei-zaoyang"
    /// 襄十随神 hub: pulls the gateway's feed, pushes status batches.
    case hub = "xiangshisuishen"
    /// 随县's local case system, which the gateway delivers inbound cases and statuses to.
    case local
}
