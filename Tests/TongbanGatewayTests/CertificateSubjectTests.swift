import Foundation
import NIOSSL
import Testing
@testable import TongbanGateway
import TongbanTesting
import X509

/// The rule that maps a client certificate to a partner: its whole subject, RFC 4514.
@Suite("Client certificate subjects")
struct CertificateSubjectTests {
    static func subject(_ text: String) throws -> CertificateSubject {
        try CertificateSubject(rfc4514: text)
    }

    static func error(_ text: String) -> String? {
        do { _ = try CertificateSubject(rfc4514: text) } catch { return error.description }
        return nil
    }

    @Test("types by name in any case or by OID, spaces around separators, a multi-valued RDN in any order and escapes all read as one subject")
    func equivalentForms() throws {
        let plain = try Self.subject("CN=kstb.tongbai.example,O=桐柏县政务服务和大数据管理局,C=CN")
        #expect(try Self.subject("cn = kstb.tongbai.example, o = 桐柏县政务服务和大数据管理局, c = CN") == plain)
        #expect(try Self.subject("2.5.4.3=kstb.tongbai.example,2.5.4.10=桐柏县政务服务和大数据管理局,2.5.4.6=CN") == plain)
        // What `openssl x509 -subject -nameopt RFC2253` prints for UTF-8: each byte escaped.
        let escapedO = "桐柏县政务服务和大数据管理局".utf8.map { String(format: "\\%02X", $0) }.joined()
        #expect(try Self.subject("CN=kstb.tongbai.example,O=\(escapedO),C=CN") == plain)
        #expect(plain.description == "CN=kstb.tongbai.example,O=桐柏县政务服务和大数据管理局,C=CN")
        #expect(plain.commonName == "kstb.tongbai.example")
        #expect(try Self.subject("OU=a+CN=b,O=c") == Self.subject("CN=b+OU=a,O=c"))
        let special = try Self.subject("CN=Smith\\, J.\\+co,O=\\#1 \\ ")
        #expect(special.rdns.flatMap { $0 }.map(\.value) == ["Smith, J.+co", "#1  "])
        #expect(try Self.subject(special.description) == special, "description reads back: \(special.description)")
    }

    @Test("no partial match: another order, a missing or extra attribute, another letter case or a longer value is another subject")
    func exactness() throws {
        let configured = try Self.subject("CN=tongbai,O=桐柏县,C=CN")
        for other in ["C=CN,O=桐柏县,CN=tongbai", "CN=tongbai,O=桐柏县", "CN=tongbai,OU=KSTB,O=桐柏县,C=CN", "CN=Tongbai,O=桐柏县,C=CN",
                      "CN=tongbai-test,O=桐柏县,C=CN", "CN=tongbai+OU=x,O=桐柏县,C=CN"] {
            #expect(try Self.subject(other) != configured, "\(other) matched")
        }
    }

    @Test("malformed subjects are refused saying why")
    func malformed() {
        #expect(Self.error("")?.contains("attribute type is missing") == true)
        #expect(Self.error("CN") == "CN has no '=' and value")
        #expect(Self.error("CN=a,,O=b")?.contains("attribute type is missing") == true)
        #expect(Self.error("CN=a,") == "the subject ends with ',' and no attribute after it")
        #expect(Self.error("CN=") == "CN has an empty value")
        #expect(Self.error("CN=#0403616263") == "CN: hex-encoded values (#…) are not supported: write the value as text")
        #expect(Self.error("CN=a;O=b") == "CN: ';' must be escaped as '\\;'")
        #expect(Self.error("CN=a\\q") == "CN: '\\q' is not an RFC 4514 escape")
        #expect(Self.error("CN=\\FF\\FE") == "CN: the escaped bytes are not UTF-8")
        #expect(Self.error("CN=a+CN=b") == "CN appears twice in one RDN")
        #expect(Self.error("Surname=x")?.hasPrefix("unknown attribute type 'Surname'") == true)
        #expect(Self.error("1.2..3=x")?.hasPrefix("unknown attribute type '1.2..3'") == true)
    }

    @Test("a certificate openssl made (UTF8String O, PrintableString C) reads as the subject the configuration writes")
    func fromCertificate() async throws {
        let maker = try CertificateMaker()
        defer { maker.remove() }
        let made = try await onOwnThread {
            let ca = try maker.authority("ca", subject: "/CN=CA")
            return (try maker.leaf("tongbai", subject: "/C=CN/O=桐柏县政务服务和大数据管理局/OU=KSTB+UID=7/CN=kstb.tongbai.example", profile: .client, signedBy: ca),
                    try maker.leaf("other", subject: "/C=CN/O=桐柏县政务服务和大数据管理局/CN=kstb.tongbai.example", profile: .client, signedBy: ca))
        }
        func read(_ identity: CertificateMaker.Identity) throws -> CertificateSubject? {
            let certificate = try #require(try NIOSSLCertificate.fromPEMFile(identity.certificate).first)
            return CertificateSubject(try Certificate(derEncoded: certificate.toDERBytes()).subject)
        }
        let subject = try #require(try read(made.0))
        #expect(subject == (try Self.subject("CN=kstb.tongbai.example,UID=7+OU=KSTB,O=桐柏县政务服务和大数据管理局,C=CN")))
        #expect(subject.commonName == "kstb.tongbai.example")
        #expect(try read(made.1) != subject)
    }
}
