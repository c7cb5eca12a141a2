import Foundation
import Testing
@testable import TongbanStorage

/// The writer's queue gathers a group only while it is worth it: a lone write never waits, and a
/// gathering ends as soon as its target is queued or its delay has passed.
@Suite struct JobQueueTests {
    @Test func aLoneJobIsTakenAtOnce() {
        let queue = JobQueue<Int>()
        _ = queue.push(1)
        let started = ContinuousClock.now
        #expect(queue.take(upTo: 10, gathering: 1, within: .seconds(30)) == [1])
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func gatheringEndsWhenTheTargetIsQueued() {
        let queue = JobQueue<Int>()
        _ = queue.push(1)
        let pusher = Thread {
            Thread.sleep(forTimeInterval: 0.05)
            _ = queue.push(2)
            _ = queue.push(3)
        }
        pusher.start()
        let started = ContinuousClock.now
        let taken = queue.take(upTo: 10, gathering: 3, within: .seconds(30))
        #expect(taken == [1, 2, 3])
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func gatheringEndsAfterItsDelayWithWhatIsQueued() {
        let queue = JobQueue<Int>()
        _ = queue.push(1)
        let started = ContinuousClock.now
        #expect(queue.take(upTo: 10, gathering: 5, within: .milliseconds(50)) == [1])
        #expect(ContinuousClock.now - started >= .milliseconds(50))
    }

    @Test func closingEndsAGathering() {
        let queue = JobQueue<Int>()
        _ = queue.push(1)
        let closer = Thread {
            Thread.sleep(forTimeInterval: 0.05)
            queue.close()
        }
        closer.start()
        let started = ContinuousClock.now
        #expect(queue.take(upTo: 10, gathering: 5, within: .seconds(30)) == [1])
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(queue.take(upTo: 10) == nil)
    }
}
