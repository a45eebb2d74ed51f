/// One step of a scripted request: decode `decodeTokenCount` tokens, then, if `call` is set, be
/// intercepted by it. Only the last segment of a loaded trace may lack a call.
public struct TraceSegment: Sendable, Equatable, Hashable {
    /// Tokens the model generates in this segment before the interception (or the end).
    public var decodeTokenCount: Int
    /// The interception ending the segment, or nil for none.
    public var call: TraceCall?

    /// A segment decoding `decodeTokenCount` tokens and then intercepted by `call`, if any.
    public init(decodeTokenCount: Int, call: TraceCall? = nil) {
        self.decodeTokenCount = decodeTokenCount
        self.call = call
    }
}
