// Simulation: runs the real scheduling core (ServingCore) on a virtual clock against a cost model of
// real GPUs (SPEC §9). `HardwarePreset` derives iteration costs and KV capacity from model and
// accelerator facts by one roofline rule; `SimulatedExecutor` turns a `BatchPlan` into a modelled
// step duration and synthetic tokens; `SimulationRun` is the discrete-event driver (arrivals, call
// returns, step completions) that measures every request; `Sweep` runs policies × rates in parallel.
// No sleeping and no wall clock: a 30-minute run takes seconds and the same seed gives the same
// report.
