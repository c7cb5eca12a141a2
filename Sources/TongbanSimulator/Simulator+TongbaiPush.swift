import TongbanCore
import TongbanHTTPClient
import TongbanMappings
import TongbanPartners
import TongbanXML

/// 桐柏 calling the gateway: `ZT` status notices for the cases it holds, and its own
/// residents' cases, each POSTed to `{gateway}/partners/henan-tongbai/kstb/v2/receive` in
/// GB18030 and resent until the receipt says `JG` 0 or 3.
extension Simulator {
    /// Makes the notices of the steps that became due and sends every unacknowledged one.
    /// Real Tongbai resends hourly for 72 hours; the simulator resends at every step, up to
    /// `statusAttemptLimit` times.
    func pushTongbaiStatuses() async {
        let faults = await state.faultSettings(.tongbai)
        guard !faults.down else { return }
        let now = clock.nowMillis()
        let outgoing = await state.withBook(.tongbai) { book in
            book.issueDueStatuses(at: now) { held, step in self.tongbaiNotice(held, step: step) }
            return book.statusesToSend(outOfOrder: faults.outOfOrder)
        }
        let copies = faults.duplicates ? 2 : 1
        let limit = configuration.statusAttemptLimit
        for message in outgoing {
            var verdict = PartnerBook.StatusVerdict.retry
            for _ in 0..<copies {
                if await postKSTB(message.payload, number: message.messageID).isTaken { verdict = .taken }
            }
            let settled = verdict
            await state.withBook(.tongbai) { $0.settle(message.messageID, copies: copies, verdict: settled, attemptLimit: limit) }
        }
    }

    /// The `ZT` notice of one step: the canonical status through Tongbai's `outbound-status`
    /// mapping, then addressed from Tongbai (`FSF`) to 随县 (`JSF`), since that mapping is
    /// written for the gateway's direction. Nil (logged) when the notice cannot be made.
    func tongbaiNotice(_ held: HeldCase, step: Int) -> OutgoingStatus? {
        let canonical = held.progression.canonical(step: step, caseNumber: held.caseNumber, handlerCaseNumber: held.partnerCaseNumber,
                                                   partnerRegion: localDivision)
        switch tongbai.translate(canonical.serialized(), direction: .outbound, kind: .status, context: TranslationContext(now: clock.timestamp())) {
        case .success(let bytes):
            do {
                var message = KSTBMessage(try XMLCodec.parse(bytes))
                message.setText(held.region, "BWT", "FSF")
                message.setText(localDivision, "BWT", "JSF")
                let payload = try XMLCodec.serialize(message.tree, encoding: tongbai.agreement.encoding.rawValue, prefixes: [KSTBReceipt.namespace: ""])
                let issues = tongbai.partnerSchemaIssues(payload, kind: .status)
                guard issues.isEmpty, let number = message.messageNumber else {
                    logger.error("Tongbai status notice fails the XSD", metadata: ["case": "\(held.caseNumber)", "at": "\(Self.issuePaths(issues))"])
                    return nil
                }
                return OutgoingStatus(caseNumber: held.caseNumber, messageID: number, payload: payload)
            } catch {
                logger.error("cannot write a Tongbai status notice", metadata: ["case": "\(held.caseNumber)", "error": "\(error)"])
                return nil
            }
        case .failure(let failure):
            logger.error("cannot map a Tongbai status", metadata: ["case": "\(held.caseNumber)", "at": "\(Self.issuePaths(failure.issues))"])
            return nil
        }
    }

    /// Sends a Tongbai own case until the gateway takes or refuses it for good.
    func sendTongbaiOwnCase(_ ownCase: OwnCase) async {
        let outcome = await postKSTB(ownCase.payload, number: ownCase.messageID)
        let (result, refusal): (OwnCase.State, String?) = switch outcome {
        case .answered(let receipt) where receipt.result == .accepted || receipt.result == .duplicate: (.accepted, nil)
        case .answered(let receipt) where receipt.result == .malformed || receipt.result == .matterNotInAgreement:
            (.refused, "JG=\(receipt.result.rawValue) \(receipt.message)")
        default: (.pending, nil)
        }
        let gatewayNumber = outcome.receipt?.caseNumber
        await state.withBook(.tongbai) { $0.settleOwn(ownCase.caseNumber, state: result, gatewayCaseNumber: gatewayNumber, refusal: refusal) }
    }

    /// POSTs one KSTB document to the gateway.
    func postKSTB(_ payload: [UInt8], number: String) async -> KSTBDelivery {
        let request = HTTPClientRequest(method: "POST", url: gatewayURL(.tongbai, "kstb/v2/receive"),
                                        headers: [HTTPHeader("Content-Type", "application/xml; charset=GB18030")], body: payload)
        guard let response = await call(request) else { return .noAnswer }
        guard response.status == 200, let receipt = KSTBReceipt.parse(response.body), receipt.messageNumber == number else {
            return .failed(status: response.status)
        }
        return .answered(receipt)
    }
}

/// How a KSTB POST to the gateway ended.
enum KSTBDelivery {
    case answered(KSTBReceipt)
    /// An HTTP answer without a receipt for this message (503, 429, …).
    case failed(status: Int)
    /// No HTTP answer at all.
    case noAnswer

    var receipt: KSTBReceipt? {
        if case .answered(let receipt) = self { return receipt }
        return nil
    }

    /// `JG` 0 or 3: the gateway has the message.
    var isTaken: Bool { receipt.map { $0.result == .accepted || $0.result == .duplicate } ?? false }
}
