import TongbanCore
import Logging
import ServiceLifecycle
import Synchronization
import TongbanHTTPClient
import TongbanStorage

/// Delivers one destination's queued transfers: takes due transfers (never two of one case at
/// once, so each case's messages arrive in order, while a stuck case holds up no other), sends
/// them with at most `workers` in flight, and records every attempt with its outcome in the same
/// transaction as the transfer's new state.
///
/// A worker is free again as soon as its answer is in: the attempt is recorded (a durable
/// commit) while the next transfer goes out. Until that record is committed the transfer stays
/// `inFlight` in the store, so no later transfer of its case can be taken before it.
///
/// On graceful shutdown it takes no new work and waits for the attempts in flight; the service
/// group bounds that wait. Work a crash interrupted is released when the gateway starts again.
final class DeliveryService: Service {
    let destination: String
    let gateway: Gateway
    let channel: any DeliveryChannel
    let client: any HTTPClient
    let workers: Int
    let schedule: RetrySchedule
    let breaker: CircuitBreaker
    /// Set for partners whose status is polled: a delivered case is polled from then on.
    let pollInterval: Duration?
    /// Set for partners with a request rate limit.
    let pacer: RequestPacer?
    let logger: Logger
    /// Attempts under way: requests sent and not yet answered (at most `workers`).
    let inFlight = Mutex(0)
    /// Attempts answered and still being recorded. At most `maximumRecording`, so a slow store
    /// slows the taking of new work down instead of piling up records.
    let recording = Mutex(0)
    var maximumRecording: Int { 4 * workers }
    /// Set on graceful shutdown: take no new work.
    let stopping = Mutex(false)

    init(destination: String, gateway: Gateway, channel: any DeliveryChannel, client: any HTTPClient, workers: Int,
         retry: GatewayConfiguration.RetryPolicy, breaker: CircuitBreaker, pollInterval: Duration?, pacer: RequestPacer? = nil, logger: Logger) {
        self.destination = destination
        self.gateway = gateway
        self.channel = channel
        self.client = client
        self.workers = workers
        self.schedule = RetrySchedule(policy: retry)
        self.breaker = breaker
        self.pollInterval = pollInterval
        self.pacer = pacer
        self.logger = logger
    }

    var wakeup: Wakeup { gateway.wakeups[destination]! }

    func run() async throws {
        await withGracefulShutdownHandler {
            // Discarding: a finished delivery's task is freed at once (a plain task group keeps
            // every finished child until it is awaited, which here is at shutdown).
            await withDiscardingTaskGroup { group in
                // Consecutive failures to take work (a store that cannot be written, a payload
                // under a key that is not configured): each waits longer, up to a minute, so the
                // log says it once per wait instead of at every look for work.
                var claimFailures = 0
                while !stopping.withLock({ $0 }), !Task.isCancelled {
                    let now = gateway.clock.nowMillis()
                    let free = recording.withLock { $0 } >= maximumRecording ? 0 : workers - inFlight.withLock { $0 }
                    let permits = breaker.permits(capacity: free, now: now)
                    var claimed: [TransferRecord] = []
                    if permits > 0 {
                        do {
                            claimed = try await claim(permits, now: now)
                            claimFailures = 0
                        } catch {
                            claimFailures += 1
                            let pause = Self.claimRetryDelay(afterFailures: claimFailures)
                            logger.error("cannot take transfers", metadata: [
                                "destination": "\(destination)", "error": "\(error)", "failures": "\(claimFailures)", "retryIn": "\(pause)",
                            ])
                            if breaker.state(now: now) == .halfOpen { breaker.cancelProbe() }
                            // New work rings the wakeup; only a shutdown ends the wait early.
                            let until = ContinuousClock.now + pause
                            while !stopping.withLock({ $0 }), !Task.isCancelled, ContinuousClock.now < until {
                                await wakeup.wait(timeout: until - ContinuousClock.now)
                            }
                            continue
                        }
                        if claimed.isEmpty, breaker.state(now: now) == .halfOpen { breaker.cancelProbe() }
                    }
                    for transfer in claimed {
                        inFlight.withLock { $0 += 1 }
                        group.addTask {
                            await self.deliver(transfer) {
                                // Answered: the worker is free for the next transfer while this attempt is recorded.
                                self.inFlight.withLock { $0 -= 1 }
                                self.recording.withLock { $0 += 1 }
                                self.wakeup.signal()
                            }
                            self.recording.withLock { $0 -= 1 }
                            // The case's next transfer, if any, can be taken now.
                            self.wakeup.signal()
                        }
                    }
                    if claimed.count < permits || permits == 0 {
                        await wakeup.wait(timeout: await idleTimeout(now: now))
                    }
                }
            }
        } onGracefulShutdown: {
            self.stopping.withLock { $0 = true }
            self.wakeup.signal()
        }
    }

