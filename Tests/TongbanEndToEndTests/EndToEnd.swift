import Foundation
import Synchronization
import TongbanCore
import TongbanHTTPClient
import TongbanTesting

/// A real gateway (`tongban serve`) and a real simulator (`tongban simulate`) on free loopback
/// ports, in a temporary directory holding the gateway's configuration, its data directory and
/// both processes' logs. The configuration is the sample `ops/config/tongban.yaml` with fast
/// retries, a fast breaker and a short Zaoyang poll.
///
/// Use `EndToEnd.run(simulator:) { env in … }`: it starts both, waits until both answer, runs
/// the body and stops both whatever happens (SIGTERM, then SIGKILL after a bound).
final class EndToEnd: Sendable {
    static let apiKey = "demo-window-key-suixian"
    static let zaoyangAppID = "zaoyang-apas"
    static let zaoyangSecret = Array("demo-suixian-secret-for-zaoyang".utf8)

    let directory: URL
    let configFile: URL
    let gatewayPort: Int
    let simulatorPort: Int
    let client: CurlHTTPClient
    /// Makes this run's case numbers unique.
    let runID: String
    private let gatewayProcess: Mutex<ChildProcess?>
    /// Extra `tongban serve` arguments (`--log-level trace`), kept for restarts.
    let gatewayFlags: [String]
    let simulator: ChildProcess
    private let counter = Mutex(0)

    var gatewayURL: String { "http://127.0.0.1:\(gatewayPort)" }
    var simulatorURL: String { "http://127.0.0.1:\(simulatorPort)" }
    var gatewayLog: URL { directory.appendingPathComponent("gateway.log") }
    var simulatorLog: URL { directory.appendingPathComponent("simulator.log") }

    /// Starts both, runs `body`, stops both, even when `body` throws.
    static func run<T: Sendable>(simulator flags: [String] = [], _ body: (EndToEnd) async throws -> T) async throws -> T {
        let env = try await EndToEnd.start(simulatorFlags: flags)
        // Shut down in a task of its own: one made with Task {} is not cancelled with this one,
        // so a test cancelled by its time limit still waits for its processes to end.
        do {
            let result = try await body(env)
            let keep = ProcessInfo.processInfo.environment["TONGBAN_E2E_KEEP"] != nil
            await Task { await env.shutdown(removingFiles: !keep) }.value
            return result
        } catch {
            let diagnosis = env.diagnosis()
            await Task { await env.shutdown(removingFiles: false) }.value
            throw EndToEndError("\(error)\n\(diagnosis)")
        }
    }

    private init(directory: URL, gatewayPort: Int, simulatorPort: Int, simulator: ChildProcess, client: CurlHTTPClient, gatewayFlags: [String]) {
        self.directory = directory
        self.configFile = directory.appendingPathComponent("tongban.yaml")
        self.gatewayPort = gatewayPort
        self.simulatorPort = simulatorPort
        self.simulator = simulator
        self.client = client
        self.runID = String(UUID().uuidString.prefix(8))
        self.gatewayProcess = Mutex(nil)
        self.gatewayFlags = gatewayFlags
    }

