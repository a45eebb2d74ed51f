// OpenAIProtocol: the OpenAI-compatible wire format, shared by the server and the load generator.
// Requests decode leniently the way OpenAI and vLLM accept them — unknown fields and explicit
// nulls are ignored, `stop` is a string or a list, message content is a string or a list of text
// parts — and a value of the wrong type is an error that names its field (`WireError`). Responses
// and stream chunks are written by `JSONWriter` in a fixed key order with explicit nulls where
// OpenAI sends them, so output is byte-for-byte reproducible; `ServerSentEvents` frames them.
