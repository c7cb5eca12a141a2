#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

extension CurlHTTPClient {
    /// How the client reaches partners. One configuration serves every request of a client, so
    /// partners that need different certificates or proxies get clients of their own.
    public struct Configuration: Sendable, Hashable {
        /// Worker threads, and so the most requests in flight at once. Each thread keeps one curl
        /// handle and with it its open connections, so a partner sees at most this many.
        public var connections: Int
        /// Longest wait for the TCP and TLS handshakes, so a dead host fails fast.
        public var connectTimeout: Duration
        /// Longest time for the whole exchange, connecting included, so a partner that stops
        /// answering cannot hold a worker thread for ever.
        public var totalTimeout: Duration
        /// Proxy URL such as `http://proxy:3128`. `nil` means a direct connection: the
        /// `http_proxy` family of environment variables is ignored, so where requests go is
        /// decided by configuration alone.
        public var proxy: String?
        /// PEM client certificate for partners that require mutual TLS.
        public var clientCertificatePath: String?
        /// PEM private key of `clientCertificatePath`.
        public var clientKeyPath: String?
        /// PEM bundle of the CAs trusted for partner certificates; `nil` trusts the system's.
        public var caBundlePath: String?
        /// Whether the partner's certificate chain and host name are checked. Only a test
        /// against a self-signed partner should turn this off.
        public var verifyPeer: Bool
        /// Longest response body accepted; a longer one is abandoned with
        /// `HTTPClientError.responseTooLarge`, so a misbehaving partner cannot exhaust memory.
        public var maxResponseBytes: Int

        public init(
            connections: Int = 8,
            connectTimeout: Duration = .seconds(10),
            totalTimeout: Duration = .seconds(60),
            proxy: String? = nil,
            clientCertificatePath: String? = nil,
            clientKeyPath: String? = nil,
            caBundlePath: String? = nil,
            verifyPeer: Bool = true,
            maxResponseBytes: Int = 16 << 20
        ) {
            self.connections = connections
            self.connectTimeout = connectTimeout
            self.totalTimeout = totalTimeout
            self.proxy = proxy
            self.clientCertificatePath = clientCertificatePath
            self.clientKeyPath = clientKeyPath
            self.caBundlePath = caBundlePath
            self.verifyPeer = verifyPeer
            self.maxResponseBytes = maxResponseBytes
        }

        /// Fails on values that would make every request fail, so a mistake shows at start-up
        /// rather than at the first delivery.
        func validate() throws(HTTPClientError) {
            guard connections >= 1 else { throw .configuration("connections \(connections): must be at least 1") }
            guard connectTimeout > .zero else { throw .configuration("connectTimeout \(connectTimeout): must be positive") }
            guard totalTimeout > .zero else { throw .configuration("totalTimeout \(totalTimeout): must be positive") }
            guard maxResponseBytes >= 0 else { throw .configuration("maxResponseBytes \(maxResponseBytes): must not be negative") }
            let files = [
                ("clientCertificatePath", clientCertificatePath),
                ("clientKeyPath", clientKeyPath),
                ("caBundlePath", caBundlePath),
            ]
            for case let (name, path?) in files {
                if let problem = Self.problemReading(path) { throw .configuration("\(name) \(path): \(problem)") }
            }
        }

        private static func problemReading(_ path: String) -> String? {
            var info = stat()
            guard stat(path, &info) == 0 else { return errno == ENOENT ? "no such file" : String(cString: strerror(errno)) }
            guard info.st_mode & S_IFMT != S_IFDIR else { return "is a directory" }
            guard access(path, R_OK) == 0 else { return "not readable" }
            return nil
        }
    }
}

extension Duration {
    /// Whole milliseconds, rounded up and at least 1: curl reads 0 as "no timeout".
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        guard seconds < Int64.max / 1000 else { return Int(clamping: Int64.max) }
        return max(1, Int(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000))
    }
}
