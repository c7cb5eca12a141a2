import Foundation
import TongbanTesting

/// The certificates a mutual TLS test needs, made afresh by `CertificateMaker` (the `openssl`
/// CLI) in a temporary directory of their own.
struct TestCertificates: Sendable {
    typealias Identity = CertificateMaker.Identity

    let directory: URL
    /// The CA that signed `server`, `misnamedServer` and `client`: the one both sides trust.
    let caBundle: String
    /// A CA that neither side trusts.
    let otherCABundle: String
    /// The partner, named `IP:127.0.0.1`, `IP:::1` and `DNS:localhost`.
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
        let maker = try CertificateMaker()
        do {
            let ca = try maker.authority("ca", subject: "/CN=Tongban Test CA")
            let otherCA = try maker.authority("other-ca", subject: "/CN=Untrusted Test CA")
            let client = "/CN=\(clientCommonName)"
            return TestCertificates(
                directory: maker.directory,
                caBundle: ca.certificate,
                otherCABundle: otherCA.certificate,
                server: try maker.leaf("server", subject: "/CN=partner", profile: .server, signedBy: ca),
                misnamedServer: try maker.leaf("misnamed-server", subject: "/CN=partner", profile: .misnamedServer, signedBy: ca),
                client: try maker.leaf("client", subject: client, profile: .client, signedBy: ca),
                otherCAClient: try maker.leaf("other-ca-client", subject: client, profile: .client, signedBy: otherCA),
                rotatedClient: try maker.leaf("rotated-client", subject: "/CN=\(rotatedCommonName)", profile: .client, signedBy: ca)
            )
        } catch {
            maker.remove()
            throw error
        }
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
