import TongbanHTTPClient
import TongbanPartners
import TongbanStorage

/// 桐柏 KSTB 2.1: every message is POSTed to `{base}/kstb/v2/receive` and answered with a
/// `KSTBHZ` receipt whose `JG` decides: 0 and 3 (already received) are delivered, 1 and 2 are
/// permanent, 9 means busy.
struct KSTBChannel: DeliveryChannel {
    var baseURL: String

    func request(for transfer: TransferRecord, now: Int64) -> HTTPClientRequest {
        HTTPClientRequest(method: "POST", url: baseURL + "/kstb/v2/receive",
                          headers: [HTTPHeader("Content-Type", transfer.contentType)], body: transfer.payload)
    }

    func verdict(forSuccess response: HTTPClientResponse, transfer: TransferRecord) -> DeliveryVerdict {
        guard let receipt = KSTBReceipt.parse(response.body) else {
            return .retry(after: nil, code: nil, detail: "HTTP \(response.status) without a KSTBHZ receipt: \(Self.excerpt(response.body))")
        }
        guard receipt.messageNumber == transfer.messageID else {
            return .retry(after: nil, code: receipt.result.rawValue, detail: "the receipt answers BWBH \(receipt.messageNumber), not \(transfer.messageID)")
        }
        let detail = "JG=\(receipt.result.rawValue) \(receipt.message)"
        switch receipt.result {
        case .accepted, .duplicate:
            return .delivered(partnerCaseNumber: receipt.caseNumber, code: receipt.result.rawValue, detail: detail)
        case .malformed, .matterNotInAgreement:
            return .permanent(code: receipt.result.rawValue, detail: detail)
        case .busy:
            return .retry(after: Self.retryAfter(response), code: receipt.result.rawValue, detail: detail)
        }
    }
}
