import Hummingbird

extension Console {
    /// The signed-in operator a console call counts against: the same budget as their calls to
    /// the operations API. Nil before anyone has signed in (the login form has its own lockout).
    func principal(_ request: Request) -> Principal? {
        session(request).map { .operator($0.name) }
    }

    /// The 429 page, with `Retry-After`.
    func rateLimited(_ principal: Principal, _ refusal: RateLimiter.Refusal) -> Response {
        page("refused", title: "Too many requests", session: nil,
             ["message": "\(principal.name) is over the rate limit (\(refusal.limit)): nothing was done. Wait \(refusal.retryAfterSeconds) s and reload."],
             status: .tooManyRequests, headers: Reply.retryAfter(refusal))
    }
}
