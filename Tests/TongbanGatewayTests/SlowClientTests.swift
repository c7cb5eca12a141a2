import Foundation
import Logging
import Synchronization
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanStorage
import TongbanTesting

#if canImport(Glibc)
import Glibc
#endif

/// Slow clients against the real listener (`GatewayServer.run`, as `tongban serve` runs it) on
/// raw sockets: a head or a body sent a byte at a time is answered 408 and disconnected once
/// `listen.readTimeout` has passed since its first byte, an idle connection is closed after
/// `listen.idleTimeout`, other clients are served meanwhile, and nothing of a cut-off request is
/// stored. The timeouts are short (2 s and 3 s) and the bounds generous, for a loaded machine.
@Suite("Slow clients: read and idle timeouts", .serialized, .timeLimit(.minutes(2)))
struct SlowClientTests {
    static let readTimeout = 2.0
    static let idleTimeout = 3.0
    /// How much later than its timeout a connection may be closed on a busy machine.
    static let margin = 6.0

    /// Runs a gateway on the harness's database with the test timeouts, then `body` with its port.
    static func withGateway(_ body: (Int, GatewayHarness) async throws -> Void) async throws {
        let harness = try await GatewayHarness(extraYAML: "storage: {minFreeSpace: 0}")
        let yaml = harness.yaml.replacingOccurrences(of: "listen: {host: 127.0.0.1, port: 0}",
                                                     with: "listen: {host: 127.0.0.1, port: 0, readTimeout: 2s, idleTimeout: 3s}")
        let configuration = try GatewayConfiguration.parse(yaml, file: "slow-clients.yaml", environment: [:])
        #expect(configuration.readTimeout == .seconds(2) && configuration.idleTimeout == .seconds(3))
        var logger = Logger(label: "slow-clients")
        logger.logLevel = .critical  // the server's own shutdown on cancellation logs errors that mean nothing here
        let server = GatewayServer(configuration: configuration, logger: logger)
        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await server.run { port in listening.yield(port) }
            }
            var waiting = ports.makeAsyncIterator()
            guard let port = await waiting.next() else { throw RawConnection.Failure("the gateway did not start") }
            do {
                try await body(port, harness)
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }

    @Test("a head sent a byte at a time: 408 and closed after the read timeout; another client is served meanwhile")
    func slowHead() async throws {
        try await Self.withGateway { port, _ in
            let slow = try RawConnection(port: port)
            let started = ContinuousClock.now
            try slow.send("POST /v1/cases HTTP/1.1\r\nHost: gateway\r\n")
            let dripping = Task {
                for byte in Array("X-Slow: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 200) {
                    try await Task.sleep(for: .milliseconds(300))
                    guard (try? slow.send([byte])) != nil else { return }
                }
            }
            try await Task.sleep(for: .milliseconds(700))
            let normal = try await RawConnection.exchange(port: port, "GET /health/live HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n")
            #expect(normal.hasPrefix("HTTP/1.1 200"), "another client is served while the slow one sends: \(normal)")

            let answer = try await slow.readUntilClosed(within: Self.readTimeout + Self.margin)
            let elapsed = ContinuousClock.now - started
            dripping.cancel()
            #expect(answer.closed, "the connection is closed")
            #expect(answer.text.hasPrefix("HTTP/1.1 408"), "\(answer.text)")
            #expect(answer.text.lowercased().contains("connection: close"))
            #expect(elapsed >= .seconds(Self.readTimeout - 0.2), "not before the read timeout: \(elapsed)")
        }
    }

    @Test("a body sent a byte at a time: 408 and closed after the read timeout; the case it carried is not stored, the 408 is logged")
    func slowBody() async throws {
        try await Self.withGateway { port, harness in
            // The whole case, then whitespace (which JSON allows after it) a byte at a time,
            // never reaching the declared length: the case never arrives whole.
            let body = CaseFixtures.sample.bytes
            let slow = try RawConnection(port: port)
            let started = ContinuousClock.now
            try slow.send("POST /v1/cases HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer \(GatewayHarness.apiKey)\r\n"
                          + "Content-Type: application/json\r\nContent-Length: \(body.count + 100)\r\n\r\n")
            try slow.send(body)
            let dripping = Task {
                for _ in 0..<99 {
                    try await Task.sleep(for: .milliseconds(300))
                    guard (try? slow.send([UInt8(ascii: " ")])) != nil else { return }
                }
            }
            let answer = try await slow.readUntilClosed(within: Self.readTimeout + Self.margin)
            let elapsed = ContinuousClock.now - started
            dripping.cancel()
            #expect(answer.closed)
            #expect(answer.text.hasPrefix("HTTP/1.1 408"), "\(answer.text)")
            #expect(answer.text.contains("nothing of it was kept"))
            #expect(elapsed >= .seconds(Self.readTimeout - 0.2), "not before the read timeout: \(elapsed)")

            // The same case sent at a normal pace is taken: the gateway was only waiting.
            let request = "POST /v1/cases HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer \(GatewayHarness.apiKey)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n" + body.text
            #expect(try await RawConnection.exchange(port: port, request).hasPrefix("HTTP/1.1 202"))
            let log = try await harness.store.read { try $0.messageLog(after: 0, limit: 10) }.filter { $0.direction == .inbound }
            #expect(log.map(\.httpStatus) == [408, 202], "the cut-off request is logged as 408, with no body")
            #expect(log.first?.bodyDigest == nil)
            #expect(try await harness.caseCount() == 1)
        }
    }

