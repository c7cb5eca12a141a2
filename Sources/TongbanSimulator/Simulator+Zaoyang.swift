import Hummingbird
import TongbanCore
import TongbanMappings
import TongbanPartners

/// 枣阳's side of APAS v1: `POST /hubei-zaoyang/api/v1/apas/submit` takes the gateway's signed
/// cases, `GET /hubei-zaoyang/api/v1/apas/{unid}/status` answers the status reached by now.
/// An unknown `unid` is answered HTTP 200 with `code` 4001 (`msg` names the unid): APAS
/// reports every refusal in the body.
extension Simulator {
    static let apasMaximumBody = 2 << 20

    func addZaoyangRoutes(to group: RouterGroup<BasicRequestContext>) {
        group.post("api/v1/apas/submit", use: guarded(.zaoyang) { request, _, faults in
            await self.submitAPAS(try await request.bytes(limit: Self.apasMaximumBody), headers: request.headers, faults: faults)
        })
        group.get("api/v1/apas/:unid/status", use: guarded(.zaoyang) { request, context, faults in
            await self.statusAPAS(unid: context.parameters.get("unid") ?? "", headers: request.headers, faults: faults)
        })
    }

    /// Checks in Zaoyang's order: rate limit (429), signature, timestamp and nonce (401/4011),
    /// JSON and schema (4001 naming the fields), matter (4002), duplicate `projid` (4003 with
    /// the original `unid`); then the case is taken (`code` 0 with a new `unid`).
    func submitAPAS(_ body: [UInt8], headers: HTTPFields, faults: FaultSettings) async -> Response {
        if let refusal = await admitAPAS(headers: headers, body: body) { return refusal }
        if let fault = faults.draw() { return await apasFault(fault) }
        guard let json = try? JSONParser.parse(body) else {
            return await refuseAPAS(APASAnswer(.invalidField, "请求体不是合法的 JSON"))
        }
        let issues = zaoyang.partnerSchemaIssues(body, kind: .case)
        guard issues.isEmpty, let projid = json["projid"]?.stringValue, let servicecode = json["servicecode"]?.stringValue else {
            return await refuseAPAS(APASAnswer(.invalidField, "字段无效：" + Self.issuePaths(issues)))
        }
        guard zaoyang.matters.toLocal[servicecode] != nil else {
            return await refuseAPAS(APASAnswer(.matterNotInAgreement, "事项 \(servicecode) 不在协议范围内"))
        }
        let now = clock.nowMillis()
        let serviceName = json["servicename"]?.stringValue ?? servicecode
        let region = zaoyang.agreement.divisions[0]
        let step = stepMillis
        let (unid, duplicate) = await state.withBook(.zaoyang) { book -> (String, Bool) in
            if let earlier = book.recallCase(projid) { return (earlier, true) }
            let sequence = book.nextSequence()
            let held = HeldCase(
                caseNumber: projid, partnerCaseNumber: "ZY\(Numbering.day(now))\(Numbering.padded(sequence, width: 6))",
                matter: servicecode, region: region, version: 1,
                progression: .approval(startingAt: now, stepMillis: step, resultName: serviceName + "准予许可决定书",
                                       resultNumber: "ZY-JG-\(Numbering.year(now))-\(Numbering.padded(sequence, width: 6))"))
            return (book.take(held), false)
        }
        if duplicate {
            return Reply.json(APASAnswer(.duplicate, "重复提交", unid: unid).json)
        }
        logger.info("Zaoyang took a case", metadata: ["case": "\(projid)", "unid": "\(unid)"])
        return Reply.json(APASAnswer(.accepted, "ok", unid: unid).json)
    }

    /// The status reached by now, through Zaoyang's `outbound-status` mapping, which writes
    /// exactly the answer shape of `sample-status.json`.
    func statusAPAS(unid: String, headers: HTTPFields, faults: FaultSettings) async -> Response {
        if let refusal = await admitAPAS(headers: headers, body: []) { return refusal }
        if let fault = faults.draw() { return await apasFault(fault) }
        guard let held = await state.withBook(.zaoyang, { $0.held(partnerCaseNumber: unid) }) else {
            return await refuseAPAS(APASAnswer(.invalidField, "unid \(unid) 不存在"))
        }
        let now = clock.nowMillis()
        let step = held.progression.dueCount(at: now) - 1
        let canonical = held.progression.canonical(step: step, caseNumber: held.caseNumber, handlerCaseNumber: held.partnerCaseNumber, partnerRegion: nil)
        switch zaoyang.translate(canonical.serialized(), direction: .outbound, kind: .status, context: TranslationContext(now: clock.timestamp())) {
        case .success(let answer):
            await state.withBook(.zaoyang) { $0.stats.statusPolls += 1 }
            return Reply.bytes(answer, contentType: "application/json")
        case .failure(let failure):
            logger.error("cannot map a Zaoyang status", metadata: ["case": "\(held.caseNumber)", "at": "\(Self.issuePaths(failure.issues))"])
            return Reply.json(APASAnswer(.internalError, "系统内部错误").json)
        }
    }

    /// Nil when the request is within the rate limit and properly signed by the gateway's
    /// appId with a fresh nonce; otherwise the refusal to send.
    func admitAPAS(headers: HTTPFields, body: [UInt8]) async -> Response? {
        let now = clock.nowMillis()
        func header(_ name: String) -> String? { headers.first { $0.name.canonicalName == name.lowercased() }?.value }
        guard await state.admitRequest(appID: header("X-App-Id") ?? "", at: now) else {
            await state.withBook(.zaoyang) { $0.stats.rateLimited += 1 }
            return Reply.json(APASAnswer(.internalError, "请求过于频繁：每个 appId 每秒最多 \(configuration.zaoyangRequestsPerSecond) 次").json,
                              status: .tooManyRequests, headers: [.retryAfter: "1"])
        }
        let credentials = configuration.zaoyang
        do throws(APASSignature.Refusal) {
            let signed = try APASSignature.SignedRequest(header: header)
            guard signed.appID == credentials.gatewayAppID else { throw .unknownApp(signed.appID) }
            try signed.verify(secret: Array(credentials.gatewaySecret.utf8), body: body, now: now)
            guard await state.admitNonce(signed.nonce, at: now) else { throw .replayedNonce }
            return nil
        } catch {
            await state.withBook(.zaoyang) { $0.stats.signatureRefusals += 1 }
            logger.info("Zaoyang refused a signature", metadata: ["reason": "\(error)"])
            return Reply.json(APASAnswer(.signatureRefused, error.description).json, status: .unauthorized)
        }
    }

    /// HTTP 503 or `code` 5000 (transient), or `code` 4001 (a simulated permanent refusal).
    func apasFault(_ fault: InjectedFault) async -> Response {
        await state.countFault(.zaoyang)
        switch fault {
        case .transient(let retryAfter, let inBand):
            guard inBand else { return Reply.unavailable(retryAfterSeconds: retryAfter) }
            return Reply.json(APASAnswer(.internalError, "系统内部错误（模拟故障）").json)
        case .permanent:
            return Reply.json(APASAnswer(.invalidField, "字段 projid 无效（模拟故障）").json)
        }
    }

    func refuseAPAS(_ answer: APASAnswer) async -> Response {
        await state.withBook(.zaoyang) { $0.stats.refusals += 1 }
        logger.info("Zaoyang refused a request", metadata: ["code": "\(answer.code)", "msg": "\(answer.message)"])
        return Reply.json(answer.json)
    }
}
