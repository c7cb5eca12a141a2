import Foundation
import TongbanCore

extension GatewayConfiguration {
    /// Reads and checks the configuration file. Relative paths in it are relative to the
    /// directory the gateway is started from (the repository root in the samples).
    ///
    /// - Parameter environment: where `env:` secrets are looked up (the process environment).
    public static func load(file: URL, environment: [String: String] = ProcessInfo.processInfo.environment) throws(MappingError) -> GatewayConfiguration {
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw MappingError(file: file.path, message: "cannot read the configuration: \(error.localizedDescription)")
        }
        return try parse(text, file: file.path, environment: environment)
    }

    public static func parse(_ text: String, file: String, environment: [String: String]) throws(MappingError) -> GatewayConfiguration {
        let root = try YAMLNode.parse(text, file: file)
        let fields = try root.fields(
            allowed: ["listen", "dataDirectory", "mappings", "local", "delivery", "partners", "shutdownGrace", "maxBodyBytes", "messageLog", "operators", "sla", "storage"],
            required: ["listen", "dataDirectory", "mappings", "local", "partners"])
        let listen = try fields.required("listen").fields(allowed: ["host", "port", "readTimeout", "idleTimeout", "tls", "trustedProxies", "failedAuthentication"], required: ["host", "port"])
        let port = try listen.required("port").int("a port number")
        guard (0...65535).contains(port) else { throw try listen.required("port").error("port must be 0–65535") }

        let delivery = try DeliveryPolicy.parse(fields["delivery"])
        var partners: [PartnerConfiguration] = []
        var partnerNodes: [String: YAMLNode] = [:]
        for (name, keyNode, value) in try fields.required("partners").mapping("a mapping of partner names") {
            guard !partners.contains(where: { $0.name == name }) else { throw keyNode.error("partner \(name) is configured twice") }
            partners.append(try PartnerConfiguration.parse(value, name: name, defaults: delivery, environment: environment))
            partnerNodes[name] = value
        }
        let tls = try listen["tls"].map { node throws(MappingError) in try ListenerTLS.parse(node) }
        try checkClientSubjects(partners, nodes: partnerNodes, tls: tls)
        let maxBody = try fields["maxBodyBytes"]?.int("a byte count") ?? 1 << 20
        guard maxBody >= 1024 else { throw fields["maxBodyBytes"]!.error("maxBodyBytes must be at least 1024") }
        var keepBodies = Duration.seconds(30 * 86_400)
        if let messageLog = fields["messageLog"] {
            let log = try messageLog.fields(allowed: ["keepBodies"], required: ["keepBodies"])
            keepBodies = try log.required("keepBodies").duration()
            guard keepBodies >= .seconds(3600) else { throw try log.required("keepBodies").error("keepBodies must be at least 1h") }
        }
        var configuration = GatewayConfiguration(
            host: try listen.required("host").string("a host name or address"),
            port: port,
            dataDirectory: URL(fileURLWithPath: try fields.required("dataDirectory").string("a directory path")),
            mappings: URL(fileURLWithPath: try fields.required("mappings").string("a directory path")),
            local: try LocalSystem.parse(fields.required("local")),
            delivery: delivery,
            partners: partners,
            shutdownGrace: try fields["shutdownGrace"].map { node throws(MappingError) in try node.duration() } ?? .seconds(10),
            maxBodyBytes: maxBody)
        configuration.keepMessageBodies = keepBodies
        configuration.readTimeout = try listenTimeout(listen["readTimeout"], key: "readTimeout", default: defaultReadTimeout)
        configuration.idleTimeout = try listenTimeout(listen["idleTimeout"], key: "idleTimeout", default: defaultIdleTimeout)
        configuration.tls = tls
        configuration.trustedProxies = try listen["trustedProxies"].map { node throws(MappingError) in try trustedProxies(node) } ?? []
        if let node = listen["failedAuthentication"] { configuration.addressLockout = try failedAuthentication(node) }
        if let storage = fields["storage"] { try configuration.applyStorage(storage) }
        for (name, _, value) in try fields["operators"]?.mapping("a mapping of operator names") ?? [] {
            let person = try value.fields(allowed: ["role", "tokenSha256", "passwordHash", "rateLimit"], required: ["role", "tokenSha256"])
            let roleText = try person.required("role").string()
            guard let role = Operator.Role(rawValue: roleText) else {
                throw try person.required("role").error("role \(roleText) is not viewer or operator")
            }
            let digest = try person.required("tokenSha256").sha256Digest()
            guard !configuration.operators.contains(where: { $0.tokenSHA256 == digest }) else {
                throw try person.required("tokenSha256").error("operator \(name) has the same token as another operator")
            }
            configuration.operators.append(Operator(name: name, role: role, tokenSHA256: digest,
                                                    passwordHash: try person["passwordHash"]?.passwordHash(),
                                                    rateLimit: try person["rateLimit"]?.rateLimit("operators.\(name).rateLimit") ?? .operatorDefault))
        }
        if let node = fields["sla"] {
            let sla = try node.fields(allowed: ["holidays", "dueSoon"], required: ["holidays"])
            configuration.sla = SLASettings(
                holidays: URL(fileURLWithPath: try sla.required("holidays").string("a directory path")),
                dueSoon: try sla["dueSoon"].map { node throws(MappingError) in try node.duration() } ?? .seconds(86_400))
        }
        return configuration
    }
}

