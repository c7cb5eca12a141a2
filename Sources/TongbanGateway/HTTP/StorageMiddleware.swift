import Hummingbird

/// Answers `503` with `Retry-After` and a problem saying nothing was stored, instead of storing
/// new work while the disk is nearly full (for the `refused` methods) and instead of a bare 500
/// when a write finds the disk full (for every route beneath it). Partner endpoints answer in
/// their own protocols before this is reached; it is their fallback.
struct StorageMiddleware<Context: RequestContext>: RouterMiddleware {
    let gateway: Gateway
    /// The methods that store new work: refused while `gateway.storageGuard` reports a shortage.
    let refused: Set<HTTPRequest.Method>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            if refused.contains(request.method) { try gateway.storageGuard.admit() }
            return try await next(request, context)
        } catch {
            guard let shortage = StorageShortage(error) else { throw error }
            return Reply.storageShortage(shortage)
        }
    }
}

extension Reply {
    /// The problem answered for a shortage, with `Retry-After`.
    static func storageShortage(_ shortage: StorageShortage) -> Response {
        problem(.serviceUnavailable, title: "Storage full", detail: shortage.description,
                headers: [.retryAfter: "\(StorageShortage.retryAfterSeconds)"])
    }
}
