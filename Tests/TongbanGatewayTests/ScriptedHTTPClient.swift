import Synchronization
import TongbanHTTPClient

/// Answers deliveries from a script instead of the network and keeps every request it got.
final class ScriptedHTTPClient: HTTPClient {
    private let script: Mutex<[Result<HTTPClientResponse, HTTPClientError>]>
    private let fallback: @Sendable (HTTPClientRequest) -> Result<HTTPClientResponse, HTTPClientError>
    private let received = Mutex<[HTTPClientRequest]>([])

    init(_ script: [Result<HTTPClientResponse, HTTPClientError>] = [],
         fallback: @escaping @Sendable (HTTPClientRequest) -> Result<HTTPClientResponse, HTTPClientError> = { _ in .failure(.connect("no script")) }) {
        self.script = Mutex(script)
        self.fallback = fallback
    }

    var requests: [HTTPClientRequest] { received.withLock { $0 } }

    func execute(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
        received.withLock { $0.append(request) }
        let next = script.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        return try (next ?? fallback(request)).get()
    }
}
