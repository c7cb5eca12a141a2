import Foundation

/// The certificates a mutual TLS test needs, made afresh by the `openssl` CLI in a temporary
/// directory of their own, so no private key is ever committed and none outlives its test.
/// EC P-256 keys keep making a whole set well under a second.
struct TestCertificates: Sendable {
    /// A PEM certificate and the PEM file of its private key.
    struct Identity: Sendable {
        var certificate: String
        var key: String
    }

    let directory: URL
    /// The CA that signed `server`, `misnamedServer` and `client`: the one both sides trust.
    let caBundle: String
    /// A CA that neither side trusts.
    let otherCABundle: String
    /// The partner, named `IP:127.0.0.1` and `DNS:localhost`.
    let server: Identity
    /// A partner whose certificate is valid but names only `DNS:partner.invalid`.
    let misnamedServer: Identity
    /// The gateway, `CN=tongban-gateway`.
    let client: Identity
    /// `CN=tongban-gateway` as well but signed by the other CA, so only the issuer differs.
    let otherCAClient: Identity
    /// The gateway's next certificate from the trusted CA, `CN=tongban-gateway-2027`: a rotation.
    let rotatedClient: Identity

    static let clientCommonName = "tongban-gateway"
    static let rotatedCommonName = "tongban-gateway-2027"

    /// Makes the whole set, off the cooperative threads; the caller removes it with `remove()`.
    static func make() async throws -> TestCertificates {
        try await onOwnThread { try makeBlocking() }
    }

    private static func makeBlocking() throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tongban-mtls-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            let maker = Maker(directory: directory)
            try maker.writeExtensions()
            let ca = try maker.authority("ca", commonName: "Tongban Test CA")
            let otherCA = try maker.authority("other-ca", commonName: "Untrusted Test CA")
            return TestCertificates(
                directory: directory,
                caBundle: ca.certificate,
                otherCABundle: otherCA.certificate,
                server: try maker.leaf("server", commonName: "partner", extensions: "server", signedBy: ca),
                misnamedServer: try maker.leaf("misnamed-server", commonName: "partner", extensions: "misnamed_server", signedBy: ca),
                client: try maker.leaf("client", commonName: clientCommonName, extensions: "client", signedBy: ca),
                otherCAClient: try maker.leaf("other-ca-client", commonName: clientCommonName, extensions: "client", signedBy: otherCA),
                rotatedClient: try maker.leaf("rotated-client", commonName: rotatedCommonName, extensions: "client", signedBy: ca)
            )
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Runs `openssl` in the certificates' directory.
private struct Maker {
    let directory: URL

    /// Our own extension sections, so the result does not depend on the system's openssl.cnf.
    func writeExtensions() throws {
        let config = """
            [req]
            distinguished_name = dn
            [dn]
            [ca]
            basicConstraints = critical,CA:TRUE
            keyUsage = critical,keyCertSign,cRLSign
            subjectKeyIdentifier = hash
            [server]
            basicConstraints = CA:FALSE
            keyUsage = critical,digitalSignature
            extendedKeyUsage = serverAuth
            subjectAltName = IP:127.0.0.1,DNS:localhost
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

    func authority(_ name: String, commonName: String) throws -> TestCertificates.Identity {
        let identity = paths(name)
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", identity.key, "-out", identity.certificate, "-days", "2",
                     "-subj", "/CN=\(commonName)", "-config", "extensions.cnf", "-extensions", "ca"])
        return identity
    }

    func leaf(_ name: String, commonName: String, extensions: String, signedBy issuer: TestCertificates.Identity) throws -> TestCertificates.Identity {
        let identity = paths(name)
        let request = directory.appendingPathComponent("\(name).csr").path
        try openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", identity.key, "-out", request, "-subj", "/CN=\(commonName)", "-config", "extensions.cnf"])
        try openssl(["x509", "-req", "-in", request, "-CA", issuer.certificate, "-CAkey", issuer.key,
                     "-set_serial", String(UInt32.random(in: 1...UInt32.max)), "-days", "2", "-out", identity.certificate,
                     "-extfile", "extensions.cnf", "-extensions", extensions])
        return identity
    }

    private func paths(_ name: String) -> TestCertificates.Identity {
        TestCertificates.Identity(
            certificate: directory.appendingPathComponent("\(name).pem").path,
            key: directory.appendingPathComponent("\(name).key").path
        )
    }

    private func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = directory
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw OpenSSLFailed(arguments: arguments, status: process.terminationStatus, message: String(decoding: message, as: UTF8.self))
        }
    }
}

/// `openssl` exited with an error, most likely because it is not installed (`ops/setup.sh`).
struct OpenSSLFailed: Error, CustomStringConvertible {
    let arguments: [String]
    let status: Int32
    let message: String
    var description: String { "openssl \(arguments.joined(separator: " ")) exited with \(status): \(message)" }
}
