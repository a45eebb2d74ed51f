import Foundation

/// How to pick a token from logits. Temperature 0 is greedy (argmax).
public struct SamplerSettings: Sendable, Equatable {
    /// Logits are divided by this before the softmax; 0 means greedy.
    public var temperature: Float
    /// Keep only the `topK` most likely tokens; 0 disables.
    public var topK: Int
    /// Keep the smallest set of most likely tokens whose probability reaches `topP`; 1 disables.
    public var topP: Float
    /// Drop tokens less likely than `minP ×` the most likely one; 0 disables.
    public var minP: Float
    /// Seed of the request's randomness.
    public var seed: UInt64

    public init(temperature: Float = 0, topK: Int = 0, topP: Float = 1, minP: Float = 0, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.seed = seed
    }

    /// Greedy decoding.
    public static let greedy = SamplerSettings()

    /// A one-line reason when a field is out of range, nil when all are valid.
    public var invalidReason: String? {
        if !(temperature >= 0 && temperature.isFinite) { return "temperature \(temperature) must be ≥ 0" }
        if topK < 0 { return "top-k \(topK) must be ≥ 0" }
        if !(topP > 0 && topP <= 1) { return "top-p \(topP) must be in (0, 1]" }
        if !(minP >= 0 && minP <= 1) { return "min-p \(minP) must be in [0, 1]" }
        return nil
    }
}

/// Turns logits into a token: temperature, then top-k, then min-p, then top-p, each on the
/// renormalized survivors of the previous one. The random draw comes from `(seed, position)`
/// alone, so sampling is reproducible and stateless: a request replayed (or recomputed after
/// preemption) samples the same tokens. Keeps its candidate buffer across calls.
public struct Sampler: Sendable {
    private var candidates: [(token: Int, logit: Float)] = []
    private var probabilities: [Float] = []

    public init() {}

    /// Tokens more than this far below the best scaled logit have probability below e⁻³⁰ of the
    /// best one; leaving them out changes nothing measurable and avoids sorting the vocabulary.
    static let logitWindow: Float = 30

    /// The token to emit for the logits of the token at `position`.
    public mutating func sample(_ logits: UnsafeBufferPointer<Float>, settings: SamplerSettings, position: Int) -> Int32 {
        guard settings.temperature > 0, !logits.isEmpty else { return Int32(Self.argmax(logits)) }
        let inverse = 1 / settings.temperature
        let best = Self.maximum(logits) * inverse
        candidates.removeAll(keepingCapacity: true)
        for (token, logit) in logits.enumerated() where logit * inverse >= best - Self.logitWindow {
            candidates.append((token, logit * inverse))
        }
        guard !candidates.isEmpty else { return Int32(Self.argmax(logits)) }
        candidates.sort { $0.logit != $1.logit ? $0.logit > $1.logit : $0.token < $1.token }
        if settings.topK > 0 && settings.topK < candidates.count {
            candidates.removeLast(candidates.count - settings.topK)
        }
        probabilities.removeAll(keepingCapacity: true)
        let top = candidates[0].logit
        for candidate in candidates { probabilities.append(Foundation.exp(candidate.logit - top)) }
        Self.normalize(&probabilities)
        let keep = Self.survivors(probabilities, topP: settings.topP, minP: settings.minP)
        var total: Float = 0
        for index in 0..<keep { total += probabilities[index] }
        var draw = Float(Self.unitRandom(seed: settings.seed, position: position)) * total
        for index in 0..<keep {
            draw -= probabilities[index]
            if draw < 0 { return Int32(candidates[index].token) }
        }
        return Int32(candidates[keep - 1].token)
    }

    /// Convenience for an array of logits.
    public mutating func sample(_ logits: [Float], settings: SamplerSettings, position: Int) -> Int32 {
        logits.withUnsafeBufferPointer { sample($0, settings: settings, position: position) }
    }

    /// How many of the sorted, normalized probabilities survive min-p and then top-p (≥ 1).
    static func survivors(_ probabilities: [Float], topP: Float, minP: Float) -> Int {
        var keep = probabilities.count
        if minP > 0, let first = probabilities.first {
            keep = max(1, probabilities.prefix { $0 >= minP * first }.count)
        }
        if topP < 1 {
            var total: Float = 0
            for index in 0..<keep { total += probabilities[index] }
            var cumulative: Float = 0
            for index in 0..<keep {
                cumulative += probabilities[index]
                if cumulative >= topP * total {
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

    /// The index of the largest logit (the first one on ties).
    public static func argmax(_ logits: UnsafeBufferPointer<Float>) -> Int {
        var best = 0
        for index in logits.indices where logits[index] > logits[best] { best = index }
        return best
    }

    /// The index of the largest logit (the first one on ties).
    public static func argmax(_ logits: [Float]) -> Int { logits.withUnsafeBufferPointer { argmax($0) } }

    static func maximum(_ logits: UnsafeBufferPointer<Float>) -> Float {
        var best = -Float.infinity
        for value in logits where value > best { best = value }
        return best
    }

    /// A uniform number in [0, 1) from `(seed, position)`: splitmix64 over both.
    public static func unitRandom(seed: UInt64, position: Int) -> Double {
        var z = seed &+ UInt64(truncatingIfNeeded: position) &* 0x9E37_79B9_7F4A_7C15 &+ 0x632B_E59B_D9B4_E019
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) * 0x1.0p-53
    }
}
