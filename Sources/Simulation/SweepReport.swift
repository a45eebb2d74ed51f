import Measurement
import ServingCore
import Workloads

/// Reading a sweep: where each policy stops meeting its objectives, and the run configuration as
/// JSON for the report.
public enum SweepReport {
    /// The attainment a rate must reach to count as sustained (90%).
    public static let sustainedAttainment = 0.9

    public struct PolicyCapacity: Sendable, Equatable {
        public var policy: String
        /// Highest rate with SLO attainment ≥ 90% at it and every lower rate (nil if none).
        public var sustainedRate: Double?
        /// The lowest rate where attainment fell below 90% (nil if it never did).
        public var saturationRate: Double?
        public var peakGoodput: Double
        public var peakGoodputRate: Double
    }

    public static func capacities(_ runs: [RunSummary]) -> [PolicyCapacity] {
        var order: [String] = []
        for run in runs where !order.contains(run.labels.policy) { order.append(run.labels.policy) }
        return order.map { policy in
            let mine = runs.filter { $0.labels.policy == policy }.sorted { $0.labels.rate < $1.labels.rate }
            let firstMiss = mine.firstIndex { $0.attainment < sustainedAttainment }
            let sustained = (firstMiss ?? mine.count) > 0 ? mine[(firstMiss ?? mine.count) - 1].labels.rate : nil
            let peak = mine.max { $0.goodputPerSecond < $1.goodputPerSecond }
            return PolicyCapacity(
                policy: policy, sustainedRate: sustained, saturationRate: firstMiss.map { mine[$0].labels.rate },
                peakGoodput: peak?.goodputPerSecond ?? 0, peakGoodputRate: peak?.labels.rate ?? 0)
        }
    }

    /// One line per policy, e.g. `infercept: sustains 2.5 req/s at ≥ 90% SLO attainment, saturates at 3.0; peak goodput 2.31/s at 3.0 req/s`.
    public static func capacityLines(_ runs: [RunSummary]) -> [String] {
        capacities(runs).map { capacity in
            let sustained = capacity.sustainedRate.map { "sustains \(Format.number($0)) req/s" } ?? "sustains no tested rate"
            let saturation = capacity.saturationRate.map { ", saturates at \(Format.number($0)) req/s" } ?? ", never saturates in the tested range"
            return "\(capacity.policy): \(sustained) at ≥ 90% SLO attainment\(saturation); peak goodput "
                + "\(Format.number(capacity.peakGoodput, decimals: 3))/s at \(Format.number(capacity.peakGoodputRate)) req/s"
        }
    }

    /// The configuration block of the JSON report.
    public static func configuration(_ plan: SweepPlan, preset: HardwarePreset?) -> JSONValue {
        let hardware = plan.settings.hardware
        let cost = hardware.cost
        var members: [(String, JSONValue)] = [
            ("preset", .string(hardware.presetName)),
            ("cost_model", .object([
                ("c_ms", .number(cost.fixed.seconds * 1e3)), ("a_ms_per_token", .number(cost.perToken.seconds * 1e3)),
                ("k_us_per_context_token", .number(cost.perContextToken.seconds * 1e6)),
                ("w_ms_per_sampled_sequence", .number(cost.perSampledSequence.seconds * 1e3)),
                ("kv_bytes_per_token_per_device", .integer(Int64(cost.kvBytesPerToken))),
                ("swap_bytes_per_s", .number(cost.swapBytesPerSecond)),
                ("kv_capacity_tokens", .integer(Int64(hardware.kvCapacityTokenCount))),
                ("host_swap_tokens", .integer(Int64(hardware.hostSwapTokenCount))),
                ("single_iteration_s", .number(cost.singleIterationTime.seconds)),
                ("swap_budget_tokens_per_iteration", .integer(Int64(hardware.swapTokensPerIteration))),
                ("swap_budget_a", .number(hardware.swapBudget.a)), ("swap_budget_b", .number(hardware.swapBudget.b)),
            ])),
            ("block_size", .integer(Int64(plan.settings.blockSize))),
            ("max_running_requests", .integer(Int64(plan.settings.maxRunningRequestCount))),
            ("max_context_length", .integer(Int64(plan.settings.maxContextLength))),
            ("window_s", .number(plan.settings.window.seconds)),
            ("max_drain_s", .number(plan.settings.maxDrain.seconds)),
            // A seed above Int64.max (any UInt64 is accepted) is written as a string, as in the run rows.
            ("seed", Int64(exactly: plan.seed).map(JSONValue.integer) ?? .string(String(plan.seed))),
            ("workload", .object([("name", .string(plan.workloadName)), ("requests", .integer(Int64(plan.workload.requests.count)))])),
            ("arrivals", .array(plan.arrivalProcesses.map { .string($0.label) })),
            ("slo", .object([
                ("max_ttft_s", .number(plan.settings.slo.maxTTFT.seconds)),
                ("max_normalized_latency_s", .number(plan.settings.slo.maxNormalizedLatency.seconds)),
            ])),
            ("policies", .array(plan.policies.map { policy in
                .object([
                    ("name", .string(policy.label)),
                    ("max_batched_tokens", .integer(Int64(plan.settings.maxBatchedTokenCount ?? policy.kind.defaultMaxBatchedTokenCount))),
                ])
            })),
        ]
        if let preset {
            members.insert(("hardware_facts", .object([
                ("model", .string(preset.model.name)), ("parameters", .number(preset.model.parameterCount)),
                ("accelerator", .string(preset.accelerator.name)), ("tensor_parallelism", .integer(Int64(preset.tensorParallelism))),
                ("profiled_fit", .bool(preset.fit != nil)),
            ])), at: 1)
        }
        return .object(members)
    }
}
