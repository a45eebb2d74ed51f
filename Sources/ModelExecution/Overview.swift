// ModelExecution: the CPU executor. `CPUModelExecutor` implements ServingCore's `ModelExecutor`
// with the real transformer: it performs a plan's swap copies between the paged KV cache and its
// host area, runs the plan's sequences as one mixed batch, samples a token for each sequence that
// asks for one (with the request's sampling parameters, randomness from (seed, position)), and
// reports the measured step time. It validates plans and throws typed errors instead of crashing.
