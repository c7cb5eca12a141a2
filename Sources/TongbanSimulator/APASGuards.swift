import TongbanPartners

/// The nonces Zaoyang has seen in the last 600 s: a request reusing one is a replay.
struct NonceMemory: Sendable {
    private var seen: [String: Int64] = [:]
    private var arrivals: [(nonce: String, at: Int64)] = []
    private var head = 0

    /// Remembers `nonce`; false when it was already used within the memory window.
    mutating func admit(_ nonce: String, at now: Int64) -> Bool {
        forget(before: now - APASSignature.nonceMemoryMillis)
        guard seen[nonce] == nil else { return false }
        seen[nonce] = now
        arrivals.append((nonce, now))
        return true
    }

    private mutating func forget(before cutoff: Int64) {
        while head < arrivals.count, arrivals[head].at < cutoff {
            if seen[arrivals[head].nonce] == arrivals[head].at { seen[arrivals[head].nonce] = nil }
            head += 1
        }
        if head > 1024, head * 2 > arrivals.count {
            arrivals.removeFirst(head)
            head = 0
        }
    }
}

/// Zaoyang's rate limit: at most `limit` requests per appId in each wall-clock second.
struct RateLimiter: Sendable {
    let limit: Int
    private var windows: [String: (second: Int64, count: Int)] = [:]

    init(limit: Int) { self.limit = limit }

    /// Counts a request; false when it is over the limit for its second.
    mutating func admit(_ appID: String, at now: Int64) -> Bool {
        let second = now / 1000
        if windows.count > 10_000 { windows = windows.filter { $0.value.second == second } }
        var window = windows[appID] ?? (second, 0)
        if window.second != second { window = (second, 0) }
        window.count += 1
        windows[appID] = window
        return window.count <= limit
    }
}
