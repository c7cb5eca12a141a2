import Foundation
import Testing
@testable import TongbanGateway
import TongbanTesting

/// A reload compares the paths it cannot switch with the running ones as paths, not as URLs or
/// strings: the same file written another way, or a directory that exists only since the
/// gateway started, is not reported as needing a restart; another file is.
@Suite("Reload: paths that need a restart")
struct ReloadPathTests {
    static func parse(_ yaml: String) throws -> GatewayConfiguration {
        try GatewayConfiguration.parse(yaml, file: "paths.yaml", environment: [:])
    }

    static func yaml(data: String, mappings: String, transport: String = "") -> String {
        """
        listen: {host: 127.0.0.1, port: 0}
        dataDirectory: \(data)
        mappings: \(mappings)
        local:
          name: suixian
          endpoint: http://127.0.0.1:9/local
          apiKeys:
            - {name: windows, sha256: 1c930a63ab7785eabbb462006726831f383c2dfab5ad6ef82b0a508f9a963171}
        partners:
          henan-tongbai: {protocol: kstb, baseURL: "http://127.0.0.1:9/henan-tongbai"\(transport)}
        """
    }

    @Test("a data directory that did not exist at the start (the gateway made it) is the same directory at the reload")
    func dataDirectoryMadeAtStart() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("tongban-reload-\(UUID())/data")
        defer { try? FileManager.default.removeItem(at: data.deletingLastPathComponent()) }
        let text = Self.yaml(data: data.path, mappings: Repository.mappings.path)
        let running = try Self.parse(text)
        try FileManager.default.createDirectory(at: running.dataDirectory, withIntermediateDirectories: true)  // as `tongban serve` does
        let loaded = try Self.parse(text)
        #expect(running.dataDirectory != loaded.dataDirectory, "the URLs differ (one ends with a slash): what the reload used to compare")
        #expect(Gateway.restartOnly(running, loaded) == [])
    }

    @Test("the same paths written another way (a trailing slash, ./, a/..) are not a change; other paths are, for each path compared")
    func samePathOtherSpelling() throws {
        let root = Repository.root.path
        let mappings = Repository.mappings.path
        let transport = ", transport: {clientCertificate: certs/tongban.pem, clientKey: certs/tongban.key, caBundle: certs/ca.pem}"
        let running = try Self.parse(Self.yaml(data: "/var/lib/tongban", mappings: mappings, transport: transport))
        let respelled = try Self.parse(Self.yaml(
            data: "/var/lib//tongban/", mappings: "\(root)/docs/../mappings/",
            transport: ", transport: {clientCertificate: ./certs/tongban.pem, clientKey: certs/./tongban.key, caBundle: certs/x/../ca.pem}"))
        #expect(Gateway.restartOnly(running, respelled) == [])

        let moved = try Self.parse(Self.yaml(data: "/var/lib/tongban-2", mappings: "\(root)/contracts",
                                             transport: ", transport: {clientCertificate: certs/tongban.pem, clientKey: certs/tongban.key, caBundle: certs/ca-2.pem}"))
        #expect(Gateway.restartOnly(running, moved) == ["dataDirectory", "mappings", "partners.henan-tongbai"])
    }

    @Test("listen.tls files written another way are the same files; a reload then reads them again")
    func listenerFilesOtherSpelling() async throws {
        let certificates = try await ListenerCertificates.make()
        defer { certificates.maker.remove() }
        let directory = certificates.maker.directory
        let yaml = ListenerTLSFixture.yaml(certificates, directory: directory)
        let running = try Self.parse(yaml)
        let respelled = try Self.parse(yaml.replacingOccurrences(of: "key: \(certificates.server.key)",
                                                                 with: "key: \(directory.path)/./\(URL(fileURLWithPath: certificates.server.key).lastPathComponent)"))
        #expect(respelled.tls?.key != running.tls?.key)
        #expect(Gateway.restartOnly(running, respelled) == [])
        #expect(try #require(respelled.tls).samePaths(as: try #require(running.tls)), "so the reloader swaps in the files read")
    }
}

/// Every setting read only at the start is named by a reload that finds it changed, so the log
/// never suggests that a changed retry policy or body limit is already in force.
@Suite("Reload: settings read only at the start")
struct ReloadRestartOnlyTests {
    @Test("shutdownGrace, maxBodyBytes, messageLog, storage, delivery, sla and a partner's delivery settings are reported as needing a restart")
    func startOnlySettings() throws {
        let base = ReloadPathTests.yaml(data: "/var/lib/tongban", mappings: Repository.mappings.path)
        let running = try ReloadPathTests.parse(base)
        #expect(Gateway.restartOnly(running, try ReloadPathTests.parse(base)) == [])
        let changed = base.replacingOccurrences(of: "henan-tongbai\"}", with: "henan-tongbai\", workers: 2, retry: {base: 2s, cap: 1m, maxAttempts: 3, maxAge: 1h}}") + """

        shutdownGrace: 3s
        maxBodyBytes: 2048
        messageLog: {keepBodies: 7d}
        storage: {minFreeSpace: 2GiB}
        delivery:
          workers: 8
        sla: {holidays: \(Repository.root.path)/ops/data/holidays, dueSoon: 12h}
        """
        let loaded = try ReloadPathTests.parse(changed)
        #expect(Gateway.restartOnly(running, loaded) == ["shutdownGrace", "maxBodyBytes", "messageLog.keepBodies", "storage.minFreeSpace",
                                                         "delivery", "sla", "partners.henan-tongbai"])
    }
}
