import EngineRuntime
import Prometheus
import ServingCore

/// `/metrics` in Prometheus text, with vLLM's names and a `model_name` label, so existing
/// dashboards and the Kubernetes inference gateway (which reads `vllm:num_requests_waiting`,
/// `vllm:num_requests_running`, `vllm:kv_cache_usage_perc`) work unchanged; plus `augserve:`
/// metrics for paused requests, context-mode decisions, the token budget, SLO attainment and the
/// predictor. Counters and histograms are fed by the engine thread (`RuntimeObserver`); gauges are
/// read from the engine's published snapshot at scrape time, so a scrape never waits for a step.
public final class ServerMetrics: RuntimeObserver {
    public let registry = PrometheusCollectorRegistry()
    let labels: [(String, String)]
    /// The SLO used for the good / missed counts: TTFT and time per output token.
    let ttftObjective: Duration
    let tpotObjective: Duration

    let running, waiting, swapped, kvUsage, tokenBudget, costFixed, costPerToken, predictorMAE: Gauge
    let paused: [ContextMode: Gauge]
    let promptTokens, generationTokens, preemptions, prefixQueries, prefixHits, failedSteps: Counter
    let success: [FinishReason: Counter]
    let modeDecisions: [ContextMode: Counter]
    let sloGood, sloMissed: Counter
    let ttft, interToken, endToEnd, queue, prefill, decode, stepTime: ValueHistogram
    private let preemptionsSeen = PreemptionTally()

