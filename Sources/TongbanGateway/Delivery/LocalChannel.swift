import TongbanHTTPClient
import TongbanStorage

/// The local system's own endpoint: inbound cases (and their supplements) are POSTed to
/// `{endpoint}/cases`, statuses to `{endpoint}/statuses`, as canonical JSON. Any 2xx takes it.
struct LocalChannel: DeliveryChannel {
    var endpoint: String

    func request(for transfer: TransferRecord, now: Int64) -> HTTPClientRequest {
        let path = switch transfer.kind {
        case .case, .supplement: "/cases"
        case .status, .withdrawal: "/statuses"
        }
        return HTTPClientRequest(method: "POST", url: endpoint + path,
                                 headers: [HTTPHeader("Content-Type", transfer.contentType), HTTPHeader("X-Tongban-Case", transfer.caseID)],
                                 body: transfer.payload)
    }

    func verdict(forSuccess response: HTTPClientResponse, transfer: TransferRecord) -> DeliveryVerdict {
        .delivered(partnerCaseNumber: nil, code: nil, detail: "HTTP \(response.status)")
    }
}
