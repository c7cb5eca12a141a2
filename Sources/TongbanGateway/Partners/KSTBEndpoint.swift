import Hummingbird
import TongbanCore
import TongbanMappings
import TongbanPartners
import TongbanStorage
import TongbanXML

/// 桐柏's side of KSTB 2.1 at the gateway: `POST …/kstb/v2/receive` takes status notices (`ZT`)
/// for cases the local windows sent, and Tongbai's own cases (`SB`, `BZ`, `CH`). Every message
/// is answered HTTP 200 with a `KSTBHZ` receipt; a `BWBH` seen before gets `JG=3` with the
/// original answer's `YWLSH` and is not processed again. A new message that cannot be stored (the
/// disk nearly or really full) gets `JG=9` (busy: resend later) and `Retry-After`. With TLS on
/// the listener, only a caller presenting one of 桐柏's client certificates gets this far
/// (`ClientCertificateMiddleware`, `certificateRefusal`).
struct KSTBEndpoint: Sendable {
    let gateway: Gateway
    let partner: PartnerMapping
    static let maximumBody = 10 << 20
    static let namespace = KSTBReceipt.namespace

    func register(on group: RouterGroup<GatewayRouter.Context>) {
        group.post("kstb/v2/receive") { request, _ in
            let receipt = try await self.receive(request.bytes(limit: Self.maximumBody))
            MessageNote.current?.identify(messageID: receipt.messageNumber.isEmpty ? nil : receipt.messageNumber, result: "JG \(receipt.result.rawValue)")
            let headers: HTTPFields = receipt.result == .busy ? [.retryAfter: "\(StorageShortage.retryAfterSeconds)"] : [:]
            return Reply.bytes(receipt.bytes, contentType: "application/xml; charset=UTF-8", headers: headers)
        }
    }

    /// A call without 桐柏's client certificate, or with another one, while the listener speaks
    /// TLS: HTTP 403 with a `JG=1` receipt saying why, its `BWBH` empty because the message is
    /// not read. Not the usual 200: nothing was taken, and what needs fixing is the sender's
    /// certificate, not its message.
    /// From an address locked for failing authentication too often, the same receipt with HTTP
    /// 429 and `Retry-After`, which KSTB reads as "not taken, resend later".
    @Sendable static func certificateRefusal(_ refusal: ClientCertificateRefusal) -> Response {
        let message = switch refusal {
        case .missing: "未出示客户端证书：本接口要求双向 TLS 认证，报文未接收"
        case .notThisPartner: "客户端证书不是本接口约定的证书，报文未接收"
        case .addressLocked(let lock): "本地址认证失败次数过多：\(lock.retryAfterSeconds) 秒内未出示本接口约定证书的报文一律不接收"
        }
        var status = HTTPResponse.Status.forbidden, headers = HTTPFields()
        if case .addressLocked(let lock) = refusal { (status, headers) = (.tooManyRequests, Reply.retryAfter(lock)) }
        return Reply.bytes(KSTBReceipt(messageNumber: "", result: .malformed, message: message).bytes,
                           contentType: "application/xml; charset=UTF-8", status: status, headers: headers)
    }

    func receive(_ body: [UInt8]) async throws -> KSTBReceipt {
        let tree: XMLTree
        do { tree = try XMLCodec.parse(body, maxBytes: Self.maximumBody) } catch {
            return KSTBReceipt(messageNumber: "", result: .malformed, message: "报文无法解析: \(error)")
        }
        func child(_ element: XMLTree.Element?, _ name: String) -> XMLTree.Element? {
            element?.firstChild(named: XMLQName(name, namespace: Self.namespace))
        }
        let header = child(tree.root, "BWT")
        guard let number = child(header, "BWBH")?.text, !number.isEmpty, let type = child(header, "YWLX")?.text else {
            return KSTBReceipt(messageNumber: "", result: .malformed, message: "报文头缺少 BWBH 或 YWLX")
        }
        let name = partner.name
        if let earlier = try await gateway.store.read({ reader in try reader.inboundMessage(partner: name, messageID: number) }) {
            let original = KSTBReceipt.parse(earlier.answer)
            return KSTBReceipt(messageNumber: number, result: .duplicate, message: "重复报文，已接收", caseNumber: original?.caseNumber)
        }
        do {
            // A message seen before is answered above from its record; a new one needs room.
            try gateway.storageGuard.admit()
            return try await process(body, tree: tree, number: number, type: type)
        } catch {
            guard StorageShortage(error) != nil else { throw error }
            return KSTBReceipt(messageNumber: number, result: .busy, message: "存储空间不足，报文未保存，请稍后重发")
        }
    }

