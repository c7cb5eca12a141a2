import TongbanHTTPClient
import TongbanPartners
import TongbanStorage

/// 枣阳 APAS v1: cases are POSTed, signed afresh on every attempt (the timestamp must be within
/// 300 s of the partner's clock and the nonce new), to `{base}/api/v1/apas/submit`. `code` 0 and
/// 4003 (already received) are delivered; 4001, 4002 and 4011 are permanent; 5000 is retried.
struct APASChannel: DeliveryChannel {
    var baseURL: String
    var appID: String
    /// Read at every attempt: a reload (a rotation of the gateway's secret) applies at once.
    var secret: @Sendable () -> [UInt8]

    func request(for transfer: TransferRecord, now: Int64) -> HTTPClientRequest {
        var headers = [HTTPHeader("Content-Type", "application/json")]
        for (name, value) in APASSignature.headers(appID: appID, secret: secret(), now: now, body: transfer.payload) {
            headers.append(HTTPHeader(name, value))
        }
        return HTTPClientRequest(method: "POST", url: baseURL + "/api/v1/apas/submit", headers: headers, body: transfer.payload)
    }

    func verdict(forSuccess response: HTTPClientResponse, transfer: TransferRecord) -> DeliveryVerdict {
        guard let answer = APASAnswer.parse(response.body) else {
            return .retry(after: nil, code: nil, detail: "HTTP \(response.status) without an APAS answer: \(Self.excerpt(response.body))")
        }
        let code = String(answer.code)
        let detail = "code=\(answer.code) \(answer.message)"
        switch APASAnswer.Code(rawValue: answer.code) {
        case .accepted?, .duplicate?:
            return .delivered(partnerCaseNumber: answer.unid, code: code, detail: detail)
        case .invalidField?, .matterNotInAgreement?, .signatureRefused?:
            return .permanent(code: code, detail: detail)
        case .internalError?, nil:
            return .retry(after: Self.retryAfter(response), code: code, detail: detail)
        }
    }
}
