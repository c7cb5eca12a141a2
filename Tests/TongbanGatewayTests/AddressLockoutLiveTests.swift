import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import Logging
import ServiceLifecycle
import HummingbirdTesting
import NIOCore
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanHTTPClient
import TongbanPartners
import TongbanTesting

/// The per-address lock with real connections: the address counted is the TCP peer the
/// listener sees, IPv4 and IPv6, and 桐柏's route counts calls without its certificate.
@Suite("Failed authentication locks the source address, over real connections")
struct AddressLockoutLiveTests {
    /// One request on its own connection from `source` (a loopback address: 127.0.0.2, ::1) to
    /// the loopback of the same family; the status code. Blocking: run it on its own thread.
    static func status(from source: String, port: Int, path: String, bearer: String) throws -> Int {
        let remote = try SocketAddress(ipAddress: source.contains(":") ? "::1" : "127.0.0.1", port: port)
        let local = try SocketAddress(ipAddress: source, port: 0)
        let fd = socket(remote.protocol.rawValue, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketFailure("socket", errno) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard local.withSockAddr({ bind(fd, $0, socklen_t($1)) }) == 0 else { throw SocketFailure("bind \(source)", errno) }
        guard remote.withSockAddr({ connect(fd, $0, socklen_t($1)) }) == 0 else { throw SocketFailure("connect", errno) }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(bearer)\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else { throw SocketFailure("send", errno) }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            answer += buffer[0..<count]
        }
        let statusLine = String(decoding: answer.prefix { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
        guard statusLine.hasPrefix("HTTP/1.1 "), let code = Int(statusLine.dropFirst(9).prefix(3)) else {
            throw SocketFailure("no HTTP answer: \(statusLine)", 0)
        }
        return code
    }

    struct SocketFailure: Error, CustomStringConvertible {
        var description: String
        init(_ what: String, _ code: Int32) { description = "\(what): errno \(code)" }
    }

    @Test("a dual-stack listener: 30 wrong keys from 127.0.0.2 lock it (seen as ::ffff:127.0.0.2, counted as 127.0.0.2); 127.0.0.3 and ::1 still get 401; the key works from 127.0.0.2")
    func loopbackAddresses() async throws {
        let harness = try await GatewayHarness()
        // Served as `tongban serve` serves it, on `listen.host` "::" (the test framework's live
        // mode would bind 127.0.0.1 only).
        let (ports, port) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: GatewayRouter(gateway: harness.gateway, openAPIDocument: Repository.root.appendingPathComponent("docs/openapi.yaml")).makeRouter(),
                              configuration: .init(address: .hostname("::", port: 0)),
                              onServerRunning: { port.yield($0.localAddress?.port ?? 0) }, logger: Logger(label: "test"))
        let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "test")))
        let statuses = try await withThrowingTaskGroup(of: [String: Int]?.self) { tasks in
            tasks.addTask { try await group.run(); return nil }
            tasks.addTask {
                defer { Task { await group.triggerGracefulShutdown() } }
                guard let port = await ports.first(where: { _ in true }) else { return [:] }
                return try await onOwnThread {
                    var seen: [String: Int] = [:]
                    for _ in 0..<AddressLockout.defaultPolicy.failures { seen["127.0.0.2"] = try Self.status(from: "127.0.0.2", port: port, path: "/v1/cases", bearer: "guess") }
                    seen["127.0.0.3"] = try Self.status(from: "127.0.0.3", port: port, path: "/v1/cases", bearer: "guess")
                    seen["::1"] = try Self.status(from: "::1", port: port, path: "/v1/cases", bearer: "guess")
                    seen["127.0.0.2 with the key"] = try Self.status(from: "127.0.0.2", port: port, path: "/v1/cases", bearer: GatewayHarness.apiKey)
                    return seen
                }
            }
            var result: [String: Int] = [:]
            for try await seen in tasks { if let seen { result = seen } }
            return result
        }
        #expect(statuses == ["127.0.0.2": 429, "127.0.0.3": 401, "::1": 401, "127.0.0.2 with the key": 200])
        #expect(AddressLockoutTests.failures(harness, "v1", "locked") == 1)
    }

    @Test("桐柏's route over TLS: calls without its certificate lock the address (HTTP 429, a JG=1 receipt, Retry-After); 桐柏's certificate from that address is still taken")
    func kstbCertificate() async throws {
        let fixture = try await ListenerTLSFixture()
        _ = try await ListenerTLSTests.submitted(fixture)
        let receive = ListenerTLSTests.receive
        let notice = PartnerFixtures.kstbStatus(messageNumber: "411330-ZT-200001", code: "02", at: "2026-11-20 10:00:00")
        let (refused, locked, taken) = try await fixture.serve { port in
            var refused: [Int] = []
            for _ in 1..<AddressLockout.defaultPolicy.failures {
                refused.append(try await fixture.call(port, receive, "POST", as: nil, body: notice, headers: ListenerTLSTests.xml).get().status)
            }
            let locked = try await fixture.call(port, receive, "POST", as: fixture.certificates.hub, body: notice, headers: ListenerTLSTests.xml).get()
            let taken = try await fixture.call(port, receive, "POST", as: fixture.certificates.tongbai, body: notice, headers: ListenerTLSTests.xml).get()
            return (refused, locked, taken)
        }
        #expect(refused == Array(repeating: 403, count: AddressLockout.defaultPolicy.failures - 1))
        #expect(locked.status == 429)
        #expect(locked.headers.first { $0.name.lowercased() == "retry-after" }?.value == "\(AddressLockout.defaultPolicy.lockFor / 1000)")
        let receipt = try #require(KSTBReceipt.parse(locked.body))
        #expect(receipt.result == .malformed && receipt.message.contains("认证失败次数过多"), "\(receipt.message)")
        #expect(KSTBReceipt.parse(taken.body)?.result == .accepted, "the address's lock does not stop 桐柏's own certificate")
        #expect(fixture.log.lines("client certificate refused").count == AddressLockout.defaultPolicy.failures - 1, "the locked refusal is not logged again")
        let lockLine = fixture.log.all.first { $0.message.hasPrefix("address locked after repeated failed authentication") }
        #expect(lockLine?.metadata["surface"] == "henan-tongbai" && lockLine?.metadata["address"] == "127.0.0.1")
    }
}
