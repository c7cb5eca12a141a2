#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// An IPv4 or IPv6 address, as the per-address limits on failed authentication count callers
/// and as `listen.trustedProxies` names the proxies in front.
struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6. An IPv4-mapped IPv6 address (`::ffff:192.0.2.7`, how a
    /// dual-stack listener sees an IPv4 caller) is kept as the IPv4 address, so one caller has
    /// one address whichever way the listener was bound.
    let bytes: [UInt8]

    init?(bytes: [UInt8]) {
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            self.bytes = Array(bytes[12...])
        } else if bytes.count == 4 || bytes.count == 16 {
            self.bytes = bytes
        } else {
            return nil
        }
    }

    /// `192.0.2.7`, `2001:db8::7` or `[2001:db8::7]`; nil for anything else (a host name, a port).
    init?(_ text: some StringProtocol) {
        var text = String(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.init(bytes: withUnsafeBytes(of: &v4) { Array($0) })
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            self.init(bytes: withUnsafeBytes(of: &v6) { Array($0) })
        } else {
            return nil
        }
    }

    /// The peer of a TCP connection; nil for a Unix socket or an in-process test channel.
    init?(_ address: SocketAddress?) {
        switch address {
        case .v4(let v4):
            var raw = v4.address.sin_addr
            self.init(bytes: withUnsafeBytes(of: &raw) { Array($0) })
        case .v6(let v6):
            var raw = v6.address.sin6_addr
            self.init(bytes: withUnsafeBytes(of: &raw) { Array($0) })
        default:
            return nil
        }
    }

    var isIPv4: Bool { bytes.count == 4 }

    /// What failures are counted against: an IPv4 address itself, an IPv6 address's /64. One
    /// IPv6 host is usually given a whole /64 and can pick a new address from it for every call.
    var limitKey: AddressBlock { AddressBlock(self, prefixLength: isIPv4 ? 32 : 64) }

    var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = isIPv4 ? AF_INET : AF_INET6
        let written = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &text, socklen_t(text.count)) }
        guard written != nil else { return "?" }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// An address and a prefix length: one address (`/32`, `/128`), a network (`10.0.0.0/8`), or
/// the /64 an IPv6 caller is counted under.
struct AddressBlock: Hashable, Sendable, CustomStringConvertible {
    /// The network's address: the bits past `prefixLength` are zero.
    let network: IPAddress
    let prefixLength: Int

    init(_ address: IPAddress, prefixLength: Int) {
        var bytes = address.bytes
        for index in bytes.indices {
            let kept = min(8, max(0, prefixLength - index * 8))
            bytes[index] &= kept == 0 ? 0 : ~UInt8(0) << (8 - kept)
        }
        network = IPAddress(bytes: bytes)!
        self.prefixLength = prefixLength
    }

    /// `10.0.0.5`, `10.0.0.0/8`, `fd00::/8`; nil when it is neither an address nor a network
    /// with a prefix length its family allows.
    init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let bits = address.bytes.count * 8
        guard parts.count == 2 else {
            self.init(address, prefixLength: bits)
            return
        }
        guard parts[1].allSatisfy(\.isASCII), let length = Int(parts[1]), (0...bits).contains(length) else { return nil }
        self.init(address, prefixLength: length)
    }

    func contains(_ address: IPAddress) -> Bool {
        address.bytes.count == network.bytes.count && AddressBlock(address, prefixLength: prefixLength) == self
    }

    /// The address alone for a single address, `network/length` otherwise.
    var description: String {
        prefixLength == network.bytes.count * 8 ? network.description : "\(network)/\(prefixLength)"
    }
}
