import Foundation

/// Makes certificates for mutual TLS tests with the `openssl` CLI, in a temporary directory of
/// the test's own, so no private key is ever committed and none outlives its test. EC P-256
/// keys keep a whole set well under a second. Blocking: call it off the cooperative threads
/// (`onOwnThread`).
public struct CertificateMaker: Sendable {
    /// A PEM certificate and the PEM file of its private key.
    public struct Identity: Sendable {
        public var certificate: String
        public var key: String
    }

    /// The extension sections a leaf can be made with.
    public enum Profile: String, Sendable {
        /// A server named `IP:127.0.0.1`, `IP:::1` and `DNS:localhost`.
        case server
        /// A valid server certificate that names only `DNS:partner.invalid`.
        case misnamedServer = "misnamed_server"
        /// A TLS client (extended key usage `clientAuth`).
        case client
    }

    public let directory: URL

    /// A fresh temporary directory with the extension sections written in it; `remove()` it.
    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tongban-certificates-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Our own sections, so the result does not depend on the system's openssl.cnf; subjects
        // as UTF8String, so Chinese names are written as they are.
        let config = """
            [req]
            distinguished_name = dn
            string_mask = utf8only
            [dn]
            [ca]
            basicConstraints = critical,CA:TRUE
            keyUsage = critical,keyCertSign,cRLSign
            subjectKeyIdentifier = hash
            [server]
            basicConstraints = CA:FALSE
            keyUsage = critical,digitalSignature
            extendedKeyUsage = serverAuth
            subjectAltName = IP:127.0.0.1,IP:::1,DNS:localhost
            authorityKeyIdentifier = keyid
            [misnamed_server]
            basicConstraints = CA:FALSE
            keyUsage = critical,digitalSignature
            extendedKeyUsage = serverAuth
            subjectAltName = DNS:partner.invalid
            authorityKeyIdentifier = keyid
            [client]
            basicConstraints = CA:FALSE
            keyUsage = critical,digitalSignature
            extendedKeyUsage = clientAuth
            authorityKeyIdentifier = keyid

            """
        try Data(config.utf8).write(to: directory.appendingPathComponent("extensions.cnf"))
    }

    public func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A self-signed CA; `subject` as `openssl -subj` writes it (`/CN=Test CA`).
    public func authority(_ name: String, subject: String) throws -> Identity {
        let identity = paths(name)
        try openssl(["req", "-x509", "-utf8", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", identity.key, "-out", identity.certificate, "-days", "2",
                     "-subj", subject, "-config", "extensions.cnf", "-extensions", "ca"])
        return identity
    }

    /// A certificate `issuer` signs, for `subject` (`/C=CN/O=…/CN=…`, most general first).
    public func leaf(_ name: String, subject: String, profile: Profile, signedBy issuer: Identity) throws -> Identity {
        let identity = paths(name)
        let request = directory.appendingPathComponent("\(name).csr").path
        try openssl(["req", "-new", "-utf8", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", identity.key, "-out", request, "-subj", subject, "-config", "extensions.cnf"])
        try openssl(["x509", "-req", "-in", request, "-CA", issuer.certificate, "-CAkey", issuer.key,
                     "-set_serial", String(UInt32.random(in: 1...UInt32.max)), "-days", "2", "-out", identity.certificate,
                     "-extfile", "extensions.cnf", "-extensions", profile.rawValue])
        return identity
    }

    private func paths(_ name: String) -> Identity {
        Identity(certificate: directory.appendingPathComponent("\(name).pem").path,
                 key: directory.appendingPathComponent("\(name).key").path)
    }

    private func openssl(_ arguments: [String]) throws {
        let run = try Spawned.run("/usr/bin/env", ["openssl"] + arguments, directory: directory)
        guard run.status == 0 else {
            throw OpenSSLFailed(arguments: arguments, status: run.status, message: String(decoding: run.stderr, as: UTF8.self))
        }
    }
}

/// `openssl` exited with an error, most likely because it is not installed (`ops/setup.sh`).
public struct OpenSSLFailed: Error, CustomStringConvertible {
    public let arguments: [String]
    public let status: Int32
    public let message: String
    public var description: String { "openssl \(arguments.joined(separator: " ")) exited with \(status): \(message)" }
}

/// Runs blocking work, such as starting a process and waiting for it, on a thread of its own.
/// Done on a task it would hold one of Swift concurrency's cooperative threads, of which a
/// 2-core machine has two, and stall every other test running in parallel meanwhile.
public func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