    /// Request-level latencies (TTFT, end to end, queue, prefill, decode), seconds.
    static let latencyBuckets: [Double] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 640]
    /// Token-level latencies (inter-token, step), seconds.
    static let tokenBuckets: [Double] = [0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2.5]

    public init(modelName: String, blockSize: Int, deviceBlockCount: Int, hostBlockCount: Int, policy: String,
                ttftObjective: Duration, tpotObjective: Duration) {
        labels = [("model_name", modelName)]
        self.ttftObjective = ttftObjective
        self.tpotObjective = tpotObjective
        let r = registry
        func gauge(_ name: String, _ help: String, _ extra: [(String, String)] = []) -> Gauge {
            r.makeGauge(descriptor: MetricNameDescriptor(metricName: name, helpText: help), labels: [("model_name", modelName)] + extra)
        }
        func counter(_ name: String, _ help: String, _ extra: [(String, String)] = []) -> Counter {
            r.makeCounter(descriptor: MetricNameDescriptor(metricName: name, helpText: help), labels: [("model_name", modelName)] + extra)
        }
        func histogram(_ name: String, _ help: String, _ buckets: [Double]) -> ValueHistogram {
            r.makeValueHistogram(
                descriptor: MetricNameDescriptor(metricName: name, helpText: help), labels: [("model_name", modelName)], buckets: buckets)
        }
        running = gauge("vllm:num_requests_running", "Requests in the running set (prefilling or decoding).")
        waiting = gauge("vllm:num_requests_waiting", "Requests waiting for admission (new, preempted, or back from a discarded call).")
        swapped = gauge("augserve:num_requests_swapped", "Requests ready to run but (partly) on host memory.")
        kvUsage = gauge("vllm:kv_cache_usage_perc", "Fraction of KV-cache blocks in use (1 = full).")
        tokenBudget = gauge("augserve:token_budget", "Tokens the last scheduling round could forward.")
        costFixed = gauge("augserve:cost_model_fixed_seconds", "Fitted fixed cost of one step (c).")
        costPerToken = gauge("augserve:cost_model_per_token_seconds", "Fitted cost per forwarded token (a).")
        predictorMAE = gauge("augserve:predictor_call_duration_mae_seconds", "Mean absolute error of predicted call durations.")
        paused = Dictionary(uniqueKeysWithValues: ContextMode.allCases.map {
            ($0, gauge("augserve:num_requests_paused", "Requests paused in a call, by how their context is held.", [("mode", $0.rawValue)]))
        })
        _ = gauge("vllm:cache_config_info", "KV-cache configuration.", [
            ("block_size", String(blockSize)), ("num_gpu_blocks", String(deviceBlockCount)),
            ("num_cpu_blocks", String(hostBlockCount)), ("policy", policy),
        ]).set(to: 1)
        promptTokens = counter("vllm:prompt_tokens_total", "Prompt tokens of finished requests.")
        generationTokens = counter("vllm:generation_tokens_total", "Generated tokens.")
        preemptions = counter("vllm:num_preemptions_total", "Running requests preempted to free KV memory.")
        prefixQueries = counter("vllm:prefix_cache_queries_total", "Prompt tokens looked up in the prefix cache.")
        prefixHits = counter("vllm:prefix_cache_hits_total", "Prompt tokens found in the prefix cache.")
        failedSteps = counter("augserve:failed_steps_total", "Engine steps whose execution failed.")
        success = Dictionary(uniqueKeysWithValues: FinishReason.allCases.map {
            ($0, counter("vllm:request_success_total", "Finished requests by finish reason.", [("finished_reason", Self.reasonLabel($0))]))
        })
        modeDecisions = Dictionary(uniqueKeysWithValues: ContextMode.allCases.map {
            ($0, counter("augserve:context_mode_decisions_total", "Context modes chosen at interception.", [("mode", $0.rawValue)]))
        })
        sloGood = counter("augserve:slo_requests_total", "Finished requests against the SLO.", [("outcome", "good")])
        sloMissed = counter("augserve:slo_requests_total", "Finished requests against the SLO.", [("outcome", "missed")])
        ttft = histogram("vllm:time_to_first_token_seconds", "Time to first token.", Self.latencyBuckets)
        interToken = histogram("vllm:inter_token_latency_seconds", "Time between consecutive tokens of a request.", Self.tokenBuckets)
        endToEnd = histogram("vllm:e2e_request_latency_seconds", "End-to-end request latency.", Self.latencyBuckets)
        queue = histogram("vllm:request_queue_time_seconds", "Time spent waiting for admission or swap-in.", Self.latencyBuckets)
        prefill = histogram("vllm:request_prefill_time_seconds", "Time from admission to the first token.", Self.latencyBuckets)
        decode = histogram("vllm:request_decode_time_seconds", "Time from the first token to the end.", Self.latencyBuckets)
        stepTime = histogram("augserve:step_duration_seconds", "Wall time of one engine step.", Self.tokenBuckets)
    }

    static func reasonLabel(_ reason: FinishReason) -> String {
        switch reason {
        case .contextLimit: "length"
        case .aborted: "abort"
        default: reason.rawValue
        }
    }

    // MARK: RuntimeObserver (engine thread)

    public func stepCompleted(_ report: StepReport) {
        stepTime.record(report.duration.seconds)
        generationTokens.increment(by: Int64(report.sampledTokenCount))
        if report.failed { failedSteps.increment() }
    }

    public func tokenDelivered(interval: Duration) { interToken.record(interval.seconds) }

    public func contextModeChosen(_ mode: ContextMode) { modeDecisions[mode]?.increment() }

    public func requestFinished(_ summary: RequestSummary) {
        success[summary.finishReason]?.increment()
        promptTokens.increment(by: Int64(summary.promptTokenCount))
        prefixQueries.increment(by: Int64(summary.promptTokenCount))
        prefixHits.increment(by: Int64(summary.cachedPromptTokenCount))
        endToEnd.record(summary.endToEnd.seconds)
        queue.record(summary.queueing.seconds)
        if let first = summary.timeToFirstToken {
            ttft.record(first.seconds)
            prefill.record(max(0, first.seconds - summary.queueing.seconds))
            decode.record(max(0, summary.endToEnd.seconds - first.seconds))
        }
        guard summary.finishReason != .aborted, summary.finishReason != .error else { return }
        if meetsObjectives(summary) { sloGood.increment() } else { sloMissed.increment() }
    }

    /// SPEC §7's SLO: TTFT within its objective and the normalized latency (end to end minus call
    /// time, per output token) within the per-token objective.
    func meetsObjectives(_ summary: RequestSummary) -> Bool {
        guard let first = summary.timeToFirstToken, first <= ttftObjective else { return false }
        let outputs = max(1, summary.generatedTokenCount + summary.returnedTokenCount)
        let normalized = (summary.endToEnd - summary.callTime).seconds / Double(outputs)
        return normalized <= tpotObjective.seconds
    }

    // MARK: Scrape

    /// The exposition text, with gauges read from `snapshot`.
    public func render(_ snapshot: RuntimeSnapshot) -> String { String(decoding: renderBytes(snapshot), as: UTF8.self) }

    /// The exposition as bytes (what `/metrics` writes).
    public func renderBytes(_ snapshot: RuntimeSnapshot) -> [UInt8] {
        if let engine = snapshot.engine {
            running.set(to: Double(engine.runningCount))
            waiting.set(to: Double(engine.waitingCount))
            swapped.set(to: Double(engine.swappedCount))
            kvUsage.set(to: engine.kvUtilization)
            tokenBudget.set(to: Double(engine.tokenBudget))
            paused[.preserve]?.set(to: Double(engine.pausedPreserveCount))
            paused[.discard]?.set(to: Double(engine.pausedDiscardCount))
            paused[.swap]?.set(to: Double(engine.pausedSwapCount))
            let new = preemptionsSeen.advance(to: engine.preemptionCount)
            if new > 0 { preemptions.increment(by: Int64(new)) }
        }
        if let cost = snapshot.cost {
            costFixed.set(to: cost.fixed.seconds)
            costPerToken.set(to: cost.perToken.seconds)
        }
        if let accuracy = snapshot.predictorAccuracy { predictorMAE.set(to: accuracy.durationMAE) }
        return registry.emitToBuffer()
    }
}

import Synchronization

/// The engine's preemption count last turned into counter increments.
final class PreemptionTally: Sendable {
    private let seen = Mutex(0)
    func advance(to total: Int) -> Int {
        seen.withLock { seen in
            let new = max(0, total - seen)
            seen = max(seen, total)
            return new
        }
    }
}
