import TongbanCore
import TongbanMappings
import TongbanPartners
import TongbanStorage

/// What became of a case a local window submitted.
public enum IntakeOutcome: Sendable {
    /// Committed (or already committed by an identical earlier request: `created` is false).
    case accepted(CaseRecord, created: Bool)
    /// The number and version are taken by a different body, or the version does not follow.
    case conflict(String)
    /// Refused before anything was stored; every problem is listed.
    case invalid([ValidationIssue])
    /// The case named in the path does not exist.
    case notFound
}

extension Gateway {
    /// Accepts a case from a local window (see `submitUncounted`) and counts its answer in
    /// `tongban_cases_total`: the one place every answer passes, whichever return made it.
    public func submit(_ body: [UInt8], caseID: String? = nil) async throws -> IntakeOutcome {
        try await submit(body, caseID: caseID, log: nil).outcome
    }

    /// Like `submit(_:caseID:)`; with `log`, a new case's message log entry is appended in the
    /// transaction that commits it, and `answer` is the 202 body that entry's digest covers
    /// (nil when nothing was logged: the caller's middleware logs the answer it sends).
    func submit(_ body: [UInt8], caseID: String? = nil, log: IntakeLog?) async throws -> (outcome: IntakeOutcome, answer: [UInt8]?) {
        let result = try await submitUncounted(body, caseID: caseID, log: log)
        countIntake(result.outcome, body: body)
        return result
    }

    /// Accepts a canonical case from a local window: validates it, translates it for the partner
    /// whose agreement covers its handling region and matter, and commits the case with its
    /// outbound transfer in one transaction. A version after the first is a supplement.
    ///
    /// - Parameter caseID: set by `POST /v1/cases/{id}/supplements`: the body must then be a
    ///   later version of that case.
    /// - Parameter log: appends a new case's message log entry in the same transaction (see
    ///   `IntakeLog`); the answer it rendered is returned with the outcome.
    func submitUncounted(_ body: [UInt8], caseID: String?, log: IntakeLog?) async throws -> (outcome: IntakeOutcome, answer: [UInt8]?) {
        let json: JSONValue
        do { json = try JSONParser.parse(body) } catch { return (.invalid([ValidationIssue(path: "$", reason: error.description)]), nil) }
        guard let region = json["handlingRegion"]?.stringValue, let partner = catalog.partner(forRegion: region) else {
            return (.invalid(Self.issuesWithoutAgreement(json)), nil)
        }
        guard let partnerSettings = partnerConfiguration(partner.name) else {
            return (.invalid([ValidationIssue(path: "$.handlingRegion", reason: "the agreement with \(partner.name) is not connected on this gateway")]), nil)
        }
        let now = clock.nowMillis()
        let messageID = Self.newID()
        let canonical = json.serialized()
        let payload: [UInt8]
        switch partner.translateOutbound(json, kind: .case, context: TranslationContext(now: Self.timestamp(now), uuid: messageID)) {
        case .success(let bytes): payload = bytes
        case .failure(let failure): return (.invalid(failure.issues), nil)
        }
        // Translation validated the case, so these members are present and well-formed.
        let caseNumber = json["caseNumber"]!.stringValue!
        let version = Int(json["version"]!.integerValue!)
        let matterCode = json["matter"]!["code"]!.stringValue!
        let digest = Digests.sha256Hex(canonical)
        let origin = configuration.local.name
        let wire = partnerSettings.wireProtocol
        // A first version becomes this record, unless the number is taken: its id is drawn and
        // its 202 answer rendered here, off the single writer thread.
        let newCase = CaseRecord(id: Self.newID(), direction: .outbound, origin: origin, partner: partner.name, caseNumber: caseNumber,
                                 version: version, matterCode: matterCode, createdAt: now, updatedAt: now)
        let log = caseID == nil && version == 1 ? log?.preparing(newCase) : log

        @Sendable func commit(_ writer: any StoreWriter) throws -> IntakeOutcome {
            let version0 = CaseVersionRecord(caseID: "", version: version, digest: digest, canonical: canonical, createdAt: now)
            func transfer(caseID: String, kind: TransferRecord.Kind) -> TransferRecord {
                Gateway.partnerTransfer(caseID: caseID, partner: partner.name, wire: wire, kind: kind, messageID: messageID, payload: payload, now: now)
            }
            if let caseID, try writer.caseRecord(id: caseID) == nil { return .notFound }
            if caseID == nil, version == 1 {
                var versionRecord = version0
                versionRecord.caseID = newCase.id
                if let record = try writer.insertCaseIfNew(newCase, firstVersion: versionRecord) {
                    _ = try writer.insertTransfer(transfer(caseID: newCase.id, kind: .case))
                    return .accepted(record, created: true)
                }
            }
            // The number is taken (a repeat, or a later version), or this is a supplement.
            guard var existing = try writer.caseRecord(origin: origin, caseNumber: caseNumber) else {
                if let caseID { return .conflict("case number \(caseNumber) is not the number of case \(caseID)") }
                return .conflict("case \(caseNumber) is unknown here, so its first version must be 1, not \(version)")
            }
            if let caseID, caseID != existing.id {
                return .conflict("case number \(caseNumber) belongs to case \(existing.id), not \(caseID)")
            }
            if let earlier = try writer.version(caseID: existing.id, version: version) {
                return earlier.digest == digest
                    ? .accepted(existing, created: false)
                    : .conflict("case \(caseNumber) version \(version) was already submitted with a different body; send a new version as a supplement")
            }
            guard version == existing.version + 1 else {
                return .conflict("case \(caseNumber) is at version \(existing.version); the next version is \(existing.version + 1), not \(version)")
            }
            if let status = existing.status.flatMap(CaseStatus.init(rawValue:)), status.isFinal {
                return .conflict("case \(caseNumber) is \(status.rawValue), a final status: it takes no supplement")
            }
            var versionRecord = version0
            versionRecord.caseID = existing.id
            try writer.insertVersion(versionRecord)
            existing.version = version
            existing.updatedAt = now
            try writer.updateCase(existing)
            _ = try writer.insertTransfer(transfer(caseID: existing.id, kind: .supplement))
            return .accepted(existing, created: true)
        }
        let clock = clock
        let (outcome, answer) = try await store.write { writer -> (IntakeOutcome, [UInt8]?) in
            let outcome = try commit(writer)
            guard let log, case .accepted(let record, created: true) = outcome else { return (outcome, nil) }
            return (outcome, try log.append(record, at: clock.nowMillis(), to: writer))
        }
        if case .accepted(_, created: true) = outcome {
            wake(partner.name)
            logger.debug("case accepted", metadata: ["partner": "\(partner.name)", "messageID": "\(messageID)", "version": "\(version)"])
        }
        return (outcome, answer)
    }

    /// A case whose handling region no agreement covers: its own problems, plus that one.
    static func issuesWithoutAgreement(_ json: JSONValue) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if case .failure(let failure) = LocalCase.validate(json) { issues = failure.issues }
        if !issues.contains(where: { $0.path == "$.handlingRegion" }) {
            let region = json["handlingRegion"]?.stringValue ?? ""
            let matter = json["matter"]?["code"]?.stringValue ?? "?"
            issues.append(ValidationIssue(path: "$.handlingRegion",
                                          reason: "no agreement covers handling region \(region) (matter \(matter))"))
        }
        return issues
    }
}

extension PartnerConfiguration.WireProtocol {
    /// The media type of this protocol's payloads.
    var contentType: String {
        switch self {
        case .kstb: "application/xml; charset=GB18030"
        case .apas, .hub: "application/json"
        }
    }
}
