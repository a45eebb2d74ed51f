import Testing
import Workloads

@Suite struct SyntheticWorkloadTests {
    @Test func seededAndRepeatable() {
        let a = SyntheticWorkload.make(count: 40, seed: 4), b = SyntheticWorkload.make(count: 40, seed: 4)
        #expect(a == b)
        #expect(a != SyntheticWorkload.make(count: 40, seed: 5))
        #expect(a.requests.count == 40 && Set(a.requests.map(\.key)).count == 40)
        #expect(SyntheticWorkload.make(count: -3, seed: 1).requests.isEmpty)
    }

    @Test func archetypesHaveTheirShapes() {
        let workload = SyntheticWorkload.make(count: 80, seed: 4)
        let byType = Dictionary(grouping: workload.requests, by: \.type)
        #expect(Set(byType.keys) == Set(SyntheticWorkload.Archetype.allCases.map(\.rawValue)))
        let calculator = byType["calculator"] ?? []
        #expect(calculator.allSatisfy { $0.callCount >= 1 && $0.segments.compactMap(\.call).allSatisfy { $0.duration < .milliseconds(1) && $0.kind == .calculator } })
        let human = byType["human"] ?? []
        #expect(human.allSatisfy { $0.segments.compactMap(\.call).allSatisfy { $0.duration >= .seconds(10) && $0.duration <= .seconds(60) } })
        #expect((byType["chat"] ?? []).allSatisfy { $0.callCount == 0 && $0.segments.count == 1 })
        #expect((byType["environment"] ?? []).allSatisfy { $0.promptTokenCount >= 1200 && $0.callCount >= 3 })
        for request in workload.requests {
            #expect(request.segments.dropLast().allSatisfy { $0.call != nil })
            #expect(request.segments.last?.call == nil)
            #expect(request.maxOutputTokenCount == request.decodeTokenCount + request.returnedTokenCount)
            #expect(request.promptTokenCount + request.maxOutputTokenCount <= 1_800)
        }
    }

    @Test func typesCanBeChosen() {
        let workload = SyntheticWorkload.make(types: [.chat, .human], count: 6, seed: 9)
        #expect(workload.requests.map(\.type) == ["chat", "human", "chat", "human", "chat", "human"])
        #expect(workload.typeCounts.map(\.count) == [3, 3])
    }
}
