import TongbanCore
import TongbanMappings
import TongbanPartners
import TongbanStorage

/// What became of a case a partner sent.
public enum InboundCaseOutcome: Sendable {
    /// Committed with its transfer to the local system (or already committed: `created` false).
    case accepted(CaseRecord, created: Bool)
    /// Refused; nothing stored. `matterUnknown` when the agreement does not list the matter,
    /// which some partners answer with a code of its own.
    case refused([ValidationIssue], matterUnknown: Bool)
    /// The number and version are taken by a different body, or the version does not follow.
    case conflict(String)
}

extension Gateway {
    /// Translates a partner's case into the canonical form and commits it with its transfer to
    /// the local system. A later version of a known case is a supplement.
    func acceptInboundCase(_ message: [UInt8], partner: PartnerMapping) async throws -> InboundCaseOutcome {
        let now = clock.nowMillis()
        let canonical: [UInt8]
        switch partner.translate(message, direction: .inbound, kind: .case, context: TranslationContext(now: Self.timestamp(now))) {
        case .success(let bytes): canonical = bytes
        case .failure(let failure):
            let unknownMatter = failure.issues.contains { $0.reason.contains("matters") || $0.path.hasSuffix("matter.code") }
            metrics.countInboundCase(partner: partner.name, outcome: .refused)
            return .refused(failure.issues, matterUnknown: unknownMatter)
        }
        let json = try JSONParser.parse(canonical)
        let caseNumber = json["caseNumber"]!.stringValue!
        let matterCode = json["matter"]!["code"]!.stringValue!
        let local = catalog.local.division
        // KSTB carries no version number: every supplement (BZ) maps to version 2, and the
        // gateway numbers it after the case's latest version.
        let numbersVersions = partnerConfiguration(partner.name)?.wireProtocol == .kstb

        let outcome = try await store.write { writer -> InboundCaseOutcome in
            var version = Int(json["version"]!.integerValue!)
            var canonical = canonical
            if numbersVersions, version > 1, let existing = try writer.caseRecord(origin: partner.name, caseNumber: caseNumber) {
                // The same content as the latest version (a resend under a new BWBH) is that version.
                let sameAsLatest = Self.withVersion(json, existing.version).serialized()
                if try writer.version(caseID: existing.id, version: existing.version)?.digest == Digests.sha256Hex(sameAsLatest) {
                    version = existing.version
                    canonical = sameAsLatest
                } else {
                    version = existing.version + 1
                    canonical = Self.withVersion(json, version).serialized()
                }
            }
            let digest = Digests.sha256Hex(canonical)
            func toLocal(_ caseID: String, _ kind: TransferRecord.Kind) throws {
                _ = try writer.insertTransfer(Gateway.localTransfer(caseID: caseID, kind: kind, payload: canonical, now: now))
            }
            guard var existing = try writer.caseRecord(origin: partner.name, caseNumber: caseNumber) else {
                guard version == 1 else { return .conflict("case \(caseNumber) is unknown here; its first version must be 1") }
                let id = Gateway.newID()
                let ours = "\(local)GW" + id.replacingOccurrences(of: "-", with: "").prefix(14).uppercased()
                let record = try writer.insertCase(
                    CaseRecord(id: id, direction: .inbound, origin: partner.name, partner: partner.name, caseNumber: caseNumber,
                               version: version, matterCode: matterCode, partnerCaseNumber: ours, createdAt: now, updatedAt: now),
                    firstVersion: CaseVersionRecord(caseID: id, version: version, digest: digest, canonical: canonical, createdAt: now))
                try toLocal(id, .case)
                return .accepted(record, created: true)
            }
            if let earlier = try writer.version(caseID: existing.id, version: version) {
                return earlier.digest == digest ? .accepted(existing, created: false)
                    : .conflict("case \(caseNumber) version \(version) was already received with different content")
            }
            guard version == existing.version + 1 else {
                return .conflict("case \(caseNumber) is at version \(existing.version); the next version is \(existing.version + 1)")
            }
            try writer.insertVersion(CaseVersionRecord(caseID: existing.id, version: version, digest: digest, canonical: canonical, createdAt: now))
            existing.version = version
            existing.updatedAt = now
            try writer.updateCase(existing)
            try toLocal(existing.id, .supplement)
            return .accepted(existing, created: true)
        }
        if case .accepted(_, created: true) = outcome { wake(Self.localDestination) }
        countInboundCase(outcome, partner: partner.name)
        return outcome
    }

    static func withVersion(_ json: JSONValue, _ version: Int) -> JSONValue {
        guard case .object(var object) = json else { return json }
        object["version"] = .int(Int64(version))
        return .object(object)
    }

    /// A partner withdrew a case it had sent (KSTB `CH`, hub `case.withdraw`): the case becomes
    /// `withdrawn` and the local system is told. Nil when the partner sent no such case.
    func withdrawInboundCase(partner: PartnerMapping, caseNumber: String, at: Timestamp, reason: String?) async throws -> CaseRecord? {
        let now = clock.nowMillis()
        let result = try await store.write { writer -> CaseRecord? in
            guard var record = try writer.caseRecord(origin: partner.name, caseNumber: caseNumber) else { return nil }
            var object = JSONObject([("caseNumber", .string(caseNumber)), ("status", .string(CaseStatus.withdrawn.rawValue)),
                                     ("at", .string(at.rfc3339())), ("partnerRegion", .string(partner.agreement.divisions[0]))])
            if let number = record.partnerCaseNumber { object["handlerCaseNumber"] = .string(number) }
            if let reason, !reason.isEmpty { object["opinion"] = .string(String(reason.unicodeScalars.prefix(1000))) }
            let update = try StatusUpdate.validate(.object(object)).get()
            let canonical = update.json.serialized()
            let stored = try Self.record(update, canonical: canonical, partnerCode: nil, source: .partner, on: &record, writer: writer, now: now)
            if stored.outcome == .applied {
                _ = try writer.insertTransfer(Gateway.localTransfer(caseID: record.id, kind: .withdrawal, payload: canonical, now: now))
            }
            return record
        }
        if result != nil { wake(Self.localDestination) }
        return result
    }
}
