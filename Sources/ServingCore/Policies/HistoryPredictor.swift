/// Online statistics (SPEC §5, the default predictor): per tool, the mean call duration and
/// returned length; per request class — refined by the prompt's length (power-of-two bins) once
/// that refinement has seen enough requests — a histogram of output lengths (median bucket) and the
/// mean number of calls and their durations. Means are exponentially weighted once warm (`α = 0.05`),
/// so the predictor follows drift. Cold start falls back to statistics over every class, then to
/// fixed defaults (1 s calls returning 16 tokens, 256–512 generated tokens).
final class HistoryPredictor: Predictor {
    let kind = PredictorKind.history
    /// Observations a class needs before its own statistics are used.
    let warmUpCount = 3
    static let defaultCall = CallPrediction(duration: .seconds(1), returnedTokenCount: 16)
    static let defaultBucket = 4

    private var tools: [String: CallStatistics] = [:]
    private var classes: [String: ClassStatistics] = [:]
    private var global = ClassStatistics()

    /// The class refined by prompt length: `class#⌊log2(prompt)⌋`.
    static func refinedClass(_ requestClass: String, promptTokenCount: Int) -> String {
        "\(requestClass)#\(Int.bitWidth - max(1, promptTokenCount).leadingZeroBitCount)"
    }

    func predict(_ spec: RequestSpec) -> RequestPrediction {
        let refined = Self.refinedClass(spec.requestClass, promptTokenCount: spec.promptTokens.count)
        let stats = classes[refined].flatMap { $0.finished >= warmUpCount ? $0 : nil }
            ?? classes[spec.requestClass].flatMap { $0.finished >= warmUpCount ? $0 : nil }
            ?? (global.finished > 0 ? global : nil)
        guard let stats else {
            return RequestPrediction(
                decodeTokenCount: OutputLengthBuckets.upperMiddle(Self.defaultBucket), bucket: Self.defaultBucket, calls: [])
        }
        let bucket = stats.medianBucket
        let callCount = Int(stats.callsPerRequest.mean.rounded())
        let call = stats.calls.count > 0 ? stats.calls.prediction : Self.defaultCall
        return RequestPrediction(
            decodeTokenCount: OutputLengthBuckets.upperMiddle(bucket), bucket: bucket,
            calls: Array(repeating: call, count: min(callCount, 64)))
    }

    func predictCall(name: String, requestClass: String, truth: ScriptedCall?) -> CallPrediction {
        if let tool = tools[name], tool.count > 0 { return tool.prediction }
        if let stats = classes[requestClass], stats.calls.count > 0 { return stats.calls.prediction }
        if global.calls.count > 0 { return global.calls.prediction }
        return Self.defaultCall
    }

    func observeCall(name: String, requestClass: String, duration: Duration, returnedTokenCount: Int) {
        tools[name, default: CallStatistics()].add(duration: duration, returned: returnedTokenCount)
        classes[requestClass, default: ClassStatistics()].calls.add(duration: duration, returned: returnedTokenCount)
        global.calls.add(duration: duration, returned: returnedTokenCount)
    }

    func observeFinished(requestClass: String, promptTokenCount: Int, generatedTokenCount: Int, callCount: Int) {
        classes[requestClass, default: ClassStatistics()].addFinished(generated: generatedTokenCount, calls: callCount)
        classes[Self.refinedClass(requestClass, promptTokenCount: promptTokenCount), default: ClassStatistics()]
            .addFinished(generated: generatedTokenCount, calls: callCount)
        global.addFinished(generated: generatedTokenCount, calls: callCount)
    }
}

/// A mean that is exact for the first observations and exponentially weighted after.
struct WeightedMean {
    private(set) var count = 0
    private(set) var mean = 0.0
    let floorWeight = 0.05

    mutating func add(_ value: Double) {
        count += 1
        mean += (value - mean) * max(1 / Double(count), floorWeight)
    }
}

struct CallStatistics {
    private(set) var duration = WeightedMean()
    private(set) var returned = WeightedMean()
    var count: Int { duration.count }

    mutating func add(duration: Duration, returned tokens: Int) {
        self.duration.add(duration.seconds)
        returned.add(Double(tokens))
    }

    var prediction: CallPrediction {
        CallPrediction(duration: .seconds(duration.mean), returnedTokenCount: Int(returned.mean.rounded()))
    }
}

struct ClassStatistics {
    var calls = CallStatistics()
    private(set) var callsPerRequest = WeightedMean()
    private(set) var bucketCounts = Array(repeating: 0, count: OutputLengthBuckets.count)
    private(set) var finished = 0

    mutating func addFinished(generated: Int, calls callCount: Int) {
        finished += 1
        bucketCounts[OutputLengthBuckets.bucket(of: generated)] += 1
        callsPerRequest.add(Double(callCount))
    }

    /// The bucket holding the median observed output length.
    var medianBucket: Int {
        var seen = 0
        for (bucket, count) in bucketCounts.enumerated() {
            seen += count
            if seen * 2 >= finished { return bucket }
        }
        return HistoryPredictor.defaultBucket
    }
}
