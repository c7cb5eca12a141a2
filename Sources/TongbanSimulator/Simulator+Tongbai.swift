import Hummingbird
import TongbanCore
import TongbanMappings
import TongbanPartners
import TongbanXML

/// 桐柏's receiving side of KSTB 2.1, `POST /henan-tongbai/kstb/v2/receive`: the gateway's
/// cases (`SB`, supplements `BZ`, withdrawals `CH`) and its status notices (`ZT`) about
/// Tongbai's own cases. Every message is answered HTTP 200 with a `KSTBHZ` receipt.
extension Simulator {
    static let kstbMaximumBody = 10 << 20

    func addTongbaiRoutes(to group: RouterGroup<BasicRequestContext>) {
        group.post("kstb/v2/receive", use: guarded(.tongbai) { request, _, faults in
            await self.receiveKSTB(try await request.bytes(limit: Self.kstbMaximumBody), faults: faults)
        })
    }

    /// Checks in Tongbai's order: the document parses (GB18030 or UTF-8) and has a header, a
    /// known `BWBH` is a duplicate (`JG=3` with the original `YWLSH`), the XSD holds and `JSF`
    /// is Tongbai (`JG=1` otherwise), the matter is in the agreement (`JG=2`); then the message
    /// is processed and `JG=0`.
    func receiveKSTB(_ body: [UInt8], faults: FaultSettings) async -> Response {
        let tree: XMLTree
        do { tree = try XMLCodec.parse(body, maxBytes: Self.kstbMaximumBody) } catch {
            // libxml2's reason may quote the bytes at fault (part of a name or ID number): only the line goes out.
            let place = error.line.map { "（第 \($0) 行）" } ?? ""
            return await refuseKSTB(KSTBReceipt(messageNumber: "", result: .malformed, message: "报文无法解析\(place)"))
        }
        let message = KSTBMessage(tree)
        guard let number = message.messageNumber, let type = message.businessType else {
            return await refuseKSTB(KSTBReceipt(messageNumber: "", result: .malformed, message: "报文头缺少 BWBH 或 YWLX"))
        }
        if let fault = faults.draw() { return await kstbFault(fault, number: number) }
        if let earlier = await state.withBook(.tongbai, { $0.recall(message: number) }) {
            return kstbReply(KSTBReceipt(messageNumber: number, result: .duplicate, message: "重复报文，已接收", caseNumber: earlier.answer))
        }
        let issues = tongbai.partnerSchemaIssues(body, kind: type == "ZT" ? .status : .case)
        guard issues.isEmpty else {
            return await refuseKSTB(KSTBReceipt(messageNumber: number, result: .malformed, message: "报文不符合 KSTB 2.1：" + Self.issuePaths(issues)))
        }
        guard let receiver = message.receiver, tongbai.agreement.divisions.contains(receiver) else {
            return await refuseKSTB(KSTBReceipt(messageNumber: number, result: .malformed, message: "JSF 不是 \(tongbai.agreement.divisions[0])"))
        }
        if type == "ZT" { return await receiveOwnStatus(message, number: number) }
        let caseNumber = message.text("SBXX", "SBLSH") ?? ""
        guard let matter = message.text("SBXX", "SXBM"), tongbai.matters.toLocal[matter] != nil else {
            return await refuseKSTB(KSTBReceipt(messageNumber: number, result: .matterNotInAgreement, message: "事项不在协议范围内"))
        }
        let now = clock.nowMillis()
        let outcome: KSTBOutcome
        switch type {
        case "SB":
            let matterName = message.text("SBXX", "SXMC") ?? matter
            let (region, step) = (tongbai.agreement.divisions[0], stepMillis)
            outcome = await processKSTB(number, caseNumber: caseNumber) { book in
                let sequence = book.nextSequence()
                let year = Numbering.year(now)
                let held = HeldCase(
                    caseNumber: caseNumber, partnerCaseNumber: "TB-\(year)-\(Numbering.padded(sequence, width: 7))",
                    matter: matter, region: region, version: 1,
                    progression: .approval(startingAt: now, stepMillis: step, resultName: matterName + "准予许可决定书",
                                           resultNumber: "HN-TB-\(year)-\(Numbering.padded(sequence, width: 6))"))
                return (book.take(held), true)
            }
            if case .processed(let answer, _) = outcome {
                logger.info("Tongbai took a case", metadata: ["case": "\(caseNumber)", "ywlsh": "\(answer)", "bwbh": "\(number)"])
            }
        case "BZ":
            outcome = await processKSTB(number, caseNumber: caseNumber) { book in
                book.supplement(caseNumber, version: nil).map { ($0, true) }
            }
        case "CH":
            let reason = message.text("SBXX", "BZ").flatMap { $0.isEmpty ? nil : String($0.unicodeScalars.prefix(1000)) } ?? "申请人撤回"
            outcome = await processKSTB(number, caseNumber: caseNumber) { book in
                book.withdraw(caseNumber, at: now, reason: reason).map { ($0.partnerCaseNumber, $0.applied) }
            }
        default:
            return await refuseKSTB(KSTBReceipt(messageNumber: number, result: .malformed, message: "YWLX \(type) 不是 SB、BZ、CH 或 ZT"))
        }
        switch outcome {
        case .duplicate(let answer):
            return kstbReply(KSTBReceipt(messageNumber: number, result: .duplicate, message: "重复报文，已接收", caseNumber: answer))
        case .unknownCase:
            let action = type == "BZ" ? "补正" : "撤回"
            return await refuseKSTB(KSTBReceipt(messageNumber: number, result: .malformed, message: "SBLSH \(caseNumber) 无对应办件，不能\(action)"))
        case .processed(let answer, let applied):
            let text = switch type {
            case "BZ": "补正材料已接收"
            case "CH": applied ? "已撤回" : "已办结，不能撤回"
            default: "成功"
            }
            return kstbReply(KSTBReceipt(messageNumber: number, result: .accepted, message: text, caseNumber: answer))
        }
    }