extension GatewayConfiguration.LocalSystem {
    static func parse(_ node: YAMLNode) throws(MappingError) -> Self {
        let fields = try node.fields(allowed: ["name", "endpoint", "apiKeys", "transport", "rateLimit"], required: ["name", "endpoint", "apiKeys"])
        let everyKey = try fields["rateLimit"]?.rateLimit("local.rateLimit") ?? .localDefault
        var keys: [GatewayConfiguration.APIKey] = []
        for item in try fields.required("apiKeys").sequence("a list of API keys") {
            let key = try item.fields(allowed: ["name", "sha256", "rateLimit"], required: ["name", "sha256"])
            let name = try key.required("name").string()
            keys.append(.init(name: name, sha256: try key.required("sha256").sha256Digest(),
                              rateLimit: try key["rateLimit"]?.rateLimit("local.apiKeys[\(name)].rateLimit") ?? everyKey))
        }
        guard !keys.isEmpty else { throw try fields.required("apiKeys").error("at least one API key is needed") }
        return Self(name: try fields.required("name").string(),
                    endpoint: try fields.required("endpoint").httpURL(),
                    apiKeys: keys,
                    transport: try .parse(fields["transport"]))
    }
}

extension GatewayConfiguration.DeliveryPolicy {
    static let defaults = Self(
        retry: .init(base: .seconds(1), cap: .seconds(300), maxAttempts: 12, maxAge: .seconds(72 * 3600)),
        breaker: .init(failures: 5, openFor: .seconds(30)),
        workers: 4)

    static func parse(_ node: YAMLNode?) throws(MappingError) -> Self {
        guard let node else { return defaults }
        let fields = try node.fields(allowed: ["retry", "breaker", "workers"])
        var policy = defaults
        if let retry = fields["retry"] { policy.retry = try .parse(retry, defaults: defaults.retry) }
        if let breaker = fields["breaker"] {
            let b = try breaker.fields(allowed: ["failures", "openFor"])
            if let n = b["failures"] { policy.breaker.failures = try n.positiveInt() }
            if let d = b["openFor"] { policy.breaker.openFor = try d.duration() }
        }
        if let workers = fields["workers"] { policy.workers = try workers.positiveInt() }
        return policy
    }
}

extension GatewayConfiguration.RetryPolicy {
    static func parse(_ node: YAMLNode, defaults: Self) throws(MappingError) -> Self {
        let fields = try node.fields(allowed: ["base", "cap", "maxAttempts", "maxAge"])
        var policy = defaults
        if let n = fields["base"] { policy.base = try n.duration() }
        if let n = fields["cap"] { policy.cap = try n.duration() }
        if let n = fields["maxAttempts"] { policy.maxAttempts = try n.positiveInt() }
        if let n = fields["maxAge"] { policy.maxAge = try n.duration() }
        guard policy.base <= policy.cap else { throw node.error("retry base must not exceed cap") }
        return policy
    }
}

extension GatewayConfiguration.TransportSettings {
    static func parse(_ node: YAMLNode?) throws(MappingError) -> Self {
        var settings = Self(connectTimeout: .seconds(5), totalTimeout: .seconds(30), proxy: nil,
                            clientCertificate: nil, clientKey: nil, caBundle: nil)
        guard let node else { return settings }
        let fields = try node.fields(allowed: ["connectTimeout", "totalTimeout", "proxy", "clientCertificate", "clientKey", "caBundle"])
        if let n = fields["connectTimeout"] { settings.connectTimeout = try n.duration() }
        if let n = fields["totalTimeout"] { settings.totalTimeout = try n.duration() }
        settings.proxy = try fields["proxy"]?.string()
        settings.clientCertificate = try fields["clientCertificate"]?.string()
        settings.clientKey = try fields["clientKey"]?.string()
        settings.caBundle = try fields["caBundle"]?.string()
        guard (settings.clientCertificate == nil) == (settings.clientKey == nil) else {
            throw node.error("clientCertificate and clientKey go together")
        }
        return settings
    }
}

