import Synchronization
import Testing
@testable import Transformer

@Suite struct WorkerPoolTests {
    @Test(arguments: [1, 2, 3])
    func everyTaskRunsOnceInEveryRegion(threads: Int) {
        let pool = WorkerPool(threadCount: threads)
        for taskCount in [0, 1, 2, 7, 100, 1000] {
            let counts = Mutex([Int](repeating: 0, count: taskCount))
            let workers = Mutex(Set<Int>())
            pool.run(taskCount: taskCount) { task, worker in
                counts.withLock { $0[task] += 1 }
                _ = workers.withLock { $0.insert(worker) }
            }
            #expect(counts.withLock { $0.allSatisfy { $0 == 1 } })
            #expect(workers.withLock { $0.allSatisfy { (0..<threads).contains($0) } })
        }
    }

    @Test func nestedRegionsRunInline() {
        let pool = WorkerPool(threadCount: 2)
        let total = Mutex(0)
        pool.run(taskCount: 4) { _, _ in
            pool.run(taskCount: 3) { _, worker in total.withLock { $0 += worker == 0 ? 1 : 100 } }
        }
        #expect(total.withLock { $0 } == 12)
    }
}
