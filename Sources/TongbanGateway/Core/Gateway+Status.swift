import TongbanCore
import TongbanMappings
import TongbanStorage

/// What became of a status report.
public enum StatusOutcome: Sendable {
    /// Kept in the case's history; `record.outcome` says whether it changed the current status.
    case recorded(StatusRecord, CaseRecord)
    case invalid([ValidationIssue])
    case notFound
    case conflict(String)
}

extension Gateway {
    /// Keeps `update` in the case's history and, when the lifecycle allows it at that time,
    /// makes it the current status. Out-of-order reports are kept as `stale`, repeats as
    /// `duplicate`, contradictions as `impossible` with the reason: never dropped.
    ///
    /// - Parameter snapshot: the update is a polled snapshot (`StatusChange.evaluateSnapshot`):
    ///   statuses the case passed through between polls may be missing.
    static func record(_ update: StatusUpdate, canonical: [UInt8], partnerCode: String?, source: StatusRecord.Source,
                       on record: inout CaseRecord, writer: any StoreWriter, now: Int64, snapshot: Bool = false) throws -> StatusRecord {
        let current = record.status.flatMap(CaseStatus.init(rawValue:)).map { ($0, timestamp(record.statusAt ?? record.createdAt)) }
        let change = snapshot ? StatusChange.evaluateSnapshot(current: current, update: update) : StatusChange.evaluate(current: current, update: update)
        let outcome: StatusRecord.Outcome
        var note: String?
        switch change {
        case .applied:
            outcome = .applied
            if snapshot, StatusChange.evaluate(current: current, update: update) != .applied {
                note = "polled: the statuses between \(current?.0.rawValue ?? "none") and \(update.status.rawValue) were not observed"
            }
        case .stale: outcome = .stale
        case .duplicate: outcome = .duplicate
        case .impossible(let reason):
            outcome = .impossible
            note = reason
        }
        let at = update.at.epochSeconds * 1000
        let stored = try writer.insertStatus(StatusRecord(
            caseID: record.id, status: update.status.rawValue, partnerCode: partnerCode, at: at, receivedAt: now,
            source: source, outcome: outcome, note: note, canonical: canonical))
        if outcome == .applied {
            record.status = update.status.rawValue
            record.statusAt = at
            if update.status.isFinal { record.nextPollAt = nil }
        }
        if record.partnerCaseNumber == nil, record.direction == .outbound, let number = update.handlerCaseNumber {
            record.partnerCaseNumber = number
        }
        record.updatedAt = now
        try writer.updateCase(record)
        return stored
    }

    /// A partner's status of a case the local windows sent it (a KSTB notice, an APAS poll
    /// answer, a hub batch item). An applied status is passed on to the local system.
    /// Returns nil when no case with the status's `caseNumber` was sent to this partner.
    static func recordPartnerStatus(_ update: StatusUpdate, canonical: [UInt8], partnerCode: String?, partner: String,
                                    origin: String, writer: any StoreWriter, now: Int64, snapshot: Bool = false) throws -> StatusRecord? {
        // Every partner echoes the sender's case number (SBLSH, projid, case_no): that is the key.
        guard var record = try writer.caseRecord(origin: origin, caseNumber: update.caseNumber),
              record.partner == partner, record.direction == .outbound else { return nil }
        let stored = try Self.record(update, canonical: canonical, partnerCode: partnerCode, source: .partner, on: &record, writer: writer,
                                     now: now, snapshot: snapshot)
        if stored.outcome == .applied {
            _ = try writer.insertTransfer(localTransfer(caseID: record.id, kind: .status, payload: canonical, now: now))
        }
        return stored
    }

    /// What became of a partner's status message.
    enum PartnerStatusReceipt: Sendable {
        case recorded
        /// The message id was received before: it was processed then, and is not again.
        case repeated
        /// No case with the status's `caseNumber` was sent to this partner; nothing is kept.
        case unknownCase
    }

