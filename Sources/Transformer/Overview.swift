// Transformer: a Llama-family decoder running on the CPU. `LlamaModel` maps a GGUF file, reads the
// architecture from its metadata and repacks the weights, still quantized (Q4_1 / Q8_0 / F16 / F32),
// into four-row interleaved groups (`WeightMatrix`). `ForwardPass` runs one mixed batch — prefill
// chunks and single decode tokens of several sequences, flattened into one activation matrix — with
// grouped-query attention over a `PagedKVCache` addressed by block id and per-sequence block tables.
// Its products pick a mode by token count (`ProductRegion.swift`): quantized matrix-vector kernels
// (1–2 tokens, bound by the bytes of weights streamed), dequantized eight-row tiles through
// `TileKernel` (9–127 tokens; sgemm below 9), or whole matrices dequantized once and OpenBLAS sgemm
// over token tiles (prefill). `WorkerPool` splits every region over the cores. `Sampler` turns logits
// into tokens (greedy, temperature, top-k, top-p, min-p) with randomness derived from (seed,
// position). The transformer knows blocks and positions, nothing of scheduling.
