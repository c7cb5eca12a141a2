import Foundation
import Logging
import ServiceLifecycle
import TongbanCore
import TongbanHTTPClient
import TongbanMappings
import TongbanPartners
import TongbanStorage

/// Zaoyang never calls back: the gateway asks `GET {base}/api/v1/apas/{unid}/status` for each
/// open case it sent, no more often than `pollInterval` per case and, together with the case
/// deliveries (one shared `RequestPacer`), at most `requestsPerSecond` requests in all, until the
/// case reaches a final status.
final class APASPoller: Service {
    let gateway: Gateway
    let partner: PartnerMapping
    let settings: PartnerConfiguration
    let client: any HTTPClient
    let pacer: RequestPacer
    let logger: Logger

    init(gateway: Gateway, partner: PartnerMapping, settings: PartnerConfiguration, client: any HTTPClient, pacer: RequestPacer, logger: Logger) {
        self.gateway = gateway
        self.partner = partner
        self.settings = settings
        self.client = client
        self.pacer = pacer
        self.logger = logger
    }

    func run() async throws {
        let name = partner.name
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let now = gateway.clock.nowMillis()
            let due = (try? await gateway.store.read { reader in
                try reader.casesDueForPoll(partner: name, now: now, limit: self.settings.requestsPerSecond)
            }) ?? []
            for record in due {
                await pacer.wait()
                await poll(record)
            }
            if due.isEmpty {
                let next = (try? await gateway.store.read { reader in try reader.nextPollTime(partner: name) }) ?? nil
                let wait = min(max((next ?? now + 1000) - now, 50), 1000)
                try? await Task.sleep(for: .milliseconds(wait))
            }
        }
    }

    func poll(_ record: CaseRecord) async {
        guard let unid = record.partnerCaseNumber, let base = settings.baseURL, let appID = settings.appID,
              let secret = gateway.credentials.partners[settings.name]?.appSecret else { return }
        let now = gateway.clock.nowMillis()
        var headers: [HTTPHeader] = []
        for (name, value) in APASSignature.headers(appID: appID, secret: secret, now: now, body: []) { headers.append(HTTPHeader(name, value)) }
        let path = unid.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? unid
        var update: (StatusUpdate, [UInt8], String?)?
        var answered: (status: Int, body: [UInt8])?
        do {
            let response = try await client.execute(HTTPClientRequest(method: "GET", url: "\(base)/api/v1/apas/\(path)/status", headers: headers))
            answered = (response.status, response.body)
            if response.status == 200 {
                switch partner.translate(response.body, direction: .inbound, kind: .status, context: TranslationContext(now: Gateway.timestamp(now))) {
                case .success(let canonical):
                    if let value = try? StatusUpdate.validate(JSONParser.parse(canonical)).get() {
                        let code = (try? JSONParser.parse(response.body))?["data"]?["handlestate"]?.stringValue
                        update = (value, canonical, code)
                    }
                case .failure(let failure):
                    logger.warning("status poll answer refused", metadata: ["case": "\(record.id)", "issues": "\(failure.issues.count)", "first": "\(failure.issues.first?.path ?? "")"])
                }
            } else {
                logger.warning("status poll failed", metadata: ["case": "\(record.id)", "http": "\(response.status)"])
            }
        } catch {
            logger.warning("status poll failed", metadata: ["case": "\(record.id)", "error": "\(error)"])
        }
        let origin = gateway.configuration.local.name
        let interval = settings.pollInterval.milliseconds
        let partnerName = partner.name
        let received = update
        // The poll is a message out: logged with the answer, in the transaction that keeps its result.
        let logged = MessageLogDraft(
            at: now, direction: .outbound, party: partnerName, route: "GET \(DeliveryService.path(of: "\(base)/api/v1/apas/\(path)/status"))",
            caseID: record.id, answerDigest: answered.map { MessageLogEntry.digest($0.body) }, httpStatus: answered?.status,
            result: received?.2 ?? (answered == nil ? "no answer" : "no status"), actor: "worker")
        do {
            let applied = try await gateway.store.write { writer -> Bool in
                _ = try writer.appendLog(logged)
                var applied = false
                // A poll answers with the status the case is in now: the same answer as last time
                // is no news and is not kept (it would add a history row per poll for days).
                if let (status, canonical, code) = received, let before = try writer.caseRecord(id: record.id),
                   StatusChange.evaluateSnapshot(current: before.status.flatMap(CaseStatus.init(rawValue:))
                                                     .map { ($0, Gateway.timestamp(before.statusAt ?? before.createdAt)) },
                                                 update: status) != .duplicate {
                    let stored = try Gateway.recordPartnerStatus(status, canonical: canonical, partnerCode: code, partner: partnerName,
                                                                 origin: origin, writer: writer, now: now, snapshot: true)
                    applied = stored?.outcome == .applied
                }
                guard var current = try writer.caseRecord(id: record.id) else { return applied }
                let final = current.status.flatMap(CaseStatus.init(rawValue:))?.isFinal ?? false
                current.nextPollAt = final ? nil : now + interval
                try writer.updateCase(current)
                return applied
            }
            if applied { gateway.wake(Gateway.localDestination) }
        } catch {
            logger.error("cannot record a status poll", metadata: ["case": "\(record.id)", "error": "\(error)"])
        }
    }
}