    /// After `failures` consecutive failures to take work: 1 s, doubling, at most 60 s.
    static func claimRetryDelay(afterFailures failures: Int) -> Duration {
        .seconds(min(60, 1 << min(max(failures - 1, 0), 6)))
    }

    /// How long to wait when there is nothing to do: until the next transfer falls due or the
    /// breaker lets a probe through, between 10 ms and 1 s (a new transfer rings the wakeup).
    /// While the breaker is open or the destination paused nothing falls due (a resume or a
    /// reset rings the wakeup).
    func idleTimeout(now: Int64) async -> Duration {
        var until = now + 1000
        let destination = destination
        if let reopen = breaker.reopensAt() {
            until = min(until, reopen)
        } else if let due = try? await gateway.store.read({ reader in
            try reader.pause(destination: destination) == nil ? reader.nextDueTime(destination: destination) : nil
        }) {
            until = min(until, due)
        }
        return .milliseconds(max(until - now, 10))
    }

    func claim(_ count: Int, now: Int64) async throws -> [TransferRecord] {
        let destination = destination
        return try await gateway.store.write { writer in
            // Paused (a maintenance window): nothing is taken once the pause is committed.
            guard try writer.pause(destination: destination) == nil else { return [] }
            var taken = try writer.dueTransfers(destination: destination, now: now, limit: count)
            for index in taken.indices {
                taken[index].state = .inFlight
                try writer.updateTransfer(taken[index])
            }
            return taken
        }
    }

    /// Sends one attempt and records it; `answered` runs between the two.
    func deliver(_ transfer: TransferRecord, answered: () -> Void = {}) async {
        await pacer?.wait()
        let started = gateway.clock.nowMillis()
        var status: Int?
        var answer: [UInt8]?
        let verdict: DeliveryVerdict
        let request = channel.request(for: transfer, now: started)
        do {
            let response = try await client.execute(request)
            status = response.status
            answer = response.body
            verdict = channel.verdict(for: response, transfer: transfer)
        } catch {
            verdict = error.isRetryable ? .retry(after: nil, code: nil, detail: "\(error)") : .permanent(code: nil, detail: "\(error)")
        }
        let finished = gateway.clock.nowMillis()
        if case .retry = verdict { breaker.recordFailure(now: finished) } else { breaker.recordSuccess() }
        let delay: Duration?
        if case .retry(let after, _, _) = verdict {
            delay = schedule.delay(afterAttempts: transfer.attempts + 1, retryAfter: after)
        } else {
            delay = nil
        }
        answered()
        let sent = SentMessage(route: "\(request.method) \(Self.path(of: request.url))", body: request.body, answer: answer)
        let outcome = await record(transfer, verdict: verdict, httpStatus: status, started: started, finished: finished, delay: delay, sent: sent)
        gateway.countAttempt(destination: destination, verdict: verdict, recorded: outcome, millis: finished - started)
        // A first-time success is routine (debug); anything else is worth an operator's eye.
        let level: Logger.Level = outcome == .delivered && transfer.attempts == 0 ? .debug : (outcome == .dead ? .warning : .info)
        logger.log(level: level, "delivery attempt", metadata: [
            "destination": "\(destination)", "transfer": "\(transfer.id)", "case": "\(transfer.caseID)",
            "attempt": "\(transfer.attempts + 1)", "outcome": "\(outcome?.rawValue ?? "unrecorded")",
        ])
    }

