import TongbanCore
import TongbanHTTPClient
import TongbanMappings
import TongbanPartners

/// The hub pushing what it produces: `case.status` envelopes for the cases it took
/// (`POST …/statuses`) and its own residents' cases (`POST …/cases`), in batches of up to 500,
/// resending the items answered `retry: true` and all items of a failed request.
extension Simulator {
    static let hubBatchLimit = 500

    /// Makes the envelopes of the steps that became due and sends every unacknowledged one.
    func pushHubStatuses() async {
        let faults = await state.faultSettings(.hub)
        guard !faults.down else { return }
        if faults.latency > .zero { try? await Task.sleep(for: faults.latency) }
        let now = clock.nowMillis()
        let outgoing = await state.withBook(.hub) { book in
            book.issueDueStatuses(at: now) { held, step in self.hubStatusEnvelope(held, step: step) }
            return book.statusesToSend(outOfOrder: faults.outOfOrder)
        }
        let copies = faults.duplicates ? 2 : 1
        let limit = configuration.statusAttemptLimit
        for start in stride(from: 0, to: outgoing.count, by: Self.hubBatchLimit) {
            let batch = Array(outgoing[start..<min(start + Self.hubBatchLimit, outgoing.count)])
            var verdicts: [String: PartnerBook.StatusVerdict] = [:]
            for _ in 0..<copies {
                for (id, result) in await postHubBatch("statuses", batch.map { ($0.messageID, $0.payload) }) where verdicts[id] != .taken {
                    verdicts[id] = result.verdict
                }
            }
            let settled = verdicts
            await state.withBook(.hub) { book in
                for message in batch {
                    book.settle(message.messageID, copies: copies, verdict: settled[message.messageID] ?? .retry, attemptLimit: limit)
                }
            }
        }
    }

    /// The `case.status` envelope of one step: the canonical status through the hub's
    /// `outbound-status` mapping, then sent from the handling city to 随县, since that mapping
    /// is written for the gateway's direction. Nil (logged) when it cannot be made.
    func hubStatusEnvelope(_ held: HeldCase, step: Int) -> OutgoingStatus? {
        let canonical = held.progression.canonical(step: step, caseNumber: held.caseNumber, handlerCaseNumber: held.partnerCaseNumber,
                                                   partnerRegion: held.region)
        switch hub.translate(canonical.serialized(), direction: .outbound, kind: .status, context: TranslationContext(now: clock.timestamp())) {
        case .success(let bytes):
            guard case .object(var envelope)? = try? JSONParser.parse(bytes), case .object(var header)? = envelope["header"],
                  let id = header["msg_id"]?.stringValue else { return nil }
            header["from"] = .string(held.region)
            header["to"] = .string(localDivision)
            envelope["header"] = .object(header)
            let payload = JSONValue.object(envelope).serialized()
            let issues = hub.partnerSchemaIssues(payload, kind: .status)
            guard issues.isEmpty else {
                logger.error("hub status envelope fails the hub schema", metadata: ["case": "\(held.caseNumber)", "at": "\(Self.issuePaths(issues))"])
                return nil
            }
            return OutgoingStatus(caseNumber: held.caseNumber, messageID: id, payload: payload)
        case .failure(let failure):
            logger.error("cannot map a hub status", metadata: ["case": "\(held.caseNumber)", "at": "\(Self.issuePaths(failure.issues))"])
            return nil
        }
    }

    /// Sends the hub's pending own cases in one batch.
    func sendHubOwnCases(_ cases: [OwnCase]) async {
        guard !cases.isEmpty else { return }
        let results = await postHubBatch("cases", cases.map { ($0.messageID, $0.payload) })
        await state.withBook(.hub) { book in
            for ownCase in cases {
                let result = results[ownCase.messageID]
                let state: OwnCase.State = switch result?.verdict ?? .retry {
                case .taken: .accepted
                case .refused: .refused
                case .retry: .pending
                }
                book.settleOwn(ownCase.caseNumber, state: state, gatewayCaseNumber: nil, refusal: state == .refused ? result?.error ?? "refused" : nil)
            }
        }
    }

    /// POSTs `{"items": […]}` and returns the per-item results by `msg_id`; empty when the
    /// request failed (then every item is to be resent, as is one missing from the answer).
    func postHubBatch(_ path: String, _ items: [(id: String, payload: [UInt8])]) async -> [String: HubMessages.ItemResult] {
        var body = Array(#"{"items":["#.utf8)
        for (index, item) in items.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body += item.payload
        }
        body += Array("]}".utf8)
        guard let response = await call(hubRequest("POST", path, body: body)), response.status == 200,
              let results = HubMessages.parseResults(response.body) else { return [:] }
        return Dictionary(results.map { ($0.messageID, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

extension HubMessages.ItemResult {
    /// `ok` is taken, `retry: true` is to resend, `retry: false` is refused for good.
    var verdict: PartnerBook.StatusVerdict { ok ? .taken : (retry ? .retry : .refused) }
}