    static func start(simulatorFlags: [String], gatewayFlags: [String] = []) async throws -> EndToEnd {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tongban-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let gatewayPort = try FreePort.next()
        var simulatorPort = try FreePort.next()
        while simulatorPort == gatewayPort { simulatorPort = try FreePort.next() }
        try configuration(gatewayPort: gatewayPort, simulatorPort: simulatorPort, data: directory.appendingPathComponent("data"))
            .write(to: directory.appendingPathComponent("tongban.yaml"), atomically: true, encoding: .utf8)

        let simulator = try ChildProcess(
            name: "simulator",
            arguments: ["simulate", "--listen", "127.0.0.1:\(simulatorPort)", "--gateway", "http://127.0.0.1:\(gatewayPort)",
                        "--step", "300ms", "--hub-poll", "300ms",
                        "--mappings", Repository.mappings.path, "--contracts", Repository.contracts.path] + logLevel(simulatorFlags),
            directory: Repository.root, log: directory.appendingPathComponent("simulator.log"))
        let client: CurlHTTPClient
        do {
            client = try CurlHTTPClient(configuration: .init(connections: 8, connectTimeout: .seconds(2), totalTimeout: .seconds(10)))
        } catch {
            simulator.killNow()
            throw EndToEndError("cannot make the HTTP client: \(error)")
        }
        let env = EndToEnd(directory: directory, gatewayPort: gatewayPort, simulatorPort: simulatorPort, simulator: simulator, client: client, gatewayFlags: gatewayFlags)
        do {
            try await env.waitUntilAnswering(env.simulatorURL + "/_sim/stats", process: simulator)
            try await env.startGateway()
        } catch {
            let diagnosis = env.diagnosis()
            await Task { await env.shutdown(removingFiles: false) }.value
            throw EndToEndError("\(error)\n\(diagnosis)")
        }
        return env
    }

    /// Under `ops/test.sh` (`TONGBAN_TEST_LOG_DIR` set) both processes log at `trace`, unless the
    /// test chose a level: the personal-data scan must see everything they could log.
    static func logLevel(_ flags: [String]) -> [String] {
        guard TestLogCapture.directory != nil, !flags.contains("--log-level") else { return flags }
        return flags + ["--log-level", "trace"]
    }

    /// The sample configuration, changed only where a test must: ports, data directory, the
    /// simulator's URLs, and timings short enough for a test. Each change must find its text,
    /// so a reworded sample fails here, loudly, instead of silently testing something else.
    static func configuration(gatewayPort: Int, simulatorPort: Int, data: URL) throws -> String {
        let sample = Repository.root.appendingPathComponent("ops/config/tongban.yaml")
        var text = try String(contentsOf: sample, encoding: .utf8)
        func replace(_ old: String, _ new: String) throws {
            guard text.contains(old) else { throw EndToEndError("ops/config/tongban.yaml no longer contains \(old)") }
            text = text.replacingOccurrences(of: old, with: new)
        }
        try replace("port: 8080", "port: \(gatewayPort)")
        try replace("dataDirectory: .tongban/data", "dataDirectory: \(data.path)")
        try replace("mappings: mappings", "mappings: \(Repository.mappings.path)")
        try replace("shutdownGrace: 10s", "shutdownGrace: 2s")
        try replace("http://127.0.0.1:9100", "http://127.0.0.1:\(simulatorPort)")
        try replace("retry: {base: 1s, cap: 5m, maxAttempts: 12, maxAge: 72h}", "retry: {base: 100ms, cap: 1s, maxAttempts: 50, maxAge: 1h}")
        try replace("breaker: {failures: 5, openFor: 30s}", "breaker: {failures: 3, openFor: 1s}")
        try replace("pollInterval: 5m", "minimumPollInterval: 1s\n    pollInterval: 1s")
        try replace("transport: {connectTimeout: 5s, totalTimeout: 30s}", "transport: {connectTimeout: 2s, totalTimeout: 10s}")
        return text
    }

    // MARK: Processes

    var gateway: ChildProcess? { gatewayProcess.withLock { $0 } }

    /// Starts `tongban serve` on the configuration and waits for `/health/ready`.
    func startGateway() async throws {
        let process = try ChildProcess(name: "gateway", arguments: ["serve", "--config", configFile.path] + Self.logLevel(gatewayFlags),
                                       directory: Repository.root, log: gatewayLog)
        gatewayProcess.withLock { $0 = process }
        try await waitUntilAnswering(gatewayURL + "/health/ready", process: process)
    }

    /// SIGKILLs the gateway, as a crash.
    func crashGateway() async {
        guard let process = gateway else { return }
        await process.crash()
    }

