import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import TongbanTesting

/// One `tongban` child process, with stdout and stderr appended to a log file. Every live child
/// is also listed in `ChildProcess.live`, which an `atexit` handler kills, so even a test run
/// that ends abruptly (an uncaught error, `exit`) leaves no gateway or simulator behind.
final class ChildProcess: Sendable {
    let name: String
    let log: URL
    private let process: Spawned

    /// The `tongban` binary built next to this test bundle (`swift test` builds it first: the
    /// test target depends on the executable target).
    static let executable: URL = {
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return me.deletingLastPathComponent().appendingPathComponent("tongban")
    }()

    init(name: String, arguments: [String], directory: URL, log: URL) throws {
        self.name = name
        self.log = log
        if !FileManager.default.fileExists(atPath: log.path) {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        handle.write(Data("---- \(Date()) tongban \(arguments.joined(separator: " "))\n".utf8))
        let nothing = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { close(nothing) }
        Self.installExitHandler()
        let process = try Spawned(Self.executable.path, arguments, directory: directory,
                                  input: nothing, output: handle.fileDescriptor, error: handle.fileDescriptor)
        self.process = process
        Self.live.withLock { _ = $0.insert(process.pid) }
    }

    var pid: Int32 { process.pid }
    var isRunning: Bool { process.isRunning }

    /// SIGKILL, as a crash: nothing is flushed, no shutdown runs. Returns once the process is gone.
    func crash() async {
        process.send(SIGKILL)
        await waitForExit(timeout: .seconds(10))
        Self.live.withLock { _ = $0.remove(pid) }
    }

    /// SIGTERM, then SIGKILL if it has not exited within `grace`. Returns once it is gone.
    func stop(grace: Duration = .seconds(5)) async {
        if process.isRunning {
            process.send(SIGTERM)
            if !(await waitForExit(timeout: grace)) {
                process.send(SIGKILL)
                await waitForExit(timeout: .seconds(10))
            }
        }
        Self.live.withLock { _ = $0.remove(pid) }
    }

    /// Synchronous SIGKILL, for cleanup paths that cannot await.
    func killNow() {
        if process.isRunning { process.send(SIGKILL) }
        Self.live.withLock { _ = $0.remove(pid) }
    }

    @discardableResult
    func waitForExit(timeout: Duration) async -> Bool {
        await process.exit(within: timeout)
    }

    /// The last `lines` lines of the log, for failure messages.
    func logTail(lines: Int = 40) -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    // MARK: Never leave a child behind

    static let live = Mutex<Set<Int32>>([])
    private static let handlerInstalled = Mutex(false)

    private static func installExitHandler() {
        let install = handlerInstalled.withLock { installed -> Bool in
            defer { installed = true }
            return !installed
        }
        guard install else { return }
        atexit {
            for pid in ChildProcess.live.withLock({ $0 }) { kill(pid, SIGKILL) }
        }
    }
}

/// Free loopback TCP ports, found by binding port 0 and reading what the kernel chose.
enum FreePort {
    static func next() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw EndToEndError("socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw EndToEndError("bind() failed: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw EndToEndError("getsockname() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct EndToEndError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