    /// A new message by its `YWLX`.
    func process(_ body: [UInt8], tree: XMLTree, number: String, type: String) async throws -> KSTBReceipt {
        func child(_ element: XMLTree.Element?, _ name: String) -> XMLTree.Element? {
            element?.firstChild(named: XMLQName(name, namespace: Self.namespace))
        }
        let receipt: KSTBReceipt
        switch type {
        case "ZT":
            // Recorded together with its BWBH, in one transaction.
            return try await status(body, number: number, tongbaiCaseNumber: child(child(tree.root, "ZTXX"), "YWLSH")?.text,
                                    code: child(child(tree.root, "ZTXX"), "ZTDM")?.text)
        case "SB", "BZ": receipt = try await newCase(body, number: number)
        case "CH":
            let caseNumber = child(child(tree.root, "SBXX"), "SBLSH")?.text ?? ""
            let reason = child(child(tree.root, "SBXX"), "BZ")?.text
            let at = Timestamp.now()
            if let record = try await gateway.withdrawInboundCase(partner: partner, caseNumber: caseNumber, at: at, reason: reason) {
                receipt = KSTBReceipt(messageNumber: number, result: .accepted, message: "已撤回", caseNumber: record.partnerCaseNumber)
            } else {
                receipt = KSTBReceipt(messageNumber: number, result: .malformed, message: "SBLSH \(caseNumber) 无对应办件")
            }
        default:
            receipt = KSTBReceipt(messageNumber: number, result: .malformed, message: "YWLX \(type) 不是 SB、BZ、CH 或 ZT")
        }
        if receipt.result == .accepted {
            // Taking a case or a withdrawal twice changes nothing (both are idempotent), so a
            // concurrent resend that remembered the BWBH first is no loss.
            try? await remember(number, receipt)
        }
        return receipt
    }

    func remember(_ number: String, _ receipt: KSTBReceipt) async throws {
        let record = InboundMessageRecord(partner: partner.name, messageID: number, caseID: nil, answer: receipt.bytes, receivedAt: gateway.clock.nowMillis())
        try await gateway.store.write { writer in try writer.insertInboundMessage(record) }
    }

    func status(_ body: [UInt8], number: String, tongbaiCaseNumber: String?, code: String?) async throws -> KSTBReceipt {
        let now = gateway.clock.nowMillis()
        let canonical: [UInt8]
        switch partner.translate(body, direction: .inbound, kind: .status, context: TranslationContext(now: Gateway.timestamp(now))) {
        case .success(let bytes): canonical = bytes
        case .failure(let failure):
            return KSTBReceipt(messageNumber: number, result: .malformed, message: failure.issues.summary)
        }
        let update = try StatusUpdate.validate(JSONParser.parse(canonical)).get()
        let receipt = KSTBReceipt(messageNumber: number, result: .accepted, message: "成功", caseNumber: tongbaiCaseNumber)
        switch try await gateway.receivePartnerStatus(update, canonical: canonical, partnerCode: code, partner: partner.name,
                                                      messageID: number, answer: receipt.bytes) {
        case .recorded: return receipt
        case .repeated: return KSTBReceipt(messageNumber: number, result: .duplicate, message: "重复报文，已接收", caseNumber: tongbaiCaseNumber)
        case .unknownCase: return KSTBReceipt(messageNumber: number, result: .malformed, message: "SBLSH \(update.caseNumber) 无对应办件")
        }
    }

    func newCase(_ body: [UInt8], number: String) async throws -> KSTBReceipt {
        switch try await gateway.acceptInboundCase(body, partner: partner) {
        case .accepted(let record, _):
            return KSTBReceipt(messageNumber: number, result: .accepted, message: "成功", caseNumber: record.partnerCaseNumber)
        case .refused(let issues, let matterUnknown):
            return KSTBReceipt(messageNumber: number, result: matterUnknown ? .matterNotInAgreement : .malformed, message: issues.summary)
        case .conflict(let reason):
            return KSTBReceipt(messageNumber: number, result: .malformed, message: reason)
        }
    }
}
