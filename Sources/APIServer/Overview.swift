// APIServer: the OpenAI-compatible HTTP server (Hummingbird 2) in front of the real-time engine.
// Each generation request is read (body bounded), decoded leniently (`OpenAIProtocol`), checked
// against the bounded queue before anything is tokenized, translated into a `RequestSpec` (chat
// template, stop strings, sampling, trace-replay segments, per-request objectives from headers) and
// submitted; its `OutputProcessor` (detokenizer + stop strings) runs on the engine thread and the
// events it produces are written as one JSON body or as Server-Sent Events. A client that goes
// away aborts its request. Errors are OpenAI's envelope; metrics are vLLM's names.