    func shutdown(removingFiles: Bool) async {
        if let process = gateway { await process.stop() }
        await simulator.stop()
        await client.shutdown()
        keepLogsForTheScan()
        if removingFiles { try? FileManager.default.removeItem(at: directory) }
    }

    /// Under `ops/test.sh`, both processes' logs go to the whole suite's personal-data scan.
    private func keepLogsForTheScan() {
        guard let capture = TestLogCapture.directory else { return }
        for log in [gatewayLog, simulatorLog] where FileManager.default.fileExists(atPath: log.path) {
            let name = "e2e-\(runID)-\(log.lastPathComponent)"
            try? FileManager.default.copyItem(at: log, to: capture.appendingPathComponent(name))
        }
    }

    func diagnosis() -> String {
        var text = "logs in \(directory.path)"
        if let gateway { text += "\n--- gateway log (end)\n" + gateway.logTail() }
        text += "\n--- simulator log (end)\n" + simulator.logTail()
        return text
    }

    private func waitUntilAnswering(_ url: String, process: ChildProcess, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw EndToEndError("\(process.name) exited while starting") }
            if let response = try? await client.execute(HTTPClientRequest(method: "GET", url: url)), response.status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw EndToEndError("\(process.name) did not answer \(url) within \(timeout)")
    }

    // MARK: HTTP

    struct Answer: Sendable {
        var status: Int
        var body: [UInt8]
        var json: JSONValue { (try? JSONParser.parse(body)) ?? .null }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    func request(_ method: String, _ url: String, headers: [HTTPHeader] = [], body: [UInt8] = []) async throws -> Answer {
        do {
            let response = try await client.execute(HTTPClientRequest(method: method, url: url, headers: headers, body: body))
            return Answer(status: response.status, body: response.body)
        } catch {
            throw EndToEndError("\(method) \(url): \(error)")
        }
    }

    /// A call to the local windows' API.
    func api(_ method: String, _ path: String, json: JSONValue? = nil) async throws -> Answer {
        var headers = [HTTPHeader("Authorization", "Bearer \(Self.apiKey)")]
        if json != nil { headers.append(HTTPHeader("Content-Type", "application/json")) }
        return try await request(method, gatewayURL + path, headers: headers, body: json?.serialized() ?? [])
    }

    func simulatorGet(_ path: String) async throws -> JSONValue {
        let answer = try await request("GET", simulatorURL + path)
        guard answer.status == 200 else { throw EndToEndError("GET \(path) on the simulator: HTTP \(answer.status) \(answer.text)") }
        return answer.json
    }

    /// `POST /_sim/control`.
    func control(_ settings: JSONValue) async throws {
        let answer = try await request("POST", simulatorURL + "/_sim/control", headers: [HTTPHeader("Content-Type", "application/json")],
                                       body: settings.serialized())
        guard answer.status == 200 else { throw EndToEndError("control \(settings.compactString): HTTP \(answer.status) \(answer.text)") }
    }

    // MARK: Cases

    /// A new case number, unique to this run.
    func caseNumber(_ tag: String) -> String {
        let n = counter.withLock { value -> Int in
            value += 1
            return value
        }
        return "E2E-\(runID)-\(tag)-\(n)"
    }

    /// The partner's sample local case (`contracts/<partner>/sample-local-case.json`) with a new number.
    static func sampleCase(_ partner: Partner, caseNumber: String) throws -> JSONValue {
        let file = Repository.contracts.appendingPathComponent(partner.rawValue).appendingPathComponent("sample-local-case.json")
        return try JSONParser.parse(Array(Data(contentsOf: file))).setting("caseNumber", .string(caseNumber))
    }

    /// Submits a new case for `partner`; returns the answer (202 with the case's id when taken).
    func submit(_ partner: Partner, caseNumber: String) async throws -> Answer {
        try await api("POST", "/v1/cases", json: Self.sampleCase(partner, caseNumber: caseNumber))
    }

    /// Submits and requires 202; returns the case id.
    func submitAccepted(_ partner: Partner, caseNumber: String) async throws -> String {
        let answer = try await submit(partner, caseNumber: caseNumber)
        guard answer.status == 202, let id = answer.json["id"]?.stringValue else {
            throw EndToEndError("case \(caseNumber) for \(partner.rawValue): HTTP \(answer.status) \(answer.text)")
        }
        return id
    }

    func caseView(_ id: String) async throws -> JSONValue {
        let answer = try await api("GET", "/v1/cases/\(id)")
        guard answer.status == 200 else { throw EndToEndError("GET /v1/cases/\(id): HTTP \(answer.status) \(answer.text)") }
        return answer.json
    }

    /// `GET /_sim/cases?partner=…`.
    func simulatorCases(_ party: String) async throws -> JSONValue {
        try await simulatorGet("/_sim/cases?partner=\(party)")
    }

    /// The simulated partner's record of a case it holds, by the sender's case number.
    func heldCase(_ partner: Partner, _ caseNumber: String) async throws -> JSONValue? {
        try await simulatorCases(partner.rawValue)["cases"]?.arrayValue?.first { $0["caseNumber"]?.stringValue == caseNumber }
    }

    func stats(_ party: String) async throws -> JSONValue {
        try await simulatorGet("/_sim/stats")[party] ?? .null
    }
}

