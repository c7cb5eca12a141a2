import Testing
import TongbanCore

struct MessageIDTests {
    private static let hex = Set("0123456789abcdef")

    /// The groups of an id, checked for the UUID text form (8-4-4-4-12 lower-case hex digits).
    private static func groups(_ id: String) -> [String] {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        #expect(parts.map(\.count) == [8, 4, 4, 4, 12], "\(id)")
        #expect(parts.joined().allSatisfy(hex.contains), "\(id)")
        return parts
    }

    @Test func randomIDsAreDistinctVersion4UUIDs() {
        // Many times the 32 ids one fetch of kernel randomness serves: a stale or reused buffer repeats ids.
        let ids = (0..<2_000).map { _ in MessageID.random() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let parts = Self.groups(id)
            #expect(parts[2].first == "4")
            #expect("89ab".contains(parts[3].first!))
        }
    }

    @Test func timeOrderedIDsCarryTheirMillisecondAndSortByIt() {
        let millis: Int64 = 1_763_800_000_123
        let id = MessageID.timeOrdered(millis: millis)
        let parts = Self.groups(id)
        #expect(parts[0] + parts[1] == String(millis, radix: 16).leftPadded(to: 12))
        #expect(parts[2].first == "7")
        #expect("89ab".contains(parts[3].first!))
        let later = (1...50).map { MessageID.timeOrdered(millis: millis + Int64($0)) }
        #expect(([id] + later).sorted() == [id] + later)
    }

    @Test func idsMadeConcurrentlyAreAllDistinct() async {
        let ids = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<1_000).map { _ in MessageID.timeOrdered(millis: 1_763_800_000_000) } }
            }
            return await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(ids.count == 8_000)
        #expect(Set(ids).count == ids.count)
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