    /// A `ZT` notice from the gateway about a case Tongbai sent it.
    func receiveOwnStatus(_ message: KSTBMessage, number: String) async -> Response {
        let caseNumber = message.text("ZTXX", "SBLSH") ?? ""
        let code = message.text("ZTXX", "ZTDM") ?? ""
        let handlerNumber = message.text("ZTXX", "YWLSH")
        switch await processKSTB(number, caseNumber: nil, { book in
            book.recordOwnStatus(caseNumber, code: code, onlyChanges: false) ? (handlerNumber ?? "", true) : nil
        }) {
        case .duplicate(let answer):
            return kstbReply(KSTBReceipt(messageNumber: number, result: .duplicate, message: "重复报文，已接收", caseNumber: answer))
        case .unknownCase:
            return await refuseKSTB(KSTBReceipt(messageNumber: number, result: .malformed, message: "SBLSH \(caseNumber) 无对应办件"))
        case .processed:
            return kstbReply(KSTBReceipt(messageNumber: number, result: .accepted, message: "成功", caseNumber: handlerNumber))
        }
    }

    /// Runs `process` on Tongbai's book unless `number` was processed meanwhile, and remembers
    /// it: one step on the actor, so two copies of a message arriving together (a resend after
    /// a timeout) are told apart as a database's unique key would. `process` returns the
    /// `YWLSH` to answer and whether the message changed the case, or nil for an unknown case.
    func processKSTB(_ number: String, caseNumber: String?,
                     _ process: @escaping @Sendable (inout PartnerBook) -> (answer: String, applied: Bool)?) async -> KSTBOutcome {
        await state.withBook(.tongbai) { book in
            if let earlier = book.recall(message: number) { return .duplicate(earlier.answer) }
            guard let (answer, applied) = process(&book) else { return .unknownCase }
            book.remember(message: number, caseNumber: caseNumber, answer: answer.isEmpty ? nil : answer)
            return .processed(answer, applied: applied)
        }
    }

    /// Busy (`JG=9`, or HTTP 503) or a simulated permanent refusal (`JG=1`).
    func kstbFault(_ fault: InjectedFault, number: String) async -> Response {
        await state.countFault(.tongbai)
        switch fault {
        case .transient(let retryAfter, let inBand):
            guard inBand else { return Reply.unavailable(retryAfterSeconds: retryAfter) }
            var headers: HTTPFields = [:]
            if let retryAfter { headers[.retryAfter] = String(retryAfter) }
            return kstbReply(KSTBReceipt(messageNumber: number, result: .busy, message: "系统繁忙，请稍后重发"), headers: headers)
        case .permanent:
            return kstbReply(KSTBReceipt(messageNumber: number, result: .malformed, message: "报文格式错误（模拟故障）"))
        }
    }

    func refuseKSTB(_ receipt: KSTBReceipt) async -> Response {
        await state.withBook(.tongbai) { $0.stats.refusals += 1 }
        logger.info("Tongbai refused a message", metadata: ["bwbh": "\(receipt.messageNumber)", "jg": "\(receipt.result.rawValue)", "xx": "\(receipt.message)"])
        return kstbReply(receipt)
    }

    func kstbReply(_ receipt: KSTBReceipt, headers: HTTPFields = [:]) -> Response {
        Reply.bytes(receipt.bytes, contentType: "application/xml; charset=UTF-8", headers: headers)
    }

    /// The first paths of schema issues, for `XX` and `msg`; the reasons stay out because
    /// libxml2 and JSON Schema messages may quote the offending value (an ID number, a phone).
    static func issuePaths(_ issues: [ValidationIssue]) -> String {
        let paths = issues.prefix(3).map(\.path).joined(separator: "、")
        return issues.count > 3 ? "\(paths) 等 \(issues.count) 处" : paths
    }
}

/// What processing a KSTB message on Tongbai's book came to.
enum KSTBOutcome: Sendable {
    /// The `BWBH` was processed before; the original `YWLSH`.
    case duplicate(String?)
    /// The message's case is not held (a supplement or withdrawal of an unknown `SBLSH`).
    case unknownCase
    case processed(String, applied: Bool)
}
