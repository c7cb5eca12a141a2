import Hummingbird
import TongbanCore
import TongbanMappings
import TongbanPartners
import TongbanStorage

/// The 襄十随神 hub's side at the gateway. The hub only calls out, so the gateway offers it a feed
/// (`GET …/feed?after=&limit=`) of cases and statuses, which it acknowledges (`POST …/ack`); an
/// item not acknowledged within 10 minutes is handed out again. The hub pushes its statuses and
/// cases in batches (`POST …/statuses`, `POST …/cases`) and gets one result per item.
/// Every call carries one of the hub's bearer tokens (two are valid during a rotation); calls
/// beyond the hub's rate limit are answered 429, a failed request the hub sends again.
struct HubEndpoint: Sendable {
    let gateway: Gateway
    let partner: PartnerMapping
    let settings: PartnerConfiguration
    static let redeliveryAfterMillis: Int64 = 600_000
    static let maximumBody = 16 << 20

    func register(on group: RouterGroup<GatewayRouter.Context>) {
        group.get("feed") { request, context in
            try await self.authorized(request, context) { try await self.feed(request) }
        }
        group.post("ack") { request, context in
            try await self.authorized(request, context) { try await self.ack(request.bytes(limit: Self.maximumBody)) }
        }
        group.post("statuses") { request, context in
            try await self.authorized(request, context) { try await self.batch(request.bytes(limit: Self.maximumBody), statuses: true) }
        }
        group.post("cases") { request, context in
            try await self.authorized(request, context) { try await self.batch(request.bytes(limit: Self.maximumBody), statuses: false) }
        }
    }

    /// A call without the client certificate `clientSubjects` names for the hub, when it names
    /// one: 403, whatever token it carries (the certificate and the token are both required).
    @Sendable static func certificateRefusal(_ refusal: ClientCertificateRefusal) -> Response {
        if case .addressLocked(let lock) = refusal { return Reply.addressLocked(lock) }
        return Reply.problem(.forbidden, title: "Forbidden", detail: refusal.reason)
    }

    /// Runs `body` for a call with one of the hub's tokens, within the hub's rate limit. A call
    /// without one counts against its source address; once that is locked, its refusal is a 429
    /// that the message log does not keep.
    func authorized(_ request: Request, _ context: GatewayRouter.Context, _ body: () async throws -> Response) async throws -> Response {
        guard let token = APIKeyMiddleware.bearerToken(request),
              APIKeyMiddleware.matches(token, gateway.credentials.partners[partner.name]?.tokenDigests ?? []) else {
            if let lock = gateway.addressLockout.failed(partner.name, from: gateway.clientAddress(request, context)) {
                MessageNote.current?.discard()
                return Reply.addressLocked(lock)
            }
            return Reply.problem(.unauthorized, title: "Unauthorized", detail: "send the hub's bearer token", headers: [.wwwAuthenticate: "Bearer"])
        }
        let principal = Principal.partner(partner.name)
        if let refusal = gateway.admit(principal) { return Reply.rateLimited(principal, refusal) }
        return try await body()
    }

    func feed(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        var after: Int64 = 0
        if let text = query.get("after"), !text.isEmpty {
            guard text.utf8.count <= 19, let value = Int64(text), value >= 0 else {
                return Reply.problem(.badRequest, title: "Invalid cursor", detail: "after must be a cursor this feed returned as next")
            }
            after = value
        }
        var limit = 100
        if let text = query.get("limit") {
            guard let value = Int(text), (1...500).contains(value) else {
                return Reply.problem(.badRequest, title: "Invalid limit", detail: "limit must be 1–500")
            }
            limit = value
        }
        let name = partner.name
        let now = gateway.clock.nowMillis()
        let (cursor, pageSize) = (after, limit)
        let items = try await gateway.store.write { writer -> [TransferRecord] in
            // Paused by an operator: an empty page, and nothing handed out again, until resumed.
            guard try writer.pause(destination: name) == nil else { return [] }
            for stale in try writer.unacknowledged(destination: name, handedOutBefore: now - Self.redeliveryAfterMillis) {
                var item = stale
                item.feedSeq = try writer.resequence(transferID: stale.id)
                item.state = .pending
                try writer.updateTransfer(item)
                try writer.holdIfReplayPaused(transferID: item.id)
            }
            var page = try writer.feed(destination: name, after: cursor, limit: pageSize)
            for index in page.indices {
                page[index].state = .offered
                page[index].handedOutAt = now
                page[index].attempts += 1
                try writer.updateTransfer(page[index])
            }
            return page
        }
        let next = items.last?.feedSeq ?? after
        return Reply.bytes(HubMessages.feedPage(items: items.map(\.payload), next: String(next)), contentType: "application/json")
    }

