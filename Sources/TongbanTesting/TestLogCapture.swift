import Foundation
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Every log line of a test process, at `trace` level, in one file under `$TONGBAN_TEST_LOG_DIR`,
/// so that `ops/privacy/scan-logs.py` can prove after the whole suite that no person's ID number,
/// phone, name or address was logged by any test's gateway, simulator or client.
///
/// Started before any test by the load-time hook in `TongbanTestingLogCapture` (C), because a
/// logger made before `LoggingSystem.bootstrap` would keep the default handler and escape the scan.
public enum TestLogCapture {
    /// The folder `ops/test.sh` gives; nil in a plain `swift test`, which keeps swift-log's default.
    public static var directory: URL? {
        guard let path = ProcessInfo.processInfo.environment["TONGBAN_TEST_LOG_DIR"], !path.isEmpty else { return nil }
        return URL(fileURLWithPath: path)
    }

    static let file = Mutex<Int32>(-1)

    static func start(in directory: String) {
        mkdir(directory, 0o755)
        let path = "\(directory)/in-process-\(getpid()).log"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            // Without the file the scan would pass on nothing: stop the test run here, loudly.
            FileHandle.standardError.write(Data("TONGBAN_TEST_LOG_DIR: cannot open \(path): errno \(errno)\n".utf8))
            exit(70)
        }
        file.withLock { $0 = descriptor }
        LoggingSystem.bootstrap { label in CapturingLogHandler(label: label) }
    }

    static func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        file.withLock { descriptor in
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
                if written <= 0 { return }
                offset += written
            }
        }
    }
}

@_cdecl("tongban_testing_capture_logs")
func tongbanTestingCaptureLogs() {
    guard let directory = ProcessInfo.processInfo.environment["TONGBAN_TEST_LOG_DIR"], !directory.isEmpty else { return }
    TestLogCapture.start(in: directory)
}

/// Writes every record, whatever the level a test or the code under test sets: the scan must see
/// what the most verbose configuration would log.
struct CapturingLogHandler: LogHandler {
    let label: String
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider

    /// Reported as set, but never filters: `trace` is the level the scan needs.
    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let error = event.error.map { " error=\($0)" } ?? ""
        TestLogCapture.write("\(event.level) \(label) : \(fields.isEmpty ? "" : fields + " ")\(event.message)\(error)")
    }
}
