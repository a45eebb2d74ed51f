// ModelExecution: the CPU executor. `CPUModelExecutor` implements ServingCore's `ModelExecutor`
// with the real transformer: it validates a plan as a whole (and throws `ExecutorError` before
// changing anything if it is bad), performs the plan's swap copies between the paged KV cache and
// its host area (swap-outs first, both before the forward pass), runs the plan's sequences as one
// mixed batch, samples one token for each sequence that asks (greedy, temperature, top-k, top-p,
// min-p; randomness from (seed, position), so no per-request state), and reports the measured
// step time. Stop tokens, maximum lengths and EOS handling belong to the engine core.
