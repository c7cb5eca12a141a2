import CTongbanTesting
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with posix_spawn, for tests: the gateway, the simulator, openssl,
/// python, promtool. Not Foundation's `Process`, whose run loop and socket machinery crashed
/// the test process under load (SIGSEGV inside `Process.run` while other tests held many
/// descriptors). The child gets the given descriptors as its standard input, output and error
/// and no other descriptor of the test process.
public final class Spawned: Sendable {
    public let pid: pid_t
    /// The wait status once the child has been reaped.
    private let reaped = Mutex<Int32?>(nil)

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts `executable` (a path; `/usr/bin/env` finds programs on PATH) with `arguments`.
    /// `environment` nil: the test process's own.
    public init(_ executable: String, _ arguments: [String], directory: URL? = nil, environment: [String: String]? = nil,
                input: Int32, output: Int32, error: Int32) throws {
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let pairs = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { pairs?.forEach { free($0) } }
        var child: pid_t = 0
        let result: Int32 = argv.withUnsafeBufferPointer { arguments in
            func spawn(_ envp: UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
                if let directory {
                    return directory.path.withCString { tongban_testing_spawn(&child, executable, arguments.baseAddress, envp, $0, input, output, error) }
                }
                return tongban_testing_spawn(&child, executable, arguments.baseAddress, envp, nil, input, output, error)
            }
            if let pairs { return pairs.withUnsafeBufferPointer { spawn($0.baseAddress!) } }
            return spawn(UnsafePointer(environ))
        }
        guard result == 0 else { throw Failure(description: "cannot start \(executable): \(String(cString: strerror(result)))") }
        pid = child
    }

    /// Whether the child still runs; reaps it once it has ended.
    public var isRunning: Bool {
        reaped.withLock { status in
            guard status == nil else { return false }
            var raw: Int32 = 0
            if waitpid(pid, &raw, WNOHANG) == pid { status = raw; return false }
            return true
        }
    }

    /// Sends `signal` (SIGTERM, SIGKILL) unless the child has already been reaped.
    public func send(_ signal: Int32) {
        reaped.withLock { status in if status == nil { kill(pid, signal) } }
    }

    /// Waits until the child ends, polling so no thread of the cooperative pool is blocked.
    @discardableResult
    public func exit(within timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Blocks until the child ends; for synchronous helpers of short-lived commands.
    public func waitUntilExit() {
        while isRunning { usleep(5_000) }
    }

    /// The exit code, or 128 + the signal that ended it (as a shell says); nil while it runs.
    public var terminationStatus: Int32? {
        guard !isRunning, let raw = reaped.withLock({ $0 }) else { return nil }
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }

    /// Runs a short command to its end with `input` on its standard input; its exit status and
    /// output. Output goes through temporary files, so no pipe can fill up and stall either side.
    public static func run(_ executable: String, _ arguments: [String], directory: URL? = nil,
                           environment: [String: String]? = nil, input: [UInt8] = []) throws -> (status: Int32, stdout: [UInt8], stderr: [UInt8]) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("tongban-spawn-\(UUID().uuidString)").path
        let files = [base + ".in", base + ".out", base + ".err"]
        defer { for file in files { unlink(file) } }
        guard FileManager.default.createFile(atPath: files[0], contents: Data(input)) else {
            throw Failure(description: "cannot write \(files[0])")
        }
        let descriptors = [open(files[0], O_RDONLY | O_CLOEXEC),
                           open(files[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600),
                           open(files[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)]
        defer { for descriptor in descriptors where descriptor >= 0 { close(descriptor) } }
        guard !descriptors.contains(where: { $0 < 0 }) else { throw Failure(description: "cannot open \(base).*: errno \(errno)") }
        let child = try Spawned(executable, arguments, directory: directory, environment: environment,
                                input: descriptors[0], output: descriptors[1], error: descriptors[2])
        child.waitUntilExit()
        func read(_ path: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path) ?? Data()) }
        return (child.terminationStatus ?? -1, read(files[1]), read(files[2]))
    }
}