    /// A partner's status message (a KSTB notice, a hub batch item): the status is recorded and
    /// its message id remembered with `answer` in one transaction, so a resend, even one arriving
    /// at the same moment, is recognised and never processed twice.
    func receivePartnerStatus(_ update: StatusUpdate, canonical: [UInt8], partnerCode: String?, partner: String,
                              messageID: String, answer: [UInt8]) async throws -> PartnerStatusReceipt {
        let origin = configuration.local.name
        let now = clock.nowMillis()
        let receipt = try await store.write { writer -> PartnerStatusReceipt in
            if try writer.inboundMessage(partner: partner, messageID: messageID) != nil { return .repeated }
            guard try Self.recordPartnerStatus(update, canonical: canonical, partnerCode: partnerCode, partner: partner, origin: origin,
                                               writer: writer, now: now) != nil else { return .unknownCase }
            try writer.insertInboundMessage(InboundMessageRecord(partner: partner, messageID: messageID, caseID: nil, answer: answer, receivedAt: now))
            return .recorded
        }
        if case .recorded = receipt { wake(Self.localDestination) }
        return receipt
    }

    /// The local system's report on a case a partner sent: kept, and when applied, sent back to
    /// the partner its way (pushed for KSTB, on the feed for the hub; APAS partners poll it).
    ///
    /// `caseNumber`, `handlerCaseNumber` and `partnerRegion` may be left out: the case knows them.
    public func reportLocalStatus(caseID: String, body: [UInt8]) async throws -> StatusOutcome {
        let parsed: JSONValue
        do { parsed = try JSONParser.parse(body) } catch { return .invalid([ValidationIssue(path: "$", reason: error.description)]) }
        guard case .object(var object) = parsed else { return .invalid([ValidationIssue(path: "$", reason: "a status is a JSON object")]) }
        guard let found = try await store.read({ reader in try reader.caseRecord(id: caseID) }) else { return .notFound }
        guard found.direction == .inbound else {
            return .conflict("case \(found.caseNumber) was sent by a local window; its status comes from \(found.partner)")
        }
        guard let partner = catalog.partner(named: found.partner), let settings = partnerConfiguration(found.partner) else {
            return .conflict("partner \(found.partner) is not connected on this gateway")
        }
        for (key, value) in [("caseNumber", found.caseNumber), ("handlerCaseNumber", found.partnerCaseNumber)] {
            guard let value else { continue }
            if object[key] == nil || object[key]?.isNull == true {
                object[key] = .string(value)
            } else if object[key]?.stringValue != value {
                return .invalid([ValidationIssue(path: "$.\(key)", reason: "this case's \(key) is \(value)")])
            }
        }
        if object["partnerRegion"] == nil || object["partnerRegion"]?.isNull == true {
            let office = try await store.read { reader in try reader.version(caseID: caseID, version: found.version) }
                .flatMap { try? JSONParser.parse($0.canonical) }?["acceptingOffice"]?["divisionCode"]?.stringValue
            object["partnerRegion"] = .string(Self.region(of: office, among: partner.agreement.divisions))
        }
        let update: StatusUpdate
        switch StatusUpdate.validate(.object(object)) {
        case .success(let value): update = value
        case .failure(let failure): return .invalid(failure.issues)
        }
        let canonical = update.json.serialized()
        let now = clock.nowMillis()
        let messageID = Self.newID()
        var payload: [UInt8]?
        if settings.wireProtocol != .apas {
            switch partner.translate(canonical, direction: .outbound, kind: .status, context: TranslationContext(now: Self.timestamp(now), uuid: messageID)) {
            case .success(let bytes): payload = bytes
            case .failure(let failure): return .invalid(failure.issues)
            }
        }
        let wire = settings.wireProtocol
        let partnerPayload = payload
        let outcome = try await store.write { writer -> StatusOutcome in
            guard var record = try writer.caseRecord(id: caseID) else { return .notFound }
            let stored = try Self.record(update, canonical: canonical, partnerCode: nil, source: .local, on: &record, writer: writer, now: now)
            if stored.outcome == .applied, let payload = partnerPayload {
                _ = try writer.insertTransfer(Gateway.partnerTransfer(caseID: caseID, partner: partner.name, wire: wire, kind: .status, messageID: messageID, payload: payload, now: now))
            }
            return .recorded(stored, record)
        }
        if case .recorded(let stored, _) = outcome, stored.outcome == .applied { wake(partner.name) }
        return outcome
    }

    /// The agreement division a case came from: the one whose code prefix the accepting office's
    /// division code shares (a city for a county office), else the agreement's first.
    static func region(of office: String?, among divisions: [String]) -> String {
        if let office {
            for division in divisions {
                var prefix = Substring(division)
                while prefix.hasSuffix("00") { prefix = prefix.dropLast(2) }
                if office.hasPrefix(prefix) { return division }
            }
        }
        return divisions[0]
    }
}
