/// The parts of `golden.json` the transformer tests read.
struct Golden: Decodable, Sendable {
    struct LastPosition: Decodable, Sendable {
        var top20: [[Double]]
        var argmax: Int
        var mean: Double
        var std: Double
        var fixedTokenValues: [String: Double]
    }

    struct LogitsCase: Decodable, Sendable, CustomStringConvertible {
        var name: String
        var ids: [Int32]
        var lastPosition: LastPosition
        var description: String { name }
    }

    struct Position: Decodable, Sendable {
        var pos: Int
        var top5: [[Double]]
        var top1MinusTop2: Double
    }

    struct PerPositionCase: Decodable, Sendable {
        var ids: [Int32]
        var positions: [Position]
    }

    struct GreedyCase: Decodable, Sendable, CustomStringConvertible {
        var name: String
        var promptIds: [Int32]
        var generatedIds: [Int32]
        var generatedText: String
        var description: String { name }
    }

    struct BatchingPrompt: Decodable, Sendable {
        var ids: [Int32]
        var lastPositionTop5: [[Double]]
        var argmax: Int
        var mean: Double
        var std: Double
    }

    struct BatchingCase: Decodable, Sendable {
        var a: BatchingPrompt
        var b: BatchingPrompt
    }

    var logitsCases: [LogitsCase]
    var perPositionCase: PerPositionCase
    var greedyCases: [GreedyCase]
    var batchingCase: BatchingCase
}
