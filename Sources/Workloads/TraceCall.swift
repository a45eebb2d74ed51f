/// An interception as a trace scripts it: how long the call runs and how many tokens it appends
/// to the context (which must be prefilled before decoding resumes).
public struct TraceCall: Sendable, Equatable, Hashable {
    /// The tool that is called.
    public var kind: CallKind
    /// Wall time of the call; zero is allowed (the dataset has 0 s calls that return tokens).
    public var duration: Duration
    /// Tokens the call returns; never negative (the loader clamps the dataset's −2 to 0).
    public var returnedTokenCount: Int

    /// A call of `kind` lasting `duration` and returning `returnedTokenCount` tokens.
    public init(kind: CallKind, duration: Duration, returnedTokenCount: Int) {
        self.kind = kind
        self.duration = duration
        self.returnedTokenCount = returnedTokenCount
    }
}
