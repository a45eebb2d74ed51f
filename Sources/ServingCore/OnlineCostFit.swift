/// Fits the iteration cost model `T = c + a·tokens + k·decode context + w·sampled sequences +
/// s·swapped tokens` to the
/// live engine's measured step times, so that every policy reasons with *this* machine's costs
/// (issue: the cost model on the CPU), not a GPU preset's.
///
/// Ridge least squares over the most recent `windowCount` steps, pulled toward a prior (the
/// warm-up measurement) with the weight of `priorWeight` pseudo-steps, so a parameter the window
/// cannot identify — every step the same shape, or no swaps — stays where the prior put it.
/// Robust to outliers (a step descheduled by the OS, a page fault): after a first fit, steps whose
/// residual is beyond `outlierCutoff` robust standard deviations (1.4826 · MAD) are dropped and the
/// fit is redone. On the CPU a swap is a copy before the forward pass, so swap time adds to the
/// step (the simulator's GPU model overlaps it); the fitted `s` gives the link's bytes per second.
public struct OnlineCostFit: Sendable {
    public struct Parameters: Sendable, Equatable {
        /// Steps the fit looks back over.
        public var windowCount = 512
        /// Refit after this many new steps.
        public var refitInterval = 16
        /// Strength of the prior, in pseudo-steps.
        public var priorWeight = 4.0
        /// Residuals beyond this many robust standard deviations are outliers.
        public var outlierCutoff = 3.5

        public init() {}

        public func validate() throws(ConfigurationError) {
            try ConfigurationError.require(windowCount >= 8, "costFit.windowCount", windowCount, "must be ≥ 8")
            try ConfigurationError.require(refitInterval >= 1, "costFit.refitInterval", refitInterval, "must be ≥ 1")
            try ConfigurationError.require(priorWeight > 0 && priorWeight.isFinite, "costFit.priorWeight", priorWeight, "must be > 0")
            try ConfigurationError.require(outlierCutoff > 1 && outlierCutoff.isFinite, "costFit.outlierCutoff", outlierCutoff, "must be > 1")
        }
    }

    public let parameters: Parameters
    /// The model the fit starts from and is pulled toward.
    public private(set) var prior: IterationCostModel
    public private(set) var current: IterationCostModel
    private var samples: [Sample] = []
    private var next = 0
    private var sinceRefit = 0
    /// Steps observed in all, and the outliers dropped by the last fit.
    public private(set) var observedCount = 0
    public private(set) var lastOutlierCount = 0

    struct Sample {
        var features: SIMD8<Double>
        var seconds: Double
    }

    public init(prior: IterationCostModel, parameters: Parameters = Parameters()) throws(ConfigurationError) {
        try prior.validate()
        try parameters.validate()
        self.prior = prior
        self.parameters = parameters
        current = prior
    }

    /// Records one measured step; returns the refitted model when it is time to refit.
    public mutating func add(_ shape: StepShape, duration: Duration) -> IterationCostModel? {
        let seconds = duration.seconds
        guard shape.tokenCount > 0 || shape.swapTokenCount > 0, seconds.isFinite, seconds > 0 else { return nil }
        let sample = Sample(features: Self.features(shape), seconds: seconds)
        if samples.count < parameters.windowCount {
            samples.append(sample)
        } else {
            samples[next] = sample
        }
        next = (next + 1) % parameters.windowCount
        observedCount += 1
        sinceRefit += 1
        guard sinceRefit >= parameters.refitInterval else { return nil }
        sinceRefit = 0
        current = fit()
        return current
    }

    /// Fits the samples given (a warm-up measurement designed to identify every parameter) and
    /// makes the result the new prior. The old prior only breaks ties (a thousandth of a step).
    public mutating func calibrate(_ measured: [(StepShape, Duration)]) -> IterationCostModel {
        let saved = samples
        samples = measured.compactMap { shape, duration in
            duration.seconds > 0 ? Sample(features: Self.features(shape), seconds: duration.seconds) : nil
        }
        prior = fit(priorWeight: 1e-3)
        current = prior
        samples = saved
        return prior
    }

    /// The coefficients fitted: `c`, `a`, `k`, seconds per swapped token, `w` (lanes 5–7 unused).
    static let featureCount = 5

    /// A step that forwards nothing (only copies) has no fixed cost, as in `computeSeconds`.
    static func features(_ shape: StepShape) -> SIMD8<Double> {
        let forwards = shape.tokenCount > 0
        return SIMD8(
            forwards ? 1 : 0, Double(shape.tokenCount), Double(shape.decodeContextTokenCount), Double(shape.swapTokenCount),
            forwards ? Double(shape.sampledSequenceCount) : 0, 0, 0, 0)
    }

    private var priorCoefficients: SIMD8<Double> {
        SIMD8(prior.fixed.seconds, prior.perToken.seconds, prior.perContextToken.seconds,
              Double(prior.kvBytesPerToken) / prior.swapBytesPerSecond, prior.perSampledSequence.seconds, 0, 0, 0)
    }

