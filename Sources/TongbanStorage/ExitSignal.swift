import Foundation

/// Fired once by a store thread when it has closed its connection and stopped, so `close()` can
/// wait for it without blocking a cooperative thread.
///
/// `@unchecked Sendable` is safe: `fired` and `waiters` are only touched while holding `lock`.
final class ExitSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var fired = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func fire() {
        let waiting = lock.withLock {
            fired = true
            defer { waiters = [] }
            return waiters
        }
        for waiter in waiting { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let done = lock.withLock {
                if !fired { waiters.append(waiter) }
                return fired
            }
            if done { waiter.resume() }
        }
    }
}
