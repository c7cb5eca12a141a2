import Hummingbird
import TongbanCore
import TongbanMappings
import TongbanPartners
import TongbanStorage

/// 枣阳's side of APAS v1 at the gateway: Zaoyang submits its own cases and polls their status,
/// every request signed with its appId. A bad signature, a timestamp more than 300 s off or a
/// nonce used in the last 600 s is refused with HTTP 401 and `code` 4011; a `projid` already
/// received is answered 4003 with the original `unid`; beyond its rate limit (10 a second, its
/// own document's figure) a signed call gets HTTP 429 with `code` 5000.
struct APASEndpoint: Sendable {
    let gateway: Gateway
    let partner: PartnerMapping
    let settings: PartnerConfiguration
    static let maximumBody = 2 << 20

    func register(on group: RouterGroup<GatewayRouter.Context>) {
        group.post("api/v1/apas/submit") { request, context in
            let body = try await request.bytes(limit: Self.maximumBody)
            if let refusal = try await self.refusal(request, context, body: body) { return refusal }
            do {
                return try await self.submit(body)
            } catch {
                guard let shortage = StorageShortage(error) else { throw error }
                return Self.busy(shortage)
            }
        }
        group.get("api/v1/apas/:unid/status") { request, context in
            if let refusal = try await self.refusal(request, context, body: []) { return refusal }
            return try await self.status(unid: context.parameters.require("unid"))
        }
    }

    static func answer(_ answer: APASAnswer, status: HTTPResponse.Status = .ok) -> Response {
        Reply.bytes(answer.bytes, contentType: "application/json", status: status)
    }

    /// Nothing stored for lack of room: `5000` with HTTP 503 and `Retry-After`, which APAS
    /// senders resend later.
    static func busy(_ shortage: StorageShortage) -> Response {
        Reply.bytes(APASAnswer(.internalError, shortage.description).bytes, contentType: "application/json", status: .serviceUnavailable,
                    headers: [.retryAfter: "\(StorageShortage.retryAfterSeconds)"])
    }

    /// A call without the client certificate `clientSubjects` names for 枣阳, when it names one:
    /// refused like a bad signature (HTTP 401, `code` 4011), before the signature is looked at.
    @Sendable static func certificateRefusal(_ refusal: ClientCertificateRefusal) -> Response {
        if case .addressLocked(let lock) = refusal { return addressLocked(lock, refusal.reason) }
        return answer(APASAnswer(.signatureRefused, refusal.reason), status: .unauthorized)
    }

    /// A refused signature or certificate from an address locked for failing too often: still
    /// `code` 4011 (resending unchanged fails again), with HTTP 429 and `Retry-After`, as APAS
    /// answers calls it will not take for a while.
    static func addressLocked(_ lock: AddressLockout.Lock, _ reason: String) -> Response {
        Reply.bytes(APASAnswer(.signatureRefused, "本地址认证失败次数过多，\(lock.retryAfterSeconds) 秒内签名错误的请求一律拒绝：\(reason)").bytes,
                    contentType: "application/json", status: .tooManyRequests, headers: Reply.retryAfter(lock))
    }

