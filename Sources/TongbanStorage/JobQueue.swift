import Foundation

/// A FIFO of jobs handed from async callers to the store's threads, which block on it while it
/// is empty. Closing it refuses new jobs; the threads drain what is queued, then stop.
///
/// `@unchecked Sendable` is safe: `jobs` and `closed` are only read or written while holding
/// `condition`'s lock.
final class JobQueue<Job: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var closed = false

    /// While a taker gathers (see `take(upTo:gathering:within:)`), how many jobs it waits for.
    private var gatherTarget = Int.max

    /// Queues `job` and wakes one waiting thread; false when the queue is closed. A taker that is
    /// gathering is woken only once its target is queued.
    func push(_ job: Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        jobs.append(job)
        if jobs.count == 1 || jobs.count >= gatherTarget { condition.signal() }
        return true
    }

    /// Blocks until jobs are queued, then takes up to `limit` of them in order; nil once the
    /// queue is closed and drained.
    func take(upTo limit: Int) -> [Job]? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty && !closed { condition.wait() }
        return removeFirst(upTo: limit)
    }

    /// Like `take(upTo:)`, but once a job is queued, waits up to `delay` for `target` jobs (at
    /// most `limit`) before taking them, so that they are handled together.
    func take(upTo limit: Int, gathering target: Int, within delay: Duration) -> [Job]? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty && !closed { condition.wait() }
        if jobs.count < min(target, limit) && !closed {
            let (seconds, attoseconds) = delay.components
            let deadline = Date(timeIntervalSinceNow: Double(seconds) + Double(attoseconds) * 1e-18)
            gatherTarget = min(target, limit)
            while jobs.count < gatherTarget && !closed && condition.wait(until: deadline) {}
            gatherTarget = .max
        }
        return removeFirst(upTo: limit)
    }

    /// The first `limit` jobs, removed; nil when there are none. Call holding `condition`'s lock.
    private func removeFirst(upTo limit: Int) -> [Job]? {
        guard !jobs.isEmpty else { return nil }
        guard jobs.count > limit else {
            defer { jobs = [] }
            return jobs
        }
        defer { jobs.removeFirst(limit) }
        return Array(jobs.prefix(limit))
    }

    func close() {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
    }
}
