/// `HTTPClient` on libcurl, for partner deliveries: libcurl brings mature HTTP/1.1 and TLS
/// (OpenSSL, client certificates, proxies) without a server-side networking stack.
///
/// Transfers block, so they run on `configuration.connections` threads of the client's own,
/// never on Swift's cooperative pool; `execute` suspends until a thread has run the request.
/// Requests beyond that many wait in a queue, in arrival order. Redirects are not followed (a
/// 3xx is returned as a response) and only `http` and `https` URLs are accepted.
///
/// A cancelled task still waits for its request, which `totalTimeout` bounds.
public final class CurlHTTPClient: HTTPClient {
    public let configuration: Configuration
    private let pool: CurlWorkerPool

    /// Starts the worker threads. Throws `HTTPClientError.configuration` for unusable settings,
    /// such as a certificate, key or CA file that does not exist or cannot be read.
    public init(configuration: Configuration = Configuration()) throws(HTTPClientError) {
        try configuration.validate()
        try CurlGlobal.initialize()
        self.configuration = configuration
        pool = CurlWorkerPool(configuration: configuration)
    }

    /// Lets the threads finish the queued requests and exit, as `shutdown()` does without waiting.
    deinit { pool.beginShutdown() }

    public func execute(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
        try await withCheckedContinuation { pool.submit(request, completion: $0) }.get()
    }

    /// Closes the kept-alive connections (each worker thread before its next request): new
    /// connections read the certificate, key and CA files again. For a rotation: replace the
    /// files at their configured paths, then renew.
    public func renewConnections() {
        pool.renewConnections()
    }

    /// Stops the client gracefully: requests already queued still run to completion, requests
    /// submitted from now on fail with `HTTPClientError.shutDown`. Returns once every worker
    /// thread has exited and closed its connections.
    public func shutdown() async {
        await pool.shutdown()
    }
}
