/// What a predictor expects of a request at arrival (Stage I's inputs).
public struct RequestPrediction: Sendable, Equatable {
    /// Tokens the request will generate in all (the upper-middle value of the predicted bucket).
    public var decodeTokenCount: Int
    /// The predicted output-length bucket (index into `OutputLengthBuckets`).
    public var bucket: Int
    /// The calls it will make, in order.
    public var calls: [CallPrediction]

    public init(decodeTokenCount: Int, bucket: Int, calls: [CallPrediction]) {
        self.decodeTokenCount = decodeTokenCount
        self.bucket = bucket
        self.calls = calls
    }
}

/// What a predictor expects of one call.
public struct CallPrediction: Sendable, Equatable {
    public var duration: Duration
    public var returnedTokenCount: Int

    public init(duration: Duration, returnedTokenCount: Int) {
        self.duration = duration
        self.returnedTokenCount = returnedTokenCount
    }
}

/// Estimates request features for AugServe's Stage I and call handling, and learns from what
/// actually happens. Implementations: `HistoryPredictor` (online statistics), `OraclePredictor`
/// (the trace's truth, simulation only).
protocol Predictor: AnyObject {
    var kind: PredictorKind { get }
    func predict(_ spec: RequestSpec) -> RequestPrediction
    /// A call that just started, by tool name; `truth` is the scripted call when replaying a trace.
    func predictCall(name: String, requestClass: String, truth: ScriptedCall?) -> CallPrediction
    func observeCall(name: String, requestClass: String, duration: Duration, returnedTokenCount: Int)
    func observeFinished(requestClass: String, promptTokenCount: Int, generatedTokenCount: Int, callCount: Int)
}

func makePredictor(_ kind: PredictorKind) -> Predictor {
    switch kind {
    case .history: HistoryPredictor()
    case .oracle: OraclePredictor()
    }
}

/// How far predictions were from what happened, over a run (SPEC §5: reported in every run).
public struct PredictorAccuracy: Sendable, Equatable {
    public var callCount = 0
    public var durationAbsoluteErrorSum = 0.0
    public var returnedAbsoluteErrorSum = 0.0
    public var finishedCount = 0
    public var bucketHitCount = 0
    public var decodeAbsoluteErrorSum = 0.0

    public init() {}

    /// Mean absolute error of call durations, seconds.
    public var durationMAE: Double { callCount == 0 ? 0 : durationAbsoluteErrorSum / Double(callCount) }
    /// Mean absolute error of returned lengths, tokens.
    public var returnedMAE: Double { callCount == 0 ? 0 : returnedAbsoluteErrorSum / Double(callCount) }
    /// Share of finished requests whose output-length bucket was predicted right.
    public var bucketHitRate: Double { finishedCount == 0 ? 0 : Double(bucketHitCount) / Double(finishedCount) }
    /// Mean absolute error of total generated tokens.
    public var decodeMAE: Double { finishedCount == 0 ? 0 : decodeAbsoluteErrorSum / Double(finishedCount) }

    mutating func recordCall(predicted: CallPrediction, duration: Duration, returnedTokenCount: Int) {
        callCount += 1
        durationAbsoluteErrorSum += abs(predicted.duration.seconds - duration.seconds)
        returnedAbsoluteErrorSum += Double(abs(predicted.returnedTokenCount - returnedTokenCount))
    }

    mutating func recordFinished(predicted: RequestPrediction, generatedTokenCount: Int) {
        finishedCount += 1
        if OutputLengthBuckets.bucket(of: generatedTokenCount) == predicted.bucket { bucketHitCount += 1 }
        decodeAbsoluteErrorSum += Double(abs(predicted.decodeTokenCount - generatedTokenCount))
    }
}

/// Output-length buckets (SPEC §5: predict a bucket, use its upper-middle value):
/// [0,32), [32,64), [64,128), [128,256), [256,512), [512,1024), [1024,2048), [2048,4096).
public enum OutputLengthBuckets {
    public static let bounds = [0, 32, 64, 128, 256, 512, 1024, 2048, 4096]
    public static var count: Int { bounds.count - 1 }

    public static func bucket(of length: Int) -> Int {
        for index in 0..<count where length < bounds[index + 1] { return index }
        return count - 1
    }

    /// The value three quarters of the way up the bucket.
    public static func upperMiddle(_ bucket: Int) -> Int {
        let index = min(max(bucket, 0), count - 1)
        return bounds[index] + (bounds[index + 1] - bounds[index]) * 3 / 4
    }
}