    func ack(_ body: [UInt8]) async throws -> Response {
        guard let ids = (try? JSONParser.parse(body))?["msg_ids"]?.arrayValue?.compactMap(\.stringValue) else {
            return Reply.problem(.badRequest, title: "Invalid acknowledgement", detail: "the body is {\"msg_ids\": [\"…\"]}")
        }
        let name = partner.name
        let now = gateway.clock.nowMillis()
        let (results, acknowledged) = try await gateway.store.write { writer -> ([HubMessages.ItemResult], Int) in
            var acknowledged = 0
            let results = try ids.map { id -> HubMessages.ItemResult in
                guard var transfer = try writer.transfer(destination: name, messageID: id) else { return .failed(id, "unknown msg_id", retry: false) }
                if [.offered, .pending, .held].contains(transfer.state) {
                    acknowledged += 1
                    try writer.insertAttempt(AttemptRecord(transferID: transfer.id, number: max(transfer.attempts, 1), startedAt: transfer.handedOutAt ?? now,
                                                           durationMillis: now - (transfer.handedOutAt ?? now), outcome: .delivered,
                                                           httpStatus: nil, partnerCode: "ack", detail: "acknowledged by the hub"))
                    transfer.state = .delivered
                    transfer.finishedAt = now
                    try writer.updateTransfer(transfer)
                }
                return .ok(id)
            }
            return (results, acknowledged)
        }
        for _ in 0..<acknowledged { gateway.throughput.record(name, at: now) }
        return Reply.bytes(HubMessages.results(results), contentType: "application/json")
    }

    func batch(_ body: [UInt8], statuses: Bool) async throws -> Response {
        guard let items = (try? JSONParser.parse(body))?["items"]?.arrayValue, items.count <= 500 else {
            return Reply.problem(.badRequest, title: "Invalid batch", detail: "the body is {\"items\": [envelope, …]} with at most 500 items")
        }
        var results: [HubMessages.ItemResult] = []
        for item in items {
            do {
                try gateway.storageGuard.admit()
                results.append(try await statuses ? status(item) : newCase(item))
            } catch {
                // Nothing of this item was stored: the hub sends it again (`retry: true`).
                guard let shortage = StorageShortage(error) else { throw error }
                results.append(.failed(item["header"]?["msg_id"]?.stringValue ?? "", shortage.description, retry: true))
            }
        }
        return Reply.bytes(HubMessages.results(results), contentType: "application/json")
    }

    func status(_ item: JSONValue) async throws -> HubMessages.ItemResult {
        guard let id = item["header"]?["msg_id"]?.stringValue else { return .failed("", "header.msg_id is missing", retry: false) }
        let name = partner.name
        if try await gateway.store.read({ reader in try reader.inboundMessage(partner: name, messageID: id) }) != nil { return .ok(id) }
        let now = gateway.clock.nowMillis()
        let canonical: [UInt8]
        switch partner.translate(item.serialized(), direction: .inbound, kind: .status, context: TranslationContext(now: Gateway.timestamp(now))) {
        case .success(let bytes): canonical = bytes
        case .failure(let failure): return .failed(id, failure.issues.summary, retry: false)
        }
        let update = try StatusUpdate.validate(JSONParser.parse(canonical)).get()
        switch try await gateway.receivePartnerStatus(update, canonical: canonical, partnerCode: item["body"]?["state"]?.stringValue,
                                                      partner: name, messageID: id, answer: []) {
        case .recorded, .repeated: return .ok(id)
        case .unknownCase: return .failed(id, "case_no \(update.caseNumber) was not sent to the hub", retry: false)
        }
    }

    func newCase(_ item: JSONValue) async throws -> HubMessages.ItemResult {
        guard let id = item["header"]?["msg_id"]?.stringValue else { return .failed("", "header.msg_id is missing", retry: false) }
        if item["header"]?["msg_type"]?.stringValue == "case.withdraw" {
            let caseNumber = item["body"]?["case_no"]?.stringValue ?? ""
            let at = item["header"]?["sent_at"]?.stringValue.flatMap { Timestamp.parseRFC3339($0) } ?? Timestamp.now()
            let found = try await gateway.withdrawInboundCase(partner: partner, caseNumber: caseNumber, at: at, reason: item["body"]?["reason"]?.stringValue)
            return found == nil ? .failed(id, "case_no \(caseNumber) is unknown", retry: false) : .ok(id)
        }
        switch try await gateway.acceptInboundCase(item.serialized(), partner: partner) {
        case .accepted: return .ok(id)
        case .refused(let issues, _): return .failed(id, issues.summary, retry: false)
        case .conflict(let reason): return .failed(id, reason, retry: false)
        }
    }
}
