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

    /// Queues `job` and wakes one waiting thread; false when the queue is closed.
    func push(_ job: Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// Blocks until jobs are queued, then takes up to `limit` of them in order; nil once the
    /// queue is closed and drained.
    func take(upTo limit: Int) -> [Job]? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty && !closed { condition.wait() }
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
