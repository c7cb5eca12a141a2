import Foundation
import TongbanTesting

/// A partner on 127.0.0.1 that requires and verifies client certificates: the Python script
/// `Fixtures/mtls_server.py` (standard library `ssl` and `http.server`, so it is OpenSSL on the
/// other side too, independent of the libcurl under test). It reports what the client cannot
/// see: which requests it answered, with the client certificate's CN, and which handshakes it
/// refused, with OpenSSL's reason.
final class MutualTLSTestServer: @unchecked Sendable {
    /// A request the server answered.
    struct HandledRequest: Sendable, Equatable {
        var method: String
        var path: String
        /// CN of the certificate the client presented, as the server verified it.
        var clientCommonName: String
    }

    enum TLSVersion: String, Sendable, CustomStringConvertible {
        case tls12 = "1.2"
        case tls13 = "1.3"
        var description: String { "TLS \(rawValue)" }
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/mtls_server.py")

    let port: UInt16
    private let process: Spawned
    /// Its write end is the server's lifeline: the script exits when its standard input closes,
    /// which also happens when the test process dies without calling `stop()` (the script also
    /// exits when it finds itself re-parented, in case a sibling process inherited the pipe).
    private let lifeline: Pipe
    private let output: LineCollector
    private let errors: LineCollector
    private let lock = NSLock()
    private var stopped = false

    /// Starts the server with `identity` as its certificate, trusting client certificates that
    /// `clientCA` signed, and returns once it listens.
    static func start(identity: TestCertificates.Identity, clientCA: String, maximumVersion: TLSVersion = .tls13) async throws -> MutualTLSTestServer {
        try await onOwnThread { try MutualTLSTestServer(identity: identity, clientCA: clientCA, maximumVersion: maximumVersion) }
    }

    /// Blocks until the server listens.
    private init(identity: TestCertificates.Identity, clientCA: String, maximumVersion: TLSVersion) throws {
        lifeline = Pipe()
        let stdout = Pipe(), stderr = Pipe()
        process = try Spawned("/usr/bin/env", ["python3", Self.script.path, identity.certificate, identity.key, clientCA, maximumVersion.rawValue],
                              input: lifeline.fileHandleForReading.fileDescriptor,
                              output: stdout.fileHandleForWriting.fileDescriptor, error: stderr.fileHandleForWriting.fileDescriptor)
        // The child's ends: closed here, so the collectors see the end when the child exits.
        try? lifeline.fileHandleForReading.close()
        try? stdout.fileHandleForWriting.close()
        try? stderr.fileHandleForWriting.close()
        output = LineCollector(stdout.fileHandleForReading)
        errors = LineCollector(stderr.fileHandleForReading)

        let first = output.firstLine(within: .seconds(20))
        guard let first, first.hasPrefix("port "), let listening = UInt16(first.dropFirst(5)) else {
            port = 0
            signalStop()
            throw ServerDidNotStart(firstLine: first, errors: errors.lines.joined(separator: "\n"))
        }
        port = listening
    }

    deinit { signalStop() }

    func url(_ path: String) -> String { "https://127.0.0.1:\(port)\(path)" }

    var handledRequests: [HandledRequest] {
        output.lines.compactMap { line in
            let fields = line.split(separator: " ", maxSplits: 3).map(String.init)
            guard fields.count == 4, fields[0] == "request" else { return nil }
            return HandledRequest(method: fields[1], path: fields[2], clientCommonName: fields[3])
        }
    }

    var refusedHandshakes: [String] {
        output.lines.compactMap { $0.hasPrefix("refused ") ? String($0.dropFirst(8)) : nil }
    }

    /// The first refused handshake, waiting for it: the server logs a refusal only after it has
    /// sent its alert, so it may come a moment after the client has failed.
    func firstRefusedHandshake(within limit: Duration = .seconds(10)) async throws -> String? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let reason = refusedHandshakes.first { return reason }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// Ends the process and waits until it has gone, on a thread of its own; safe to call more
    /// than once.
    func stop() async {
        signalStop()
        _ = try? await onOwnThread { self.process.waitUntilExit() }
    }

    /// Asks the process to end without waiting: for `deinit`, and `init` when the script failed.
    private func signalStop() {
        let first = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        try? lifeline.fileHandleForWriting.close()
        process.send(SIGTERM)
    }
}

/// The script did not print its port.
struct ServerDidNotStart: Error, CustomStringConvertible {
    let firstLine: String?
    let errors: String
    var description: String {
        "mtls_server.py did not start (python3 missing? see ops/setup.sh): first line \(firstLine.debugDescription), stderr: \(errors)"
    }
}

/// Reads a pipe on a thread of its own until it closes, keeping the lines, so the child never
/// blocks on a full pipe and the test can look at what it said so far.
private final class LineCollector: @unchecked Sendable {
    private let condition = NSCondition()
    private var collected: [String] = []
    private var partial: [UInt8] = []
    private var closed = false

    init(_ handle: FileHandle) {
        Thread { [self] in
            while true {
                let data = handle.availableData
                condition.withLock {
                    if data.isEmpty {
                        closed = true
                    } else {
                        partial.append(contentsOf: data)
                        while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
                            collected.append(String(decoding: partial[..<newline], as: UTF8.self))
                            partial.removeSubrange(...newline)
                        }
                    }
                    condition.broadcast()
                }
                if data.isEmpty { return }
            }
        }.start()
    }

    var lines: [String] { condition.withLock { collected } }

    /// Blocks until the first line arrives, the pipe closes or `limit` passes.
    func firstLine(within limit: Duration) -> String? {
        let deadline = Date().addingTimeInterval(limit / .seconds(1))
        return condition.withLock {
            while collected.isEmpty && !closed {
                guard condition.wait(until: deadline) else { break }
            }
            return collected.first
        }
    }
}
