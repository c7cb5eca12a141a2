import Hummingbird
import TongbanPartners

/// The `429` each caller gets beyond its rate limit, in its own protocol, always with
/// `Retry-After` in whole seconds. Nothing of the call was done: each partner's interface
/// document reads 429 as "not taken, resend", and so do the windows' clients.
extension Reply {
    /// RFC 9457 problem details: the windows, the operators' API and the hub, whose errors are
    /// problems already.
    static func rateLimited(_ principal: Principal, _ refusal: RateLimiter.Refusal) -> Response {
        noteRefusal()
        return problem(.tooManyRequests, title: "Too many requests",
                       detail: "\(principal) is over its rate limit (\(refusal.limit)): nothing was done; retry after \(refusal.retryAfterSeconds) s",
                       headers: retryAfter(refusal))
    }

    /// 桐柏 (KSTB 2.1): a `KSTBHZ` receipt with `JG=9`, busy, resend later. The body was not read,
    /// so `BWBH` is empty, as in the receipt for a message that cannot be parsed.
    static func rateLimitedKSTB(_ refusal: RateLimiter.Refusal) -> Response {
        noteRefusal()
        let receipt = KSTBReceipt(messageNumber: "", result: .busy,
                                  message: "请求过于频繁（\(refusal.limit.requestsPerSecond) 次/秒），报文未处理，请 \(refusal.retryAfterSeconds) 秒后重发")
        return bytes(receipt.bytes, contentType: "application/xml; charset=UTF-8", status: .tooManyRequests, headers: retryAfter(refusal))
    }

    /// 枣阳 (APAS v1): `code` 5000, resend later, as APAS answers its own rate limit.
    static func rateLimitedAPAS(_ refusal: RateLimiter.Refusal) -> Response {
        noteRefusal()
        let answer = APASAnswer(.internalError, "请求过于频繁：每个 appId 每秒最多 \(refusal.limit.requestsPerSecond) 次，本次请求未处理，请 \(refusal.retryAfterSeconds) 秒后重发")
        return bytes(answer.bytes, contentType: "application/json", status: .tooManyRequests, headers: retryAfter(refusal))
    }

    static func retryAfter(_ refusal: RateLimiter.Refusal) -> HTTPFields {
        [.retryAfter: "\(refusal.retryAfterSeconds)"]
    }

    /// The message log entry of a refused call says why.
    private static func noteRefusal() {
        MessageNote.current?.identify(result: "rate limited")
    }
}
