import Synchronization

/// Deliveries per destination over the last hour, in one-minute buckets, kept in memory: the
/// console's throughput column. Counting delivered transfers by time in the store would read
/// every delivery of the hour on each page view; a restart starts the window afresh.
final class DeliveryThroughput: Sendable {
    static let minutes = 60

    private struct Window {
        /// `counts[i]` holds the deliveries of the minute `minute` for which `minute % 60 == i`.
        var counts = [Int](repeating: 0, count: DeliveryThroughput.minutes)
        var minutes = [Int64](repeating: -1, count: DeliveryThroughput.minutes)
    }

    private let windows = Mutex<[String: Window]>([:])

    /// One delivery to `destination` at `millis` (milliseconds since the Unix epoch).
    func record(_ destination: String, at millis: Int64) {
        let minute = millis / 60_000
        let slot = Int(minute % Int64(Self.minutes))
        windows.withLock { windows in
            var window = windows[destination] ?? Window()
            if window.minutes[slot] != minute {
                window.minutes[slot] = minute
                window.counts[slot] = 0
            }
            window.counts[slot] += 1
            windows[destination] = window
        }
    }

    /// Deliveries to `destination` in the last `minutes` whole minutes before `now` and the
    /// current one (at most an hour).
    func count(_ destination: String, lastMinutes minutes: Int, now: Int64) -> Int {
        let current = now / 60_000
        let oldest = current - Int64(min(minutes, Self.minutes) - 1)
        return windows.withLock { windows in
            guard let window = windows[destination] else { return 0 }
            return zip(window.minutes, window.counts).reduce(0) { sum, slot in
                slot.0 >= oldest && slot.0 <= current ? sum + slot.1 : sum
            }
        }
    }
}
