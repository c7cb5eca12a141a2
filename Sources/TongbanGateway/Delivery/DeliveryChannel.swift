import Foundation
import TongbanHTTPClient
import TongbanStorage

/// How one destination takes a transfer: the request to make and how to read its answer. One
/// per wire protocol (and one for the local system); the engine around it is shared.
protocol DeliveryChannel: Sendable {
    func request(for transfer: TransferRecord, now: Int64) -> HTTPClientRequest
    /// Reads a 2xx answer: the destination's own result code decides.
    func verdict(forSuccess response: HTTPClientResponse, transfer: TransferRecord) -> DeliveryVerdict
}

/// What one attempt came to.
enum DeliveryVerdict: Sendable, Equatable {
    /// Taken. `partnerCaseNumber` when the answer assigned one.
    case delivered(partnerCaseNumber: String?, code: String?, detail: String?)
    /// Not taken; try again (not before `after`, when the destination said so).
    case retry(after: Duration?, code: String?, detail: String)
    /// Not taken, and resending it unchanged would fail again.
    case permanent(code: String?, detail: String)
}

extension DeliveryChannel {
    /// The shared reading of HTTP: 2xx goes to the channel, 408/425/429/5xx are retried
    /// (honouring `Retry-After`), any other status is permanent.
    func verdict(for response: HTTPClientResponse, transfer: TransferRecord) -> DeliveryVerdict {
        switch response.status {
        case 200..<300:
            return verdict(forSuccess: response, transfer: transfer)
        case 408, 425, 429, 500..<600:
            return .retry(after: Self.retryAfter(response), code: nil, detail: "HTTP \(response.status): \(Self.excerpt(response.body))")
        default:
            return .permanent(code: nil, detail: "HTTP \(response.status): \(Self.excerpt(response.body))")
        }
    }

    /// `Retry-After` in seconds (the HTTP-date form is not used by these partners), capped at a day.
    static func retryAfter(_ response: HTTPClientResponse) -> Duration? {
        guard let text = response.header("Retry-After")?.trimmingCharacters(in: .whitespaces), let seconds = Int64(text), seconds >= 0 else { return nil }
        return .seconds(min(seconds, 86_400))
    }

    /// The start of an answer, for the attempt log: enough to see what the partner said.
    static func excerpt(_ body: [UInt8], limit: Int = 500) -> String {
        let text = String(decoding: body.prefix(limit), as: UTF8.self)
        return body.count > limit ? text + "…" : text
    }
}
