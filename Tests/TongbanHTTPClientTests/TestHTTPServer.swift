import Foundation
import TongbanHTTPClient
#if canImport(Glibc)
import Glibc
#endif

/// A request as the test server read it off the wire.
struct ReceivedRequest: Sendable {
    var method: String
    /// The request target as sent: a path, or an absolute URL when sent to a proxy.
    var target: String
    var headers: [HTTPHeader]
    var body: [UInt8]
    /// Which accepted TCP connection carried it, counting from 0.
    var connection: Int

    func header(_ name: String) -> String? { HTTPClientResponse(status: 0, headers: headers).header(name) }
}

/// What the test server answers.
struct CannedResponse: Sendable {
    var status: Int
    var headers: [HTTPHeader] = []
    var body: [UInt8] = []
    /// Sends `100 Continue` with an `X-Interim` header before the real answer.
    var interimContinue = false
    /// Sends no `Content-Length`: the body ends when the server closes the connection.
    var closeDelimited = false
    /// How long the server takes before answering.
    var delay: Duration = .zero
}

/// A minimal blocking HTTP/1.1 server on 127.0.0.1 with keep-alive, one thread per connection,
/// which counts what the client under test cannot see: TCP connections accepted and requests
/// being handled at once.
final class TestHTTPServer: @unchecked Sendable {
    enum Mode {
        /// Accepts connections and answers with the handler.
        case answering
        /// Listens but never accepts: the kernel completes the handshake and nothing answers.
        case silent
        /// Bound but not listening: connecting is refused.
        case refusing
    }

    let port: UInt16
    private let listenSocket: Int32
    private let mode: Mode
    private let handler: @Sendable (ReceivedRequest) -> CannedResponse
    private let lock = NSLock()
    private var stopped = false
    private var openSockets: Set<Int32> = []
    private var accepted = 0
    private var inFlight = 0
    private var maxInFlight = 0
    private var received: [ReceivedRequest] = []

    init(_ mode: Mode = .answering, handler: @escaping @Sendable (ReceivedRequest) -> CannedResponse = { _ in CannedResponse(status: 200) }) throws {
        self.mode = mode
        self.handler = handler
        let listenSocket = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listenSocket = listenSocket
        guard listenSocket >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listenSocket, pointer, length) == 0 && getsockname(listenSocket, pointer, &length) == 0
            }
        }
        guard bound, mode == .refusing || listen(listenSocket, 128) == 0 else {
            close(listenSocket)
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        port = UInt16(bigEndian: address.sin_port)
        if mode == .answering { Thread { [self] in acceptLoop() }.start() }
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    var acceptedConnections: Int { lock.withLock { accepted } }
    var maxConcurrentRequests: Int { lock.withLock { maxInFlight } }
    var requests: [ReceivedRequest] { lock.withLock { received } }

    /// Closes the listening socket and every open connection; the threads then exit.
    func stop() {
        lock.withLock {
            stopped = true
            for socket in openSockets { shutdown(socket, Int32(SHUT_RDWR)) }
        }
        shutdown(listenSocket, Int32(SHUT_RDWR))
        if mode != .answering { close(listenSocket) }
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listenSocket, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                break
            }
            let index: Int? = lock.withLock {
                guard !stopped else { return nil }
                accepted += 1
                openSockets.insert(connection)
                return accepted - 1
            }
            guard let index else { close(connection); break }
            Thread { [self] in serve(connection, index: index) }.start()
        }
        close(listenSocket)
    }

    private func serve(_ connection: Int32, index: Int) {
        var reader = SocketReader(socket: connection)
        defer {
            lock.withLock { _ = openSockets.remove(connection) }
            close(connection)
        }
        // A TLS ClientHello on this plain-HTTP port gets a plain-HTTP answer, as a misconfigured
        // partner would give, which the client must report as a TLS failure.
        if reader.peekFirstByte() == 0x16 {
            send(connection, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            return
        }
        while let request = reader.readRequest(connection: index) {
            lock.withLock {
                received.append(request)
                inFlight += 1
                maxInFlight = max(maxInFlight, inFlight)
            }
            let response = handler(request)
            Thread.sleep(forTimeInterval: response.delay / .seconds(1))
            // Counted down before answering: the client cannot send its next request before
            // this answer, so the count never includes one request twice.
            lock.withLock { inFlight -= 1 }
            var head = ""
            if response.interimContinue { head += "HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n" }
            head += "HTTP/1.1 \(response.status) Status\r\n"
            for header in response.headers { head += "\(header.name): \(header.value)\r\n" }
            head += response.closeDelimited ? "Connection: close\r\n\r\n" : "Content-Length: \(response.body.count)\r\n\r\n"
            let body = request.method == "HEAD" ? [] : response.body
            guard send(connection, Array(head.utf8) + body), !response.closeDelimited else { return }
        }
    }

    @discardableResult
    private func send(_ socket: Int32, _ text: String) -> Bool { send(socket, Array(text.utf8)) }

    private func send(_ socket: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }
}

/// Reads HTTP/1.1 requests with a `Content-Length` body (what curl sends) from a socket.
private struct SocketReader {
    let socket: Int32
    private var buffer: [UInt8] = []

    init(socket: Int32) { self.socket = socket }

    mutating func peekFirstByte() -> UInt8? {
        if buffer.isEmpty { _ = fill() }
        return buffer.first
    }

    mutating func readRequest(connection: Int) -> ReceivedRequest? {
        var headEnd: Int?
        while true {
            headEnd = buffer.firstRange(of: Array("\r\n\r\n".utf8))?.lowerBound
            if headEnd != nil { break }
            guard fill() else { return nil }
        }
        guard let headEnd else { return nil }
        let lines = String(decoding: buffer[..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count == 3 else { return nil }
        let headers = lines.dropFirst().map { line in
            let colon = line.firstIndex(of: ":") ?? line.endIndex
            return HTTPHeader(String(line[..<colon]), line[colon...].dropFirst().trimmingCharacters(in: .whitespaces))
        }
        var request = ReceivedRequest(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: [], connection: connection)
        let length = request.header("Content-Length").flatMap(Int.init) ?? 0
        let bodyStart = headEnd + 4
        while buffer.count < bodyStart + length {
            guard fill() else { return nil }
        }
        request.body = Array(buffer[bodyStart..<bodyStart + length])
        buffer.removeFirst(bodyStart + length)
        return request
    }

    private mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            buffer.append(contentsOf: chunk[..<count])
            return true
        }
    }
}
