/// Reads the trace's truth: exact output length, calls, durations and returned lengths. Only
/// meaningful when replaying a trace (simulation); an upper bound for what prediction can buy.
final class OraclePredictor: Predictor {
    let kind = PredictorKind.oracle

    func predict(_ spec: RequestSpec) -> RequestPrediction {
        let decode = spec.segments.reduce(0) { $0 + $1.decodeTokenCount }
        let calls = spec.segments.compactMap { segment in
            segment.call.map { CallPrediction(duration: $0.duration, returnedTokenCount: $0.returnedTokenCount) }
        }
        return RequestPrediction(decodeTokenCount: decode, bucket: OutputLengthBuckets.bucket(of: decode), calls: calls)
    }

    func predictCall(name: String, requestClass: String, truth: ScriptedCall?) -> CallPrediction {
        CallPrediction(duration: truth?.duration ?? .zero, returnedTokenCount: truth?.returnedTokenCount ?? 0)
    }

    func observeCall(name: String, requestClass: String, duration: Duration, returnedTokenCount: Int) {}
    func observeFinished(requestClass: String, promptTokenCount: Int, generatedTokenCount: Int, callCount: Int) {}
}
