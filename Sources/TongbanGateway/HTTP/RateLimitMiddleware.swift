import Hummingbird

/// Refuses a call with `429` when its principal's budget is spent (`Gateway.admit`), before any
/// of it is read or done. Placed after the authentication that names the principal, so only a
/// caller that proved who it is spends its own budget; and inside the message log's middleware,
/// so a refused message is logged like any other answer.
struct RateLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let gateway: Gateway
    /// Who the call is from, as established by what ran before; nil: not limited here (the
    /// console's login page, before anyone has signed in).
    let principal: @Sendable (Request) -> Principal?
    /// The 429 in the caller's own protocol.
    let refuse: @Sendable (Principal, RateLimiter.Refusal) -> Response

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let principal = principal(request), let refusal = gateway.admit(principal) {
            return refuse(principal, refusal)
        }
        return try await next(request, context)
    }
}
