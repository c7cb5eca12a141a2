#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Timestamp {
    /// The current instant from the system's real-time clock, written in `offsetSeconds`.
    ///
    /// Read through `clock_gettime` rather than Foundation so the core stays Foundation-free
    /// outside resource loading.
    public static func now(offsetSeconds: Int = chinaStandardTimeOffset) -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(epochSeconds: Int64(spec.tv_sec), offsetSeconds: offsetSeconds)
    }
}
