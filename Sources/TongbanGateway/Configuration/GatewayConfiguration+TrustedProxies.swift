import TongbanCore

extension GatewayConfiguration {
    /// `listen.trustedProxies: [10.0.0.5, "fd00:1::/64"]`: addresses or networks (CIDR) of the
    /// proxies or TLS terminators in front of the listener. Only these are believed when they say
    /// who called (`X-Forwarded-For`); anyone else could write the header.
    static func trustedProxies(_ node: YAMLNode) throws(MappingError) -> [AddressBlock] {
        var blocks: [AddressBlock] = []
        for item in try node.sequence("a list of proxy addresses or networks") {
            let text = try item.string("an IP address or network such as 10.0.0.5 or 10.0.0.0/24")
            guard let block = AddressBlock(text) else {
                throw item.error("listen.trustedProxies: '\(text)' is not an IP address or network (write 10.0.0.5, 10.0.0.0/24 or fd00::/8; no host names)")
            }
            blocks.append(block)
        }
        return blocks
    }
}