extension PartnerConfiguration {
    static func parse(_ node: YAMLNode, name: String, defaults: GatewayConfiguration.DeliveryPolicy,
                      environment: [String: String]) throws(MappingError) -> Self {
        let fields = try node.fields(
            allowed: ["protocol", "baseURL", "transport", "retry", "workers", "appId", "appSecret", "partnerAppId",
                      "partnerSecret", "previousPartnerSecret", "pollInterval", "minimumPollInterval", "requestsPerSecond", "tokens", "rateLimit",
                      "clientSubjects"],
            required: ["protocol"])
        let protocolNode = try fields.required("protocol")
        let protocolName = try protocolNode.string()
        guard let wire = WireProtocol(rawValue: protocolName) else {
            throw protocolNode.error("unknown protocol \(protocolName); known: \(WireProtocol.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var partner = PartnerConfiguration(
            name: name, wireProtocol: wire,
            baseURL: try fields["baseURL"]?.httpURL(),
            transport: try .parse(fields["transport"]),
            retry: try fields["retry"].map { n throws(MappingError) in try .parse(n, defaults: defaults.retry) } ?? defaults.retry,
            workers: try fields["workers"]?.positiveInt() ?? defaults.workers,
            appID: try fields["appId"]?.string(),
            appSecret: try fields["appSecret"].map { n throws(MappingError) in try n.secret(environment) },
            partnerAppID: try fields["partnerAppId"]?.string(),
            partnerSecret: try fields["partnerSecret"].map { n throws(MappingError) in try n.secret(environment) },
            pollInterval: try fields["pollInterval"]?.duration() ?? .seconds(300),
            requestsPerSecond: try fields["requestsPerSecond"]?.positiveInt() ?? 10,
            tokenDigests: [])
        partner.previousPartnerSecret = try fields["previousPartnerSecret"].map { n throws(MappingError) in try n.secret(environment) }
        partner.rateLimit = try fields["rateLimit"]?.rateLimit("partners.\(name).rateLimit") ?? .partnerDefault(wire)
        partner.clientSubjects = try fields["clientSubjects"].map { n throws(MappingError) in try Self.clientSubjects(n) } ?? []
        if let tokens = fields["tokens"] {
            for item in try tokens.sequence("a list of token digests") {
                let token = try item.fields(allowed: ["sha256"], required: ["sha256"])
                partner.tokenDigests.append(try token.required("sha256").sha256Digest())
            }
        }
        func require(_ key: String, _ present: Bool) throws(MappingError) {
            if !present { throw node.error("protocol \(wire.rawValue) needs \(key)") }
        }
        switch wire {
        case .kstb:
            try require("baseURL", partner.baseURL != nil)
        case .apas:
            try require("baseURL", partner.baseURL != nil)
            try require("appId", partner.appID != nil)
            try require("appSecret", partner.appSecret != nil)
            try require("partnerAppId", partner.partnerAppID != nil)
            try require("partnerSecret", partner.partnerSecret != nil)
            let minimum = try fields["minimumPollInterval"]?.duration() ?? .seconds(300)
            if partner.pollInterval < minimum {
                throw (fields["pollInterval"] ?? node).error("pollInterval must be at least \(minimum.milliseconds / 1000) s: the partner allows one status poll per case that often (minimumPollInterval)")
            }
        case .hub:
            try require("tokens", !partner.tokenDigests.isEmpty)
            if partner.tokenDigests.count > 2 { throw fields["tokens"]!.error("at most two tokens are valid at once") }
        }
        return partner
    }
}

extension YAMLNode {
    /// `500ms`, `30s`, `5m`, `72h` or `3d`.
    func duration() throws(MappingError) -> Duration {
        let text = try string("a duration such as 30s")
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (suffix, millis) in units where text.hasSuffix(suffix) {
            if let value = Int64(text.dropLast(suffix.count)), value >= 0, value <= 10_000_000 {
                return .milliseconds(value * millis)
            }
        }
        throw error("\(text) is not a duration: write a whole number and a unit, ms, s, m, h or d (e.g. 30s)")
    }

    func positiveInt() throws(MappingError) -> Int {
        let value = try int("a positive integer")
        guard value >= 1 else { throw error("must be at least 1") }
        return value
    }

    func httpURL() throws(MappingError) -> String {
        let text = try string("a URL")
        guard text.hasPrefix("http://") || text.hasPrefix("https://"), URL(string: text) != nil else {
            throw error("\(text) is not an http:// or https:// URL")
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    func sha256Digest() throws(MappingError) -> String {
        let text = try string("a SHA-256 digest")
        guard text.utf8.count == 64, text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else {
            throw error("must be the lower-case hex SHA-256 of the secret (64 characters), never the secret itself")
        }
        return text
    }

    /// `{file: PATH}`, `{env: NAME}` or `{demo: VALUE}`.
    func secret(_ environment: [String: String]) throws(MappingError) -> Secret {
        let fields = try self.fields(allowed: ["file", "env", "demo"])
        guard fields.entries.count == 1, let entry = fields.entries.first else {
            throw error("a secret is exactly one of file:, env: or demo:")
        }
        let value = try entry.value.string()
        switch entry.key {
        case "file":
            guard let data = FileManager.default.contents(atPath: value) else {
                throw entry.value.error("cannot read the secret file \(value)")
            }
            var bytes = [UInt8](data)
            while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
            guard !bytes.isEmpty else { throw entry.value.error("the secret file \(value) is empty") }
            return Secret(source: .file(value), bytes: bytes)
        case "env":
            guard let secret = environment[value], !secret.isEmpty else {
                throw entry.value.error("the environment variable \(value) is not set")
            }
            return Secret(source: .environment(value), bytes: Array(secret.utf8))
        default:
            return Secret(source: .demo, bytes: Array(value.utf8))
        }
    }
}