    /// Two passes: fit everything, drop outliers by the robust spread of the relative residuals,
    /// fit again. Steps are weighted by `1/T²`, i.e. the fit minimises relative error: timing noise
    /// on a CPU is roughly proportional to the step, and a 400 ms prefill must not drown a 7 ms decode.
    private mutating func fit(priorWeight: Double? = nil) -> IterationCostModel {
        let strength = priorWeight ?? parameters.priorWeight
        var weights = samples.map { 1 / ($0.seconds * $0.seconds) }
        var theta = solve(weights: weights, priorWeight: strength)
        let relative = samples.map { ($0.seconds - ($0.features * theta).sum()) / $0.seconds }
        lastOutlierCount = 0
        if let (center, spread) = Self.robustSpread(relative) {
            for (index, residual) in relative.enumerated() where abs(residual - center) > parameters.outlierCutoff * spread {
                weights[index] = 0
                lastOutlierCount += 1
            }
            if lastOutlierCount > 0 { theta = solve(weights: weights, priorWeight: strength) }
        }
        return model(theta)
    }

    /// The residuals' median and 1.4826 · median absolute deviation around it, the spread floored
    /// at 1 % so a perfectly regular window does not call jitter an outlier. Outliers are judged
    /// around the median residual, not zero: the prior biases every residual alike when the
    /// window cannot identify every parameter.
    static func robustSpread(_ residuals: [Double]) -> (center: Double, spread: Double)? {
        guard residuals.count >= 8 else { return nil }
        let center = median(residuals)
        let mad = median(residuals.map { abs($0 - center) })
        return (center, max(1.4826 * mad, 0.01))
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Weighted ridge solution in scaled coordinates (each feature divided by its weighted root
    /// mean square), where the prior counts as `priorWeight` pseudo-steps on every coordinate and
    /// the total weight of the steps is normalised to their count. A coefficient that comes out
    /// below its floor is fixed there and the others are solved again (one round per coefficient at most), so
    /// clamping never breaks the fit of the total step time.
    private func solve(weights: [Double], priorWeight: Double) -> SIMD8<Double> {
        let prior = priorCoefficients
        let weightSum = weights.reduce(0, +)
        let activeCount = weights.filter { $0 > 0 }.count
        guard weightSum > 0 else { return prior }
        let normalized = weights.map { $0 * Double(activeCount) / weightSum }
        var scale = SIMD8<Double>(repeating: 0)
        for (sample, weight) in zip(samples, normalized) { scale += weight * sample.features * sample.features }
        for j in 0..<8 { scale[j] = scale[j] > 0 ? (scale[j] / Double(activeCount)).squareRoot() : 1 }
        var fixed: [Int: Double] = [:]
        var theta = prior
        for _ in 0..<Self.featureCount {
            let free = (0..<Self.featureCount).filter { fixed[$0] == nil }
            var matrix = [[Double]](repeating: [Double](repeating: 0, count: free.count), count: free.count)
            var vector = [Double](repeating: 0, count: free.count)
            for (sample, weight) in zip(samples, normalized) where weight > 0 {
                let z = sample.features / scale
                var target = sample.seconds
                for (j, value) in fixed { target -= sample.features[j] * value }
                for (row, i) in free.enumerated() {
                    vector[row] += weight * z[i] * target
                    for (column, j) in free.enumerated() { matrix[row][column] += weight * z[i] * z[j] }
                }
            }
            for (row, j) in free.enumerated() {
                matrix[row][row] += priorWeight
                vector[row] += priorWeight * prior[j] * scale[j]
            }
            guard let solution = Self.gaussianElimination(matrix, vector) else { return prior }
            for (row, j) in free.enumerated() { theta[j] = solution[row] / scale[j] }
            for (j, value) in fixed { theta[j] = value }
            let below = free.filter { theta[$0] < Self.floors[$0] }
            if below.isEmpty { break }
            for j in below { fixed[j] = Self.floors[j] }
        }
        for j in 0..<Self.featureCount { theta[j] = max(theta[j], Self.floors[j]) }
        return theta
    }

    /// The smallest value of each coefficient (`c`, `a`, `k`, seconds per swapped token, `w`).
    static let floors = SIMD8<Double>(0, 1e-9, 0, 1e-12, 0, 0, 0, 0)

    static func gaussianElimination(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        var m = a, v = b
        let n = v.count
        guard n > 0 else { return [] }
        for column in 0..<n {
            guard let pivot = (column..<n).max(by: { abs(m[$0][column]) < abs(m[$1][column]) }), abs(m[pivot][column]) > 1e-300 else {
                return nil
            }
            m.swapAt(column, pivot)
            v.swapAt(column, pivot)
            for row in (column + 1)..<n {
                let factor = m[row][column] / m[column][column]
                for k in column..<n { m[row][k] -= factor * m[column][k] }
                v[row] -= factor * v[column]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = v[row]
            for k in (row + 1)..<n { sum -= m[row][k] * x[k] }
            x[row] = sum / m[row][row]
        }
        return x.allSatisfy(\.isFinite) ? x : nil
    }

    /// The cost model for coefficients, clamped to what `IterationCostModel` allows.
    private func model(_ theta: SIMD8<Double>) -> IterationCostModel {
        IterationCostModel(
            fixed: .seconds(theta[0]), perToken: .seconds(theta[1]), perContextToken: .seconds(theta[2]),
            kvBytesPerToken: prior.kvBytesPerToken, swapBytesPerSecond: Double(prior.kvBytesPerToken) / theta[3],
            perSampledSequence: .seconds(theta[4]))
    }
}
