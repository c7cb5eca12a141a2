import TongbanCore

extension GatewayConfiguration {
    /// 1 GiB: at the intake benchmark's rate a few minutes of cases, and room for hours of
    /// deliveries, acknowledgements and their log entries while an operator makes space.
    public static let defaultMinimumFreeBytes: Int64 = 1 << 30

    /// `storage: {minFreeSpace: 1GiB}`.
    static func minimumFreeBytes(_ node: YAMLNode) throws(MappingError) -> Int64 {
        let storage = try node.fields(allowed: ["minFreeSpace"], required: ["minFreeSpace"])
        return try storage.required("minFreeSpace").byteSize()
    }
}

extension YAMLNode {
    /// `0`, `4096B`, `512KiB`, `200MiB`, `1GiB` or `1TiB`: binary units, so the figure is the one
    /// `df -h` shows.
    func byteSize() throws(MappingError) -> Int64 {
        let text = try string("a size such as 1GiB")
        if text == "0" { return 0 }
        let units: [(String, Int64)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40), ("B", 1)]
        for (suffix, bytes) in units where text.hasSuffix(suffix) {
            if let value = Int64(text.dropLast(suffix.count)), value >= 0, value <= (1 << 20) {
                return value * bytes
            }
        }
        throw error("\(text) is not a size: write a whole number and a unit, B, KiB, MiB, GiB or TiB (e.g. 1GiB), or 0 to turn the check off")
    }
}

extension GatewayConfiguration {
    /// The database file in `dataDirectory`.
    public var databasePath: String {
        dataDirectory.appendingPathComponent("tongban.sqlite").path
    }
}
