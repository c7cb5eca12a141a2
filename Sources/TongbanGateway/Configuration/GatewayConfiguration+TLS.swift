import NIOSSL
import TongbanCore

extension GatewayConfiguration {
    /// TLS on the gateway's own listener (`listen.tls`): the server's certificate chain and key,
    /// and the CAs whose client certificates partners present. The handshake accepts a caller
    /// without a certificate (windows, operators and the console have none) but refuses one whose
    /// certificate does not chain to `clientCABundle`; partner routes then require the
    /// certificate their `clientSubjects` name.
    public struct ListenerTLS: Sendable {
        /// PEM: the server's certificate first, then any intermediates.
        public var certificate: String
        public var key: String
        /// PEM: the CAs client certificates must chain to. Only these: never the system's store.
        public var clientCABundle: String
        /// What the three files held when the configuration was read, so the listener and a
        /// reload use exactly what was checked.
        let material: ListenerTLSMaterial

        /// The same three paths: a reload reads them again and swaps the handshake's
        /// certificates; other paths need a restart.
        func samePaths(as other: Self) -> Bool {
            Gateway.samePath(certificate, other.certificate) && Gateway.samePath(key, other.key)
                && Gateway.samePath(clientCABundle, other.clientCABundle)
        }

        static func parse(_ node: YAMLNode) throws(MappingError) -> Self {
            let fields = try node.fields(allowed: ["certificate", "key", "clientCABundle"], required: ["certificate", "key", "clientCABundle"])
            let certificate = try fields.required("certificate").string("a PEM file path")
            let key = try fields.required("key").string("a PEM file path")
            let clientCABundle = try fields.required("clientCABundle").string("a PEM file path")
            let material: ListenerTLSMaterial
            do {
                material = try ListenerTLSMaterial(certificate: certificate, key: key, clientCABundle: clientCABundle)
            } catch {
                throw try fields.required(error.key).error("listen.tls.\(error.key): \(error.reason)")
            }
            return Self(certificate: certificate, key: key, clientCABundle: clientCABundle, material: material)
        }
    }

    /// Each partner's `clientSubjects` against `listen.tls`: with TLS on the listener a KSTB
    /// partner must name its certificates (its interface demands mutual TLS); without it no
    /// certificate can be checked, so naming subjects is a mistake. One subject identifies one
    /// partner. `nodes` are the partners' configuration entries, for the error's line.
    static func checkClientSubjects(_ partners: [PartnerConfiguration], nodes: [String: YAMLNode], tls: ListenerTLS?) throws(MappingError) {
        var owner: [CertificateSubject: String] = [:]
        for partner in partners {
            let node = nodes[partner.name]!
            if tls == nil, !partner.clientSubjects.isEmpty {
                throw node.error("partners.\(partner.name).clientSubjects needs listen.tls: without TLS on the gateway's listener no client certificate reaches it (a terminator in front checks certificates itself)")
            }
            if tls != nil, partner.wireProtocol == .kstb, partner.clientSubjects.isEmpty {
                throw node.error("partners.\(partner.name).clientSubjects is required while listen.tls is on: protocol kstb authenticates by client certificate; list the subject (RFC 4514) of each certificate the partner may present")
            }
            for subject in partner.clientSubjects {
                if let other = owner.updateValue(partner.name, forKey: subject), other != partner.name {
                    throw node.error("partners.\(partner.name).clientSubjects: \(subject) is also \(other)'s: one certificate identifies one partner")
                }
            }
        }
    }
}

extension PartnerConfiguration {
    /// `clientSubjects: ["CN=…,O=…,C=CN", …]`: two during a rotation.
    static func clientSubjects(_ node: YAMLNode) throws(MappingError) -> [CertificateSubject] {
        var subjects: [CertificateSubject] = []
        for item in try node.sequence("a list of certificate subjects (RFC 4514)") {
            let text = try item.string("a certificate subject such as \"CN=kstb.example,O=…,C=CN\"")
            let subject: CertificateSubject
            do throws(CertificateSubject.SyntaxError) { subject = try CertificateSubject(rfc4514: text) } catch {
                throw item.error("clientSubjects: '\(text)' is not a certificate subject: \(error)")
            }
            guard !subjects.contains(subject) else { throw item.error("clientSubjects lists \(subject) twice") }
            subjects.append(subject)
        }
        guard !subjects.isEmpty else { throw node.error("clientSubjects needs at least one subject") }
        return subjects
    }
}

/// The listener's handshake configuration, built from what the three files held when the
/// configuration was read: the listener and a reload use exactly what was checked, never the
/// paths again.
struct ListenerTLSMaterial: Sendable {
    let context: NIOSSLContext
    /// The server's own certificate and the client CAs, to say what a reload changed.
    let serverCertificate: NIOSSLCertificate
    let clientCAs: [NIOSSLCertificate]

    /// Which `listen.tls` key a file problem is about.
    struct Problem: Error {
        var key: String
        var reason: String
    }

    init(certificate: String, key keyPath: String, clientCABundle: String) throws(Problem) {
        func certificates(_ path: String, _ key: String) throws(Problem) -> [NIOSSLCertificate] {
            let loaded: [NIOSSLCertificate]
            do { loaded = try NIOSSLCertificate.fromPEMFile(path) } catch {
                throw Problem(key: key, reason: "cannot read PEM certificates from \(path): \(error)")
            }
            guard !loaded.isEmpty else { throw Problem(key: key, reason: "\(path) holds no PEM certificate") }
            return loaded
        }
        let chain = try certificates(certificate, "certificate")
        let clientCAs = try certificates(clientCABundle, "clientCABundle")
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: keyPath, format: .pem) } catch {
            throw Problem(key: "key", reason: "cannot read a PEM private key from \(keyPath) (an encrypted key is not supported): \(error)")
        }
        // TLS 1.2 or later; a client certificate optional, but when presented verified against
        // `clientCAs` only (their names are sent, so a client holding several picks the right one).
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = .optionalVerification
        configuration.trustRoots = .certificates(clientCAs)
        configuration.sendCANameList = true
        do { context = try NIOSSLContext(configuration: configuration) } catch {
            // BoringSSL checks the key against the chain's first certificate here.
            throw Problem(key: "key", reason: "\(keyPath) and the certificate in \(certificate) do not make a TLS server (is it that certificate's key?): \(error)")
        }
        serverCertificate = chain[0]
        self.clientCAs = clientCAs
    }
}
