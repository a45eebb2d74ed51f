import Foundation
import Testing
@testable import Transformer

@Suite struct SamplerTests {
    let logits: [Float] = [1.0, 3.5, 3.4, -2, 0.5, 3.45]

    @Test func greedyIsArgmaxAndFirstOnTies() {
        var sampler = Sampler()
        #expect(sampler.sample(logits, settings: .greedy, position: 0) == 1)
        #expect(Sampler.argmax([2, 5, 5, 1]) == 1)
    }

    @Test func seededDrawsAreStatelessAndReproducible() {
        var a = Sampler(), b = Sampler()
        let settings = SamplerSettings(temperature: 1, seed: 42)
        let first = (0..<50).map { a.sample(logits, settings: settings, position: $0) }
        let again = (0..<50).reversed().map { b.sample(logits, settings: settings, position: $0) }.reversed()
        #expect(first == Array(again))
        let otherSeed = (0..<50).map { a.sample(logits, settings: SamplerSettings(temperature: 1, seed: 43), position: $0) }
        #expect(first != otherSeed)
        #expect(Set(first).count > 2)
    }

    @Test func filtersKeepTheRightCandidates() {
        var sampler = Sampler()
        func drawn(_ settings: SamplerSettings) -> Set<Int32> {
            var seen: Set<Int32> = []
            for position in 0..<400 {
                var s = settings
                s.seed = 7
                seen.insert(sampler.sample(logits, settings: s, position: position))
            }
            return seen
        }
        #expect(drawn(SamplerSettings(temperature: 1, topK: 1)) == [1])
        #expect(drawn(SamplerSettings(temperature: 1, topK: 2)) == [1, 5])
        #expect(drawn(SamplerSettings(temperature: 1, topP: 0.2)) == [1])
        #expect(drawn(SamplerSettings(temperature: 1, minP: 0.5)) == [1, 5, 2])
        #expect(drawn(SamplerSettings(temperature: 100)).count == 6)
    }

    @Test func frequenciesFollowTheSoftmax() {
        var sampler = Sampler()
        let two: [Float] = [0, Float(log(3.0))]
        let ones = (0..<4000).filter { sampler.sample(two, settings: SamplerSettings(temperature: 1, seed: 1), position: $0) == 1 }.count
        #expect(abs(Double(ones) / 4000 - 0.75) < 0.03)
    }

    @Test func invalidSettingsAreNamed() {
        #expect(SamplerSettings(temperature: -1).invalidReason?.contains("temperature") == true)
        #expect(SamplerSettings(topK: -2).invalidReason?.contains("top-k") == true)
        #expect(SamplerSettings(topP: 0).invalidReason?.contains("top-p") == true)
        #expect(SamplerSettings(minP: 1.5).invalidReason?.contains("min-p") == true)
        #expect(SamplerSettings(temperature: 0.7, topK: 40, topP: 0.9, minP: 0.05).invalidReason == nil)
    }
}
