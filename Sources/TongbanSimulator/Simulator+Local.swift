import Hummingbird
import TongbanCore

/// 随县's local case system, which the gateway delivers to: `POST /local/cases` takes an
/// inbound case in the canonical JSON (a repeated case number and version is a duplicate,
/// answered 200 again), `POST /local/statuses` a canonical status. Anything that is not valid
/// canonical JSON is answered 422 with the paths at fault.
extension Simulator {
    static let localMaximumBody = 16 << 20

    func addLocalRoutes(to group: RouterGroup<BasicRequestContext>) {
        group.post("cases", use: guarded(.local) { request, _, faults in
            await self.receiveLocalCase(try await request.bytes(limit: Self.localMaximumBody), faults: faults)
        })
        group.post("statuses", use: guarded(.local) { request, _, faults in
            await self.receiveLocalStatus(try await request.bytes(limit: Self.localMaximumBody), faults: faults)
        })
    }

    func receiveLocalCase(_ body: [UInt8], faults: FaultSettings) async -> Response {
        if let fault = faults.draw() { return await localFault(fault) }
        let localCase: LocalCase
        switch (try? JSONParser.parse(body)).map({ LocalCase.validate($0) }) {
        case .success(let value)?: localCase = value
        case .failure(let failure)?: return await refuseLocal(failure.issues)
        case nil: return await refuseLocal([ValidationIssue(path: "$", reason: "not JSON")])
        }
        let (caseNumber, version, origin) = (localCase.caseNumber, localCase.version, localCase.acceptingOffice.divisionCode)
        let isNew = await state.withLocal { records, stats -> Bool in
            stats.localCasesReceived += 1
            let isNew = records.receiveCase(caseNumber, version: version, origin: origin)
            if isNew { stats.casesProcessed += 1 } else { stats.duplicatesRecognised += 1 }
            return isNew
        }
        logger.info("local system got a case", metadata: ["case": "\(caseNumber)", "version": "\(version)", "duplicate": "\(!isNew)"])
        return Reply.json(.object(JSONObject([("caseNumber", .string(caseNumber)), ("duplicate", .bool(!isNew))])))
    }

    func receiveLocalStatus(_ body: [UInt8], faults: FaultSettings) async -> Response {
        if let fault = faults.draw() { return await localFault(fault) }
        let update: StatusUpdate
        switch (try? JSONParser.parse(body)).map({ StatusUpdate.validate($0) }) {
        case .success(let value)?: update = value
        case .failure(let failure)?: return await refuseLocal(failure.issues)
        case nil: return await refuseLocal([ValidationIssue(path: "$", reason: "not JSON")])
        }
        let (caseNumber, status) = (update.caseNumber, update.status.rawValue)
        await state.withLocal { records, stats in
            stats.localStatusesReceived += 1
            records.receiveStatus(caseNumber, status: status)
        }
        return Response(status: .noContent)
    }

    /// HTTP 503 (transient) or 422 (a simulated permanent refusal).
    func localFault(_ fault: InjectedFault) async -> Response {
        await state.countFault(.local)
        switch fault {
        case .transient(let retryAfter, _): return Reply.unavailable(retryAfterSeconds: retryAfter)
        case .permanent: return Reply.json(["error": "refused (simulated fault)"], status: .unprocessableContent)
        }
    }

    /// 422 naming the paths at fault (not the values, which may be personal data).
    func refuseLocal(_ issues: [ValidationIssue]) async -> Response {
        await state.withLocal { _, stats in stats.refusals += 1 }
        return Reply.json(.object(JSONObject([("error", "invalid canonical JSON"), ("paths", .array(issues.map { .string($0.path) }))])),
                          status: .unprocessableContent)
    }
}
