internal import Foundation

/// The threads that run curl's blocking transfers, so that they never occupy a thread of Swift's
/// cooperative pool. Each thread owns one `CurlEasyHandle` and takes requests from a shared
/// queue in arrival order.
///
/// Thread-safe through `condition`; the threads keep the pool alive until they exit.
final class CurlWorkerPool: @unchecked Sendable {
    typealias Completion = CheckedContinuation<Result<HTTPClientResponse, HTTPClientError>, Never>

    private struct Job {
        let request: HTTPClientRequest
        let completion: Completion
    }

    private let condition = NSCondition()
    /// Pending jobs; `queue[queueHead...]` are still waiting, the prefix is compacted away.
    private var queue: [Job] = []
    private var queueHead = 0
    private var isShuttingDown = false
    /// Bumped by `renewConnections`; a thread whose handle is older replaces it before its next job.
    private var generation = 0
    private var runningWorkers: Int
    private var shutdownWaiters: [CheckedContinuation<Void, Never>] = []

    init(configuration: CurlHTTPClient.Configuration) {
        runningWorkers = configuration.connections
        for index in 0..<configuration.connections {
            let thread = Thread { [self] in
                // Set from the thread itself: Linux names only the calling thread (15 bytes at most).
                Thread.current.name = "tb-http-\(index)"
                work(configuration)
                workerFinished()
            }
            thread.start()
        }
    }

    /// Queues `request`; `completion` is resumed on a worker thread once it ran, or at once with
    /// `.shutDown` when shutdown has begun.
    func submit(_ request: HTTPClientRequest, completion: Completion) {
        condition.lock()
        guard !isShuttingDown else {
            condition.unlock()
            completion.resume(returning: .failure(.shutDown))
            return
        }
        queue.append(Job(request: request, completion: completion))
        condition.signal()
        condition.unlock()
    }

    /// Refuses new requests; the threads finish every queued one, then exit.
    func beginShutdown() {
        condition.lock()
        isShuttingDown = true
        condition.broadcast()
        condition.unlock()
    }

    /// `beginShutdown`, then waits until every thread has exited.
    func shutdown() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            condition.lock()
            isShuttingDown = true
            condition.broadcast()
            guard runningWorkers > 0 else {
                condition.unlock()
                waiter.resume()
                return
            }
            shutdownWaiters.append(waiter)
            condition.unlock()
        }
    }

    /// Makes every thread close its connections and start a fresh handle before its next
    /// request, so new certificate, key or CA files (replaced at the same paths) are read and no
    /// TLS session of the old ones is resumed. Requests under way finish on their connection.
    func renewConnections() {
        condition.lock()
        generation += 1
        condition.unlock()
    }

    private func work(_ configuration: CurlHTTPClient.Configuration) {
        var handle = CurlEasyHandle(configuration: configuration)
        var handleGeneration = 0
        while let (job, current) = nextJob() {
            if current != handleGeneration {
                handle = CurlEasyHandle(configuration: configuration)
                handleGeneration = current
            }
            job.completion.resume(returning: handle.perform(job.request))
        }
    }

    /// The oldest queued job and the current generation; nil once shutdown has begun and the
    /// queue is empty.
    private func nextJob() -> (Job, Int)? {
        condition.lock()
        defer { condition.unlock() }
        while queueHead == queue.count {
            if isShuttingDown { return nil }
            condition.wait()
        }
        let job = queue[queueHead]
        queueHead += 1
        if queueHead == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
        } else if queueHead >= 64 && queueHead * 2 >= queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
        return (job, generation)
    }

    private func workerFinished() {
        condition.lock()
        runningWorkers -= 1
        let waiters = runningWorkers == 0 ? shutdownWaiters : []
        if runningWorkers == 0 { shutdownWaiters.removeAll() }
        condition.unlock()
        for waiter in waiters { waiter.resume() }
    }
}
