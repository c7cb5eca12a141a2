extension LocalCase.TimeLimit {
    /// A limit from stored or configured values, outside case validation (which is the only
    /// other way to get one); nil when `value` is below 1, the rule of the canonical case.
    public init?(value: Int, in unit: LocalCase.TimeUnit) {
        guard value >= 1 else { return nil }
        self.init(value: value, unit: unit)
    }
}
