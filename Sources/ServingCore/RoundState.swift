/// The budgets and the plan being built during one scheduling round.
struct RoundState {
    let number: Int
    /// Tokens that may still be forwarded this iteration.
    var tokenBudget: Int
    /// Tokens of KV that may still be copied host → device / device → host this iteration.
    var swapInBudget: Int
    var swapOutBudget: Int
    var decodes: [ScheduledSequence] = []
    var prefills: [ScheduledSequence] = []
    var swapOut: [BlockTransfer] = []
    var swapIn: [BlockTransfer] = []
    /// In-flight records in the same order as `decodes` and `prefills`, for `apply`.
    var decodeFlights: [InFlightSequence] = []
    var prefillFlights: [InFlightSequence] = []
    /// Requests whose blocks this round's swaps copy.
    var transferred: [Request] = []

    init(number: Int, tokenBudget: Int, swapInBudget: Int, swapOutBudget: Int) {
        self.number = number
        self.tokenBudget = tokenBudget
        self.swapInBudget = swapInBudget
        self.swapOutBudget = swapOutBudget
    }
}
