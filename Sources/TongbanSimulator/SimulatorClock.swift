import Foundation
import TongbanCore

/// Where the simulator reads the time. Status progression, signature freshness and nonce memory
/// all follow it, so a test can move time forward instead of sleeping.
public struct SimulatorClock: Sendable {
    /// Milliseconds since the Unix epoch.
    public let nowMillis: @Sendable () -> Int64

    public init(nowMillis: @escaping @Sendable () -> Int64) { self.nowMillis = nowMillis }

    /// The system's real-time clock.
    public static let system = SimulatorClock { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// The current instant in China Standard Time, as the partners write times.
    func timestamp() -> Timestamp { Self.timestamp(nowMillis()) }

    static func timestamp(_ millis: Int64) -> Timestamp {
        Timestamp(epochSeconds: millis / 1000, offsetSeconds: Timestamp.chinaStandardTimeOffset)
    }
}