    @Test("a request sent slowly but whole within the read timeout is answered")
    func slowButInTime() async throws {
        try await Self.withGateway { port, _ in
            let connection = try RawConnection(port: port)
            for line in ["GET /health/live HTTP/1.1\r\n", "Host: gateway\r\n", "Connection: close\r\n", "\r\n"] {
                try connection.send(line)
                try await Task.sleep(for: .milliseconds(150))
            }
            let answer = try await connection.readUntilClosed(within: Self.margin)
            #expect(answer.text.hasPrefix("HTTP/1.1 200"), "\(answer.text)")
        }
    }

    @Test("a connection that sends nothing, and a kept-alive one after its answer, are closed after the idle timeout")
    func idle() async throws {
        try await Self.withGateway { port, _ in
            let silent = try RawConnection(port: port)
            let kept = try RawConnection(port: port)
            let started = ContinuousClock.now
            try kept.send("GET /health/live HTTP/1.1\r\nHost: gateway\r\n\r\n")
            let first = try await kept.read(until: "\"live\"", within: Self.margin)
            #expect(first.hasPrefix("HTTP/1.1 200"), "\(first)")

            let nothing = try await silent.readUntilClosed(within: Self.idleTimeout + Self.margin)
            #expect(nothing.closed && nothing.bytes.isEmpty, "closed without an answer: nothing was asked")
            #expect(ContinuousClock.now - started >= .seconds(Self.idleTimeout - 0.2))
            let after = try await kept.readUntilClosed(within: Self.idleTimeout + Self.margin)
            #expect(after.closed && after.bytes.isEmpty)
        }
    }
}

/// A client socket on 127.0.0.1, non-blocking, read by polling so no thread of the test's pool
/// is held while a deadline runs.
final class RawConnection: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    struct Received {
        var bytes: [UInt8]
        var closed: Bool
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    let socket: Int32

    init(port: Int) throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure("connect() failed: errno \(errno)")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        socket = fd
    }

    deinit { close(socket) }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Sends all of `bytes`; throws once the other side has closed (no SIGPIPE).
    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK { usleep(1000); continue }
                throw Failure("send() failed: errno \(errno)")
            }
            offset += sent
        }
    }

    /// What arrives until the other side closes, or until `seconds` have passed.
    func readUntilClosed(within seconds: Double) async throws -> Received {
        try await receive(within: seconds) { _ in false }
    }

    /// What arrives until it contains `marker` (or the other side closes, or `seconds` pass).
    func read(until marker: String, within seconds: Double) async throws -> String {
        try await receive(within: seconds) { String(decoding: $0, as: UTF8.self).contains(marker) }.text
    }

    /// Reads until `enough` says so, the other side closes, or `seconds` have passed.
    private func receive(within seconds: Double, until enough: ([UInt8]) -> Bool) async throws -> Received {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += buffer[0..<count]
                if enough(received) { return Received(bytes: received, closed: false) }
            } else if count == 0 {
                return Received(bytes: received, closed: true)
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                try await Task.sleep(for: .milliseconds(20))
            } else if errno == ECONNRESET {
                return Received(bytes: received, closed: true)
            } else {
                throw Failure("recv() failed: errno \(errno)")
            }
        }
        return Received(bytes: received, closed: false)
    }

    /// One request on a new connection that asks to be closed after it; the whole answer.
    static func exchange(port: Int, _ request: String) async throws -> String {
        let connection = try RawConnection(port: port)
        try connection.send(request)
        return try await connection.readUntilClosed(within: 10).text
    }
}
