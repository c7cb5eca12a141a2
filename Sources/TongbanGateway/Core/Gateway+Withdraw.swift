import TongbanCore
import TongbanMappings
import TongbanStorage

extension Gateway {
    /// A local window withdraws a case it sent (撤回): the case becomes `withdrawn` and the
    /// partner is sent its withdrawal message (KSTB `CH`, hub `case.withdraw`) in the same
    /// transaction. A partner whose interface has no withdrawal (APAS) is refused with its
    /// mapping's reason, and nothing changes.
    ///
    /// The body is `{"reason": "…"}` (1–1000 characters).
    public func withdraw(caseID: String, body: [UInt8]) async throws -> StatusOutcome {
        let reason: String
        switch Self.withdrawalReason(body) {
        case .success(let text): reason = text
        case .failure(let failure): return .invalid(failure.issues)
        }
        guard let (record, version) = try await store.read({ reader -> (CaseRecord, CaseVersionRecord)? in
            guard let record = try reader.caseRecord(id: caseID), let version = try reader.version(caseID: caseID, version: record.version) else { return nil }
            return (record, version)
        }) else { return .notFound }
        guard record.direction == .outbound else {
            return .conflict("case \(record.caseNumber) was sent by \(record.partner); only its sender withdraws it")
        }
        if let status = record.status.flatMap(CaseStatus.init(rawValue:)), status.isFinal {
            return .conflict("case \(record.caseNumber) is already \(status.rawValue), a final status")
        }
        guard let partner = catalog.partner(named: record.partner), let settings = partnerConfiguration(record.partner) else {
            return .conflict("partner \(record.partner) is not connected on this gateway")
        }
        let now = clock.nowMillis()
        let messageID = Self.newID()
        let message: JSONValue = .object(JSONObject([("intent", "withdraw"), ("reason", .string(reason))]))
        let payload: [UInt8]
        switch partner.translate(version.canonical, direction: .outbound, kind: .case,
                                 context: TranslationContext(now: Self.timestamp(now), uuid: messageID, message: message)) {
        case .success(let bytes): payload = bytes
        case .failure(let failure):
            return .conflict(failure.issues.map(\.reason).joined(separator: "; "))
        }
        var status = JSONObject([("caseNumber", .string(record.caseNumber)), ("status", .string(CaseStatus.withdrawn.rawValue)),
                                 ("at", .string(Self.timestamp(now).rfc3339())), ("opinion", .string(reason))])
        if let number = record.partnerCaseNumber { status["handlerCaseNumber"] = .string(number) }
        let canonical = JSONValue.object(status).serialized()
        let wire = settings.wireProtocol
        let outcome = try await store.write { writer -> StatusOutcome in
            guard var current = try writer.caseRecord(id: caseID) else { return .notFound }
            if let status = current.status.flatMap(CaseStatus.init(rawValue:)), status.isFinal {
                return .conflict("case \(current.caseNumber) is already \(status.rawValue), a final status")
            }
            let stored = try writer.insertStatus(StatusRecord(
                caseID: caseID, status: CaseStatus.withdrawn.rawValue, partnerCode: nil, at: now, receivedAt: now,
                source: .local, outcome: .applied, canonical: canonical))
            current.status = CaseStatus.withdrawn.rawValue
            current.statusAt = now
            current.nextPollAt = nil
            current.updatedAt = now
            try writer.updateCase(current)
            _ = try writer.insertTransfer(Gateway.partnerTransfer(caseID: caseID, partner: partner.name, wire: wire, kind: .withdrawal, messageID: messageID, payload: payload, now: now))
            return .recorded(stored, current)
        }
        if case .recorded = outcome { wake(partner.name) }
        return outcome
    }

    static func withdrawalReason(_ body: [UInt8]) -> Result<String, ValidationFailure> {
        let json: JSONValue
        do { json = try JSONParser.parse(body) } catch { return .failure(ValidationFailure([ValidationIssue(path: "$", reason: error.description)])) }
        guard case .object(let object) = json else { return .failure(ValidationFailure([ValidationIssue(path: "$", reason: "a withdrawal is {\"reason\": \"…\"}")])) }
        var issues: [ValidationIssue] = []
        for entry in object.entries where entry.key != "reason" {
            issues.append(ValidationIssue(path: "$.\(entry.key)", reason: "is not a member of a withdrawal"))
        }
        guard let reason = object["reason"]?.stringValue else {
            return .failure(ValidationFailure(issues + [ValidationIssue(path: "$.reason", reason: "is required: why the applicant withdraws")]))
        }
        let length = reason.unicodeScalars.count
        if length < 1 || length > 1000 { issues.append(ValidationIssue(path: "$.reason", reason: "must be 1–1000 characters, found \(length)")) }
        if reason.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) {
            issues.append(ValidationIssue(path: "$.reason", reason: "must not contain control characters"))
        }
        return issues.isEmpty ? .success(reason) : .failure(ValidationFailure(issues))
    }
}
