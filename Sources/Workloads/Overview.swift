// Workloads: what requests arrive and when. `InferCeptDataset` loads InferCept's six-augmentation
// mixture (shipped in `Data/`, see its README for provenance and license) or a user's file in the
// same typed JSON form, with the InferCept harness's replay semantics, into a `Workload` of
// `TraceRequest`s (a prompt, then segments of decoding each ended by an optional `TraceCall`).
// `SyntheticWorkload` makes small seeded workloads of a few archetypes for tests.
// `WorkloadSchedule` turns a workload and an `ArrivalProcess` (Poisson, or Gamma with a
// coefficient of variation for bursts) into a run's `ArrivingRequest` list, drawing traces
// uniformly with replacement. Every draw goes through `SeededRandom`, so the same seed gives the
// same schedule on every platform.
