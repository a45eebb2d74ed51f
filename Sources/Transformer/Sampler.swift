import Foundation

/// How to pick a token from logits. Temperature 0 is greedy.
public struct SamplerSettings: Sendable, Equatable {
    public var temperature: Float = 0
    /// 0 disables top-k.
    public var topK = 0
    /// 1 disables top-p (nucleus).
    public var topP: Float = 1
    /// 0 disables min-p (drop tokens below `minP ×` the top probability).
    public var minP: Float = 0
    public var seed: UInt64 = 0

    public init(temperature: Float = 0, topK: Int = 0, topP: Float = 1, minP: Float = 0, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.seed = seed
    }
}

/// Turns logits into a token. Randomness comes from `(seed, position)` alone, so sampling is
/// reproducible and needs no per-request state: the same request replayed samples the same tokens.
public enum Sampler {
    public static func sample(_ logits: [Float], settings: SamplerSettings, position: Int) -> Int32 {
        guard settings.temperature > 0, !logits.isEmpty else { return Int32(ForwardPass.argmax(logits)) }
        // Tokens more than 30 (scaled) below the best have probability < e⁻³⁰ of the best: leaving
        // them out changes nothing measurable and avoids sorting the whole vocabulary.
        let best = (logits.max() ?? 0) / settings.temperature
        var candidates: [(index: Int, logit: Float)] = []
        for index in logits.indices {
            let scaled = logits[index] / settings.temperature
            if scaled >= best - 30 { candidates.append((index, scaled)) }
        }
        candidates.sort { $0.logit != $1.logit ? $0.logit > $1.logit : $0.index < $1.index }
        if settings.topK > 0 && settings.topK < candidates.count { candidates.removeLast(candidates.count - settings.topK) }
        let top = candidates[0].logit
        var probabilities = candidates.map { exp($0.logit - top) }
        normalize(&probabilities)
        let keep = cutoff(probabilities, topP: settings.topP, minP: settings.minP)
        probabilities.removeLast(probabilities.count - keep)
        normalize(&probabilities)
        var draw = unitRandom(seed: settings.seed, position: position)
        for (rank, probability) in probabilities.enumerated() {
            draw -= Double(probability)
            if draw < 0 { return Int32(candidates[rank].index) }
        }
        return Int32(candidates[keep - 1].index)
    }

    /// How many of the sorted candidates survive top-p and min-p (at least one).
    static func cutoff(_ probabilities: [Float], topP: Float, minP: Float) -> Int {
        var keep = probabilities.count
        if minP > 0, let first = probabilities.first {
            keep = min(keep, max(1, probabilities.prefix { $0 >= minP * first }.count))
        }
        if topP < 1 {
            var cumulative: Float = 0
            for (index, probability) in probabilities.prefix(keep).enumerated() {
                cumulative += probability
                if cumulative >= topP {
                    keep = index + 1
                    break
                }
            }
        }
        return max(1, keep)
    }

    static func normalize(_ values: inout [Float]) {
        let total = values.reduce(0, +)
        guard total > 0 else { return }
        for index in values.indices { values[index] /= total }
    }

    /// A uniform number in [0, 1) from (seed, position): splitmix64 of both.
    static func unitRandom(seed: UInt64, position: Int) -> Double {
        var z = seed &+ UInt64(truncatingIfNeeded: position) &* 0x9E37_79B9_7F4A_7C15 &+ 0x632B_E59B_D9B4_E019
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) * 0x1.0p-53
    }
}
