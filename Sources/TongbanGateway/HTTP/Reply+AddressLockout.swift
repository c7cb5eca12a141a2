import Hummingbird

/// The `429` a locked address gets for a call that failed authentication (`AddressLockout`):
/// the caller's usual refusal, with status 429 and `Retry-After` until the lock ends. The body
/// still says the credentials were refused, so a client that reads only the body is not told
/// to resend unchanged; one that reads the status backs off.
extension Reply {
    /// RFC 9457 problem details: the windows' API, the operations API and the hub.
    static func addressLocked(_ lock: AddressLockout.Lock) -> Response {
        problem(.tooManyRequests, title: "Too many failed authentications",
                detail: "calls from this address failed authentication too often: its calls with wrong credentials are refused for \(lock.retryAfterSeconds) s; nothing was done",
                headers: retryAfter(lock))
    }

    static func retryAfter(_ lock: AddressLockout.Lock) -> HTTPFields {
        [.retryAfter: "\(lock.retryAfterSeconds)"]
    }
}