/// The three connected partners.
enum Partner: String, CaseIterable, Sendable {
    case tongbai = "henan-tongbai"
    case zaoyang = "hubei-zaoyang"
    case hub = "xiangshisuishen"

    /// The partner's own status codes, from `mappings/<partner>/codes/statuses.yaml`.
    var statusCodes: [String: String] {
        switch self {
        case .tongbai:
            ["received": "01", "accepted": "02", "supplementRequired": "03", "rejected": "04", "inProgress": "05",
             "suspended": "06", "approved": "07", "denied": "08", "delivered": "09", "withdrawn": "10"]
        case .zaoyang:
            ["received": "0", "accepted": "1", "inProgress": "2", "supplementRequired": "3", "rejected": "4",
             "approved": "5", "denied": "6", "delivered": "7", "withdrawn": "8"]
        case .hub:
            ["received": "RECEIVED", "accepted": "ACCEPTED", "supplementRequired": "NEED_MORE", "rejected": "REJECTED",
             "inProgress": "PROCESSING", "suspended": "SUSPENDED", "approved": "APPROVED", "denied": "DENIED",
             "delivered": "DELIVERED", "withdrawn": "WITHDRAWN"]
        }
    }
}

/// Polls `probe` until it returns a value, or fails after `timeout` with `what` and the last
/// thing seen.
func eventually<T>(_ what: String, timeout: Duration = .seconds(20), every interval: Duration = .milliseconds(100),
                   _ probe: () async throws -> T?) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    var lastError: (any Error)?
    while true {
        do {
            if let value = try await probe() { return value }
            lastError = nil
        } catch {
            lastError = error
        }
        if ContinuousClock.now >= deadline {
            throw EndToEndError("timed out after \(timeout) waiting for \(what)" + (lastError.map { " (last error: \($0))" } ?? ""))
        }
        try await Task.sleep(for: interval)
    }
}

extension JSONValue {
    /// The applied entries of a case view's status history, as (status, partnerCode).
    var appliedStatuses: [(status: String, partnerCode: String?)] {
        (self["statusHistory"]?.arrayValue ?? []).filter { $0["outcome"]?.stringValue == "applied" }.map {
            ($0["status"]?.stringValue ?? "?", $0["partnerCode"]?.stringValue)
        }
    }

    var int: Int { Int(integerValue ?? -1) }
}

/// Now, in China Standard Time, as RFC 3339.
func nowRFC3339() -> String { Timestamp.now().rfc3339() }
