/// Reads and writes partner XML messages as `XMLTree`s, through libxml2.
///
/// Every Tongbai message passes through here, from a partner the gateway does not control, so
/// parsing is locked down (no DTDs, entities, network or file access; size and depth limits) and
/// writing goes through libxml2's own serializer so escaping and encoding are never hand-rolled.
public enum XMLCodec {
    /// The largest document accepted by default: the 10 MiB body limit of the KSTB interface.
    public static let maximumBytes = 10 << 20

    /// The deepest element nesting accepted. Partner messages are a handful of levels deep; a
    /// deeper document is refused while parsing instead of costing stack and memory.
    public static let maximumDepth = 64
}
