import TongbanCore

/// A case the gateway delivered to a partner, as that partner holds it.
///
/// `received` counts every message about the case that reached the partner, resends included;
/// `processed` counts the submissions the partner took as new (not recognised as duplicates by
/// its rule: `BWBH` for Tongbai, `projid` for Zaoyang, `msg_id` for the hub). A gateway that
/// delivers exactly once leaves `processed` at 1 however often it had to resend.
struct HeldCase: Sendable {
    /// The sender's number for the case (`SBLSH`, `projid`, `case_no`).
    let caseNumber: String
    /// The partner's own number (`YWLSH`, `unid`, `hub_case_no`).
    let partnerCaseNumber: String
    /// The partner's matter code.
    let matter: String
    /// The partner division handling the case (for the hub, the target city).
    let region: String
    var version: Int
    var received = 1
    var processed = 1
    var supplements = 0
    var progression: StatusProgression
    /// How many steps already have a status message (pushing partners only).
    var stepsIssued = 0

    init(caseNumber: String, partnerCaseNumber: String, matter: String, region: String, version: Int, progression: StatusProgression) {
        self.caseNumber = caseNumber; self.partnerCaseNumber = partnerCaseNumber; self.matter = matter
        self.region = region; self.version = version; self.progression = progression
    }

    /// As `GET /_sim/cases` lists it; `code` is the partner's code for the status reached.
    func json(at now: Int64, code: String?) -> JSONValue {
        let step = progression.current(at: now)
        var object = JSONObject([
            ("caseNumber", .string(caseNumber)), ("partnerCaseNumber", .string(partnerCaseNumber)),
            ("matter", .string(matter)), ("region", .string(region)), ("version", .int(Int64(version))),
            ("status", .string(step.status.rawValue)),
        ])
        if let code { object.append("partnerStatus", .string(code)) }
        object.append("received", .int(Int64(received)))
        object.append("processed", .int(Int64(processed)))
        object.append("supplements", .int(Int64(supplements)))
        return .object(object)
    }
}
