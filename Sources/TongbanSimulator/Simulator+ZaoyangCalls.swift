import Foundation
import TongbanCore
import TongbanHTTPClient
import TongbanPartners

/// 枣阳 calling the gateway with its own appId: submitting its residents' cases and polling
/// their status until it is final.
extension Simulator {
    /// Submits a Zaoyang own case; `code` 0 or 4003 takes it, 4001/4002/4011 refuse it for
    /// good, anything else leaves it for the next round.
    func sendZaoyangOwnCase(_ ownCase: OwnCase) async {
        let response = await call(signedAPASRequest("POST", gatewayURL(.zaoyang, "api/v1/apas/submit"), body: ownCase.payload))
        let answer = response.flatMap { $0.status == 200 ? APASAnswer.parse($0.body) : nil }
        let result: OwnCase.State
        switch answer.flatMap({ APASAnswer.Code(rawValue: $0.code) }) {
        case .accepted?, .duplicate?: result = .accepted
        case .invalidField?, .matterNotInAgreement?, .signatureRefused?: result = .refused
        default: result = .pending
        }
        let refusal = result == .refused ? answer.map { "code=\($0.code) \($0.message)" } : nil
        await state.withBook(.zaoyang) { $0.settleOwn(ownCase.caseNumber, state: result, gatewayCaseNumber: answer?.unid, refusal: refusal) }
    }

    /// Polls the status of a Zaoyang own case the gateway took, recording a change of
    /// `handlestate`.
    func pollZaoyangOwnCase(_ ownCase: OwnCase) async {
        guard let unid = ownCase.gatewayCaseNumber else { return }
        let path = unid.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? unid
        guard let response = await call(signedAPASRequest("GET", gatewayURL(.zaoyang, "api/v1/apas/\(path)/status"), body: [])),
              response.status == 200, let answer = try? JSONParser.parse(response.body),
              answer["code"]?.integerValue == 0, let code = answer["data"]?["handlestate"]?.stringValue else { return }
        _ = await state.withBook(.zaoyang) { $0.recordOwnStatus(ownCase.caseNumber, code: code, onlyChanges: true) }
    }

    /// Whether a Zaoyang `handlestate` is final, so polling can stop.
    func isFinalZaoyangState(_ code: String?) -> Bool {
        guard let code, case .string(let status)? = zaoyang.codeLists["statuses"]?.toLocal[code] else { return false }
        return CaseStatus(rawValue: status)?.isFinal ?? false
    }

    /// A request signed with Zaoyang's own appId and secret.
    func signedAPASRequest(_ method: String, _ url: String, body: [UInt8]) -> HTTPClientRequest {
        let credentials = configuration.zaoyang
        var headers = APASSignature.headers(appID: credentials.ownAppID, secret: Array(credentials.ownSecret.utf8), now: clock.nowMillis(), body: body)
            .map { HTTPHeader($0.0, $0.1) }
        if method == "POST" { headers.append(HTTPHeader("Content-Type", "application/json")) }
        return HTTPClientRequest(method: method, url: url, headers: headers, body: body)
    }
}
