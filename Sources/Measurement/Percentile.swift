/// Percentiles of a sorted sample by linear interpolation between the closest ranks
/// (Hyndman and Fan's type 7: NumPy's default and the convention of `vllm bench serve`).
///
/// For `n` values the `p`-th percentile sits at rank `h = p/100 · (n − 1)`; the result is
/// `x[⌊h⌋] + (h − ⌊h⌋) · (x[⌊h⌋+1] − x[⌊h⌋])`. So p0 is the minimum, p100 the maximum, p50 of an
/// even-sized sample the mean of the middle two. An empty sample gives 0 (never NaN, which JSON
/// cannot hold); `p` is clamped to 0...100 and a NaN `p` is read as 0.
public enum Percentile {
    /// The `p`-th percentile (`p` in 0...100) of `sorted`, which must be in ascending order.
    public static func of(_ p: Double, sorted: [Double]) -> Double {
        guard let first = sorted.first else { return 0 }
        guard sorted.count > 1 else { return first }
        let clamped = p.isNaN ? 0 : min(max(p, 0), 100)
        let rank = clamped / 100 * Double(sorted.count - 1)
        let low = Int(rank.rounded(.down))
        let high = min(low + 1, sorted.count - 1)
        let fraction = rank - Double(low)
        return sorted[low] + (sorted[high] - sorted[low]) * fraction
    }
}
