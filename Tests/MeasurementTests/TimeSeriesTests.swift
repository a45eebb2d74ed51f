import Foundation
@testable import Measurement
import Testing

@Suite struct TimeSeriesTests {
    static let series = TimeSeries(name: "kv", unit: "fraction", points: (0..<10).map { .init(time: Double($0), value: Double($0)) }, label: "vllm @ 1/s")

    @Test func downsamplesByAveragingConsecutiveRuns() {
        let small = Self.series.downsampled(to: 5)
        #expect(small.points.map(\.value) == [0.5, 2.5, 4.5, 6.5, 8.5])
        #expect(small.points.map(\.time) == [0, 2, 4, 6, 8])
        #expect(Self.series.downsampled(to: 3).points.count <= 3)
        #expect(Self.series.downsampled(to: 20) == Self.series)
        #expect(Self.series.downsampled(to: 0) == Self.series)
    }

    @Test func codableAsPairs() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let tiny = TimeSeries(name: "b", unit: "tokens", points: [.init(time: 0.5, value: 384), .init(time: 1, value: .nan)])
        let text = String(decoding: try encoder.encode(tiny), as: UTF8.self)
        #expect(text == #"{"label":"","name":"b","points":[[0.5,384],[1,null]],"unit":"tokens"}"#)
        #expect(try JSONDecoder().decode(TimeSeries.self, from: try encoder.encode(Self.series)) == Self.series)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(TimeSeries.self, from: Data(#"{"name":"b","unit":"u","points":[[1]]}"#.utf8))
        }
    }
}
