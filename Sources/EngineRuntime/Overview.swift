// EngineRuntime: the real-time engine. `EngineService` drives the same `EngineCore` the simulator
// drives, on the real clock, with a real executor (the CPU transformer). One dedicated thread —
// the engine thread — owns the core, the executor and every per-request text processor, so the
// synchronous executor and its KV pages are never touched concurrently and a step's tokens are
// delivered without any actor hop. Other threads talk to it through a locked inbox (submit, abort,
// call returned, shutdown) that wakes it; it sleeps when there is nothing to do. One loop turn is
// a sequence of named phases: take the inbox, fire due call timers (trace replay), schedule,
// execute, apply, deliver the events (tokens through each request's `OutputProcessor`, pauses,
// finishes), refit the cost model, publish a snapshot for metrics and health. Each request has a
// bounded `AsyncStream` of `RequestEvent`s; a consumer that stops reading past the bound, or goes
// away, aborts its request and its blocks return at once.
