import Foundation

/// Starts a thread that opens its own connection to `path`, hands it to `run` until `run`
/// returns, then closes it. SQLite calls block, so they live on threads of their own rather than
/// on Swift's cooperative pool; opening on the thread keeps the connection confined to it.
///
/// Returns once the connection is open (or throws why it could not be opened) with the signal
/// fired when the thread has closed its connection and stopped.
func startConnectionThread(
    name: String, path: String, readOnly: Bool, run: @escaping @Sendable (SQLiteConnection) -> Void
) throws -> ExitSignal {
    let exited = ExitSignal()
    let opened = OpenOutcome()
    let thread = Thread {
        // Linux applies a thread's name only from the thread itself, and only up to 15 bytes:
        // named threads are what `top -H` and profilers show the operator.
        Thread.current.name = name
        defer { exited.fire() }
        let connection: SQLiteConnection
        do {
            connection = try SQLiteConnection(path: path, readOnly: readOnly)
        } catch {
            opened.report(.failure(error))
            return
        }
        opened.report(.success(()))
        run(connection)
        connection.close()
    }
    thread.start()
    try opened.wait()
    return exited
}

/// The new thread's answer to "is your connection open?", awaited by the starting thread.
///
/// `@unchecked Sendable` is safe: `outcome` is only read or written while holding `condition`'s lock.
private final class OpenOutcome: @unchecked Sendable {
    private let condition = NSCondition()
    private var outcome: Result<Void, any Error>?

    func report(_ result: Result<Void, any Error>) {
        condition.lock()
        defer { condition.unlock() }
        outcome = result
        condition.signal()
    }

    /// Blocks until the thread reports, and throws its error.
    func wait() throws {
        condition.lock()
        defer { condition.unlock() }
        while outcome == nil { condition.wait() }
        try outcome?.get()
    }
}
