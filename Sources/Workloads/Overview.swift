// Workloads: what requests arrive and when. The InferCept six-augmentation dataset (shipped in
// `Data/`, see its README for provenance and license) loaded with the InferCept harness's replay
// semantics, seeded synthetic generators for tests, and arrival processes (Poisson, and Gamma with
// a coefficient-of-variation parameter for bursts). Everything random draws from `SeededRandom`,
// so the same seed gives the same arrivals on every platform.
