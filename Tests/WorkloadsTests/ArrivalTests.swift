import Testing
import Workloads

@Suite struct ArrivalTests {
    static func gaps(_ process: ArrivalProcess, seed: UInt64 = 5) throws -> [Double] {
        var random = SeededRandom(seed: seed)
        let times = try process.arrivalTimes(window: .seconds(20_000), maxCount: 1_000_000, random: &random).map {
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
    func poissonHasTheRateAndUnitCV(rate: Double) throws {
        let (mean, cv) = Self.meanAndCV(try Self.gaps(.poisson(ratePerSecond: rate)))
        #expect(abs(mean * rate - 1) < 0.05)
        #expect(abs(cv - 1) < 0.05)
    }

    @Test(arguments: [1.0, 2.0, 4.0])
    func gammaHasTheRateAndTheCV(cv target: Double) throws {
        let (mean, cv) = Self.meanAndCV(try Self.gaps(.gamma(ratePerSecond: 2, coefficientOfVariation: target)))
        #expect(abs(mean * 2 - 1) < 0.1)
        #expect(abs(cv / target - 1) < 0.15)
    }

    @Test func sameSeedSameScheduleDifferentSeedDifferentArrivals() throws {
        let workload = SyntheticWorkload.make(count: 30, seed: 1)
        func schedule(_ seed: UInt64) throws -> [ArrivingRequest] {
            try WorkloadSchedule.make(workload: workload, arrivals: .poisson(ratePerSecond: 3), window: .seconds(100), seed: seed)
        }
        let a = try schedule(9), b = try schedule(9), c = try schedule(10)
        #expect(a == b)
        #expect(a.map(\.arrival) != c.map(\.arrival))
        #expect(a.map(\.trace.key) != c.map(\.trace.key))
        #expect(a.allSatisfy { $0.arrival >= .zero && $0.arrival < .seconds(100) })
        #expect(zip(a, a.dropFirst()).allSatisfy { $0.arrival <= $1.arrival })
        #expect(a.enumerated().allSatisfy { $0.offset == $0.element.index })
        #expect(abs(Double(a.count) - 300) < 60, "about rate × window arrivals")
    }

    /// Uniform with replacement: every request is drawn about equally often, and repeats occur.
    @Test func tracesAreDrawnUniformlyWithReplacement() throws {
        let workload = SyntheticWorkload.make(count: 10, seed: 2)
        let schedule = try WorkloadSchedule.make(workload: workload, arrivals: .poisson(ratePerSecond: 50), window: .seconds(200), seed: 4)
        var counts: [String: Int] = [:]
        for arrival in schedule { counts[arrival.trace.key, default: 0] += 1 }
        let expected = Double(schedule.count) / 10
        #expect(counts.count == 10)
        #expect(counts.values.allSatisfy { abs(Double($0) / expected - 1) < 0.1 })
    }

    /// Changing the rate changes the times but not which traces are drawn first.
    @Test func drawsDoNotDependOnTheRate() throws {
        let workload = SyntheticWorkload.make(count: 50, seed: 2)
        let slow = try WorkloadSchedule.make(workload: workload, arrivals: .poisson(ratePerSecond: 1), window: .seconds(100), seed: 4)
        let fast = try WorkloadSchedule.make(workload: workload, arrivals: .poisson(ratePerSecond: 2), window: .seconds(100), seed: 4)
        #expect(slow.map(\.trace.key) == Array(fast.map(\.trace.key).prefix(slow.count)))
    }

    @Test func invalidArrivalSettingsAreRejectedNamingTheField() {
        let workload = SyntheticWorkload.make(count: 3, seed: 1)
        func message(_ arrivals: ArrivalProcess, window: Duration = .seconds(10), workload: Workload = workload) -> String {
            do {
                _ = try WorkloadSchedule.make(workload: workload, arrivals: arrivals, window: window, seed: 1)
                return "accepted"
            } catch { return error.description }
        }
        #expect(message(.poisson(ratePerSecond: -1)).hasPrefix("invalid rate = -1.0"))
        #expect(message(.poisson(ratePerSecond: .nan)).hasPrefix("invalid rate = nan"))
        #expect(message(.poisson(ratePerSecond: 0)).hasPrefix("invalid rate = 0.0"))
        #expect(message(.gamma(ratePerSecond: 1, coefficientOfVariation: 0)).hasPrefix("invalid cv = 0.0"))
        #expect(message(.gamma(ratePerSecond: 1, coefficientOfVariation: .infinity)).hasPrefix("invalid cv = inf"))
        #expect(message(.poisson(ratePerSecond: 1), window: .zero).hasPrefix("invalid window"))
        #expect(message(.poisson(ratePerSecond: 1), window: .seconds(-5)).hasPrefix("invalid window"))
        #expect(message(.poisson(ratePerSecond: 1), window: .seconds(1e12)).hasPrefix("invalid window"))
        #expect(message(.poisson(ratePerSecond: 1e6), window: .seconds(1e6)).contains("more than 20000000"))
        #expect(message(.poisson(ratePerSecond: 1), workload: Workload(name: "none", requests: [])) == "workload none holds no requests")
    }
}