    /// The 401 answer for a request whose signature, timestamp or nonce fails (a 429 once its
    /// address is locked, not kept in the message log), or the 429 for one beyond 枣阳's rate
    /// limit; nil when it passes.
    func refusal(_ request: Request, _ context: GatewayRouter.Context, body: [UInt8]) async throws -> Response? {
        let now = gateway.clock.nowMillis()
        do throws(APASSignature.Refusal) {
            let signed = try APASSignature.SignedRequest { name in
                request.headers.first { $0.name.canonicalName == name.lowercased() }?.value
            }
            let secrets = gateway.credentials.partners[partner.name]?.partnerSecrets ?? []
            guard signed.appID == settings.partnerAppID, let current = secrets.first else { throw .unknownApp(signed.appID) }
            do {
                try signed.verify(secret: current, body: body, now: now)
            } catch {
                // While a rotation overlaps, the previous secret is accepted too; the current one's refusal stands otherwise.
                guard secrets.dropFirst().contains(where: { (try? signed.verify(secret: $0, body: body, now: now)) != nil }) else { throw error }
            }
            let name = partner.name
            let fresh: Bool?
            do {
                fresh = try await gateway.store.write { writer in
                    try writer.rememberNonce(partner: name, nonce: signed.nonce, at: now, forgetBefore: now - APASSignature.nonceMemoryMillis)
                }
            } catch {
                // Unremembered, the nonce could be replayed: a full disk refuses the call, as busy.
                if let shortage = StorageShortage(error) { return Self.busy(shortage) }
                fresh = nil
            }
            guard fresh == true else { throw .replayedNonce }
            // Only a proven caller spends 枣阳's budget; its nonce stays spent, as for any call.
            return gateway.admit(.partner(partner.name)).map(Reply.rateLimitedAPAS)
        } catch {
            if let lock = gateway.addressLockout.failed(partner.name, from: gateway.clientAddress(request, context)) {
                MessageNote.current?.discard()
                return Self.addressLocked(lock, error.description)
            }
            gateway.logger.warning("signed request refused", metadata: ["partner": "\(partner.name)", "reason": "\(error)"])
            return Self.answer(APASAnswer(.signatureRefused, error.description), status: .unauthorized)
        }
    }

    func submit(_ body: [UInt8]) async throws -> Response {
        let projid = (try? JSONParser.parse(body))?["projid"]?.stringValue
        if let projid {
            let name = partner.name
            if let existing = try await gateway.store.read({ reader in try reader.caseRecord(origin: name, caseNumber: projid) }) {
                return Self.answer(APASAnswer(.duplicate, "projid \(projid) 已受理", unid: existing.partnerCaseNumber))
            }
        }
        try gateway.storageGuard.admit()  // a projid seen before is answered above; a new case needs room
        switch try await gateway.acceptInboundCase(body, partner: partner) {
        case .accepted(let record, let created):
            return Self.answer(created ? APASAnswer(.accepted, "ok", unid: record.partnerCaseNumber)
                                       : APASAnswer(.duplicate, "projid \(record.caseNumber) 已受理", unid: record.partnerCaseNumber))
        case .refused(let issues, let matterUnknown):
            return Self.answer(APASAnswer(matterUnknown ? .matterNotInAgreement : .invalidField, issues.summary))
        case .conflict(let reason):
            return Self.answer(APASAnswer(.invalidField, reason))
        }
    }

    /// The status of a case Zaoyang sent, in Zaoyang's own shape; a case with no report yet is
    /// waiting (待受理).
    func status(unid: String) async throws -> Response {
        let name = partner.name
        let found = try await gateway.store.read { reader -> (CaseRecord, StatusRecord?)? in
            guard let record = try reader.caseRecord(partner: name, partnerCaseNumber: unid, direction: .inbound) else { return nil }
            let latest = try reader.statuses(caseID: record.id).last { $0.outcome == .applied }
            return (record, latest)
        }
        guard let (record, latest) = found else {
            return Self.answer(APASAnswer(.invalidField, "unid \(unid) 不存在"), status: .notFound)
        }
        let canonical: [UInt8]
        if let latest {
            canonical = latest.canonical
        } else {
            var object = JSONObject([("caseNumber", .string(record.caseNumber)), ("status", .string(CaseStatus.received.rawValue)),
                                     ("at", .string(Gateway.timestamp(record.createdAt).rfc3339()))])
            if let ours = record.partnerCaseNumber { object["handlerCaseNumber"] = .string(ours) }
            canonical = JSONValue.object(object).serialized()
        }
        switch partner.translate(canonical, direction: .outbound, kind: .status, context: TranslationContext(now: Gateway.timestamp(gateway.clock.nowMillis()))) {
        case .success(let bytes): return Reply.bytes(bytes, contentType: "application/json")
        case .failure(let failure):
            gateway.logger.error("cannot translate a status for a poll", metadata: ["case": "\(record.id)", "first": "\(failure.issues.first?.description ?? "")"])
            return Self.answer(APASAnswer(.internalError, "status unavailable"), status: .internalServerError)
        }
    }
}
