/// Sends one HTTP request to a partner and returns its answer. The gateway's delivery code talks
/// to this protocol, so tests can stand a recording client in for libcurl.
public protocol HTTPClient: Sendable {
    /// Performs `request`. Throws `HTTPClientError` when no HTTP answer came back (connection
    /// refused, TLS failure, timeout); any HTTP status, 5xx included, is a response.
    func execute(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse
}

public struct HTTPClientRequest: Sendable, Hashable {
    public var method: String
    public var url: String
    /// In order; names as given. `Content-Length` is set by the client.
    public var headers: [HTTPHeader]
    public var body: [UInt8]

    public init(method: String, url: String, headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.method = method; self.url = url; self.headers = headers; self.body = body
    }
}

public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) { self.name = name; self.value = value }
}

public struct HTTPClientResponse: Sendable, Hashable {
    public var status: Int
    public var headers: [HTTPHeader]
    public var body: [UInt8]

    public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.status = status; self.headers = headers; self.body = body
    }

    /// The first header named `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}

/// Why no HTTP answer came back. Every case is worth retrying except `.invalidRequest` and
/// `.configuration`, which fail again unchanged.
public enum HTTPClientError: Error, Sendable, Hashable {
    case invalidRequest(String)
    /// A certificate, key or CA file cannot be used.
    case configuration(String)
    case connect(String)
    case tls(String)
    case timeout(String)
    /// The answer was longer than `maxResponseBytes`.
    case responseTooLarge(Int)
    case transport(String)
    /// The client was shut down before the request ran.
    case shutDown

    public var isRetryable: Bool {
        switch self {
        case .invalidRequest, .configuration: false
        default: true
        }
    }
}
