import Testing
import Workloads

@Suite struct ArrivalTests {
    static func gaps(_ process: ArrivalProcess, seed: UInt64 = 5) -> [Double] {
        var random = SeededRandom(seed: seed)
        let times = process.arrivalTimes(window: .seconds(20_000), random: &random).map {
            Double($0.components.seconds) + Double($0.components.attoseconds) * 1e-18
        }
        return zip(times.dropFirst(), times).map { $0 - $1 }
    }

    static func meanAndCV(_ values: [Double]) -> (Double, Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        return (mean, variance.squareRoot() / mean)
    }

    @Test(arguments: [0.5, 2.0, 4.0])
    func poissonHasTheRateAndUnitCV(rate: Double) {
        let (mean, cv) = Self.meanAndCV(Self.gaps(.poisson(ratePerSecond: rate)))
        #expect(abs(mean * rate - 1) < 0.05)
        #expect(abs(cv - 1) < 0.05)
    }

    @Test(arguments: [2.0, 4.0])
    func gammaHasTheRateAndTheCV(cv target: Double) {
        let (mean, cv) = Self.meanAndCV(Self.gaps(.gamma(ratePerSecond: 2, coefficientOfVariation: target)))
        #expect(abs(mean * 2 - 1) < 0.1)
        #expect(abs(cv / target - 1) < 0.15)
    }

    @Test func sameSeedSameSchedule() throws {
        let workload = SyntheticWorkload.make(count: 30, seed: 1)
        let a = try WorkloadSchedule.make(workload: workload, arrivals: .poisson(ratePerSecond: 3), window: .seconds(100), seed: 9)
        let b = try WorkloadSchedule.make(workload: workload, arrivals: .poisson(ratePerSecond: 3), window: .seconds(100), seed: 9)
        #expect(a == b)
        #expect(a.allSatisfy { $0.arrival < .seconds(100) })
        #expect(zip(a, a.dropFirst()).allSatisfy { $0.arrival <= $1.arrival })
        #expect(Set(a.map(\.trace.key)).count > 10, "drawn with replacement across the workload")
    }

    @Test func invalidArrivalSettingsAreRejected() {
        let workload = SyntheticWorkload.make(count: 3, seed: 1)
        #expect(throws: WorkloadError.self) { try WorkloadSchedule.make(workload: workload, arrivals: .poisson(ratePerSecond: -1), window: .seconds(10), seed: 1) }
        #expect(throws: WorkloadError.self) { try WorkloadSchedule.make(workload: workload, arrivals: .poisson(ratePerSecond: .nan), window: .seconds(10), seed: 1) }
        #expect(throws: WorkloadError.self) { try WorkloadSchedule.make(workload: workload, arrivals: .gamma(ratePerSecond: 1, coefficientOfVariation: 0), window: .seconds(10), seed: 1) }
        #expect(throws: WorkloadError.self) { try WorkloadSchedule.make(workload: workload, arrivals: .poisson(ratePerSecond: 1), window: .zero, seed: 1) }
        #expect(throws: WorkloadError.self) { try WorkloadSchedule.make(workload: Workload(name: "none", requests: []), arrivals: .poisson(ratePerSecond: 1), window: .seconds(1), seed: 1) }
    }

    @Test func syntheticWorkloadsAreSeededAndShaped() {
        let a = SyntheticWorkload.make(count: 40, seed: 4), b = SyntheticWorkload.make(count: 40, seed: 4)
        #expect(a == b)
        #expect(a != SyntheticWorkload.make(count: 40, seed: 5))
        let human = a.requests.filter { $0.type == "human" }
        #expect(human.allSatisfy { $0.segments.compactMap(\.call).allSatisfy { $0.duration >= .seconds(10) } })
        #expect(a.requests.filter { $0.type == "chat" }.allSatisfy { $0.callCount == 0 })
        #expect(a.requests.allSatisfy { $0.maxOutputTokenCount > 0 && $0.promptTokenCount < 2048 })
    }

    @Test func seededRandomIsUniformAndRepeatable() {
        var a = SeededRandom(seed: 42), b = SeededRandom(seed: 42)
        #expect((0..<100).map { _ in a.next() } == (0..<100).map { _ in b.next() })
        var random = SeededRandom(seed: 1)
        let values = (0..<20_000).map { _ in random.nextUnitDouble() }
        #expect(values.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(values.reduce(0, +) / 20_000 - 0.5) < 0.01)
    }
}
