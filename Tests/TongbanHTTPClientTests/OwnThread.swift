import Foundation

/// Runs blocking work, such as starting a process and waiting for it, on a thread of its own.
/// Done on a task it would hold one of Swift concurrency's cooperative threads, of which a
/// 2-core machine has two, and stall every other test running in parallel meanwhile.
func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
