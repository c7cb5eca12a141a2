import Synchronization

/// A level-triggered signal: a worker waits for it (or a timeout) and any number of `signal()`s
/// while it was busy wake it exactly once, so no queued transfer is missed.
final class Wakeup: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns when signalled (or already signalled since the last wait), after `timeout`, or when
    /// the calling task is cancelled.
    func wait(timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // A cancelled caller must not wait for a signal that may never come.
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let resumeNow = self.state.withLock { state -> Bool in
                            if state.pending {
                                state.pending = false
                                return true
                            }
                            state.waiter?.resume()
                            state.waiter = continuation
                            return false
                        }
                        if resumeNow { continuation.resume() }
                    }
                } onCancel: {
                    self.signal()
                }
            }
            group.addTask {
                // Cancelled when the signal came first; then it must not signal.
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                self.signal()
            }
            await group.next()
            group.cancelAll()
        }
    }
}