    /// An attempt's request as the message log keeps it.
    struct SentMessage: Sendable {
        /// Method and path: the query may carry a signature, and the host is in the configuration.
        var route: String
        var body: [UInt8]
        /// The answer's bytes; nil when none came.
        var answer: [UInt8]?
    }

    static func path(of url: String) -> String {
        let afterScheme = url.range(of: "://").map { url[$0.upperBound...] } ?? url[...]
        let path = afterScheme.firstIndex(of: "/").map { afterScheme[$0...] } ?? "/"
        return String(path.prefix { $0 != "?" && $0 != "#" })
    }

    /// Stores the attempt, the transfer's new state and the attempt's message log entry in one
    /// transaction; retried a few times because a transfer left `inFlight` waits for the next
    /// restart.
    func record(_ transfer: TransferRecord, verdict: DeliveryVerdict, httpStatus: Int?, started: Int64, finished: Int64, delay: Duration?,
                sent: SentMessage) async -> TransferState? {
        let schedule = schedule
        let pollInterval = pollInterval
        // The log entry's draft (the digests of what was sent and answered) is made here, off the
        // single writer thread; the write fills in the outcome.
        let logged = MessageLogDraft(
            at: started, direction: .outbound, party: destination, route: sent.route, caseID: transfer.caseID,
            transferID: transfer.id, messageID: transfer.messageID, body: sent.body,
            answerDigest: sent.answer.map(MessageLogEntry.digest), httpStatus: httpStatus, actor: "worker")
        for attempt in 1...5 {
            do {
                return try await gateway.store.write { writer in
                    var updated = transfer
                    updated.attempts += 1
                    let outcome: AttemptRecord.Outcome
                    let code: String?
                    let detail: String?
                    switch verdict {
                    case .delivered(let partnerCaseNumber, let answerCode, let answer):
                        outcome = .delivered
                        code = answerCode
                        detail = answer
                        updated.state = .delivered
                        updated.finishedAt = finished
                        updated.lastError = nil
                        if transfer.kind == .case || transfer.kind == .supplement, var record = try writer.caseRecord(id: transfer.caseID) {
                            if record.partnerCaseNumber == nil, let partnerCaseNumber { record.partnerCaseNumber = partnerCaseNumber }
                            if let pollInterval, record.nextPollAt == nil, record.partnerCaseNumber != nil,
                               !(record.status.flatMap(CaseStatus.init(rawValue:))?.isFinal ?? false) {
                                record.nextPollAt = finished + pollInterval.milliseconds
                            }
                            record.updatedAt = finished
                            try writer.updateCase(record)
                        }
                    case .retry(_, let answerCode, let answer):
                        code = answerCode
                        detail = answer
                        if schedule.allowsAnotherAttempt(attempts: updated.attempts - transfer.budgetAttempts, createdAt: transfer.budgetSince ?? transfer.createdAt, now: finished) {
                            outcome = .retry
                            updated.state = .pending
                            updated.nextAttemptAt = finished + (delay ?? .zero).milliseconds
                            updated.lastError = answer
                        } else {
                            outcome = .permanent
                            updated.state = .dead
                            updated.finishedAt = finished
                            updated.lastError = "\(TransferRecord.exhaustedPrefix)\(updated.attempts) attempts: \(answer)"
                        }
                    case .permanent(let answerCode, let answer):
                        outcome = .permanent
                        code = answerCode
                        detail = answer
                        updated.state = .dead
                        updated.finishedAt = finished
                        updated.lastError = answer
                    }
                    try writer.insertAttempt(AttemptRecord(
                        transferID: transfer.id, number: updated.attempts, startedAt: started, durationMillis: finished - started,
                        outcome: outcome, httpStatus: httpStatus, partnerCode: code, detail: detail))
                    var entry = logged
                    entry.result = code.map { "\(outcome.rawValue) \($0)" } ?? outcome.rawValue
                    _ = try writer.appendLog(entry)
                    try writer.updateTransfer(updated)
                    // A retry of a transfer whose replay an operator paused waits for the resume.
                    if updated.state == .pending { try writer.holdIfReplayPaused(transferID: updated.id) }
                    return updated.state
                }
            } catch {
                logger.error("cannot record a delivery attempt", metadata: ["transfer": "\(transfer.id)", "try": "\(attempt)", "error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
        return nil
    }
}
