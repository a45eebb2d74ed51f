// Transformer: a Llama-family decoder running on the CPU. `LlamaModel` maps a GGUF file and keeps
// its weights quantized (Q4_1 / Q8_0 / F16 / F32, read in place from the memory map); `WeightMatrix`
// holds the SIMD kernels that dequantize blocks exactly in registers; `MatrixMultiply` chooses
// between those kernels (a few tokens: the bytes streamed per token bound the speed) and OpenBLAS
// sgemm on dequantized tiles (many tokens: FLOPs bound it). `ForwardPass` runs one mixed batch —
// prefill chunks and single decode tokens of several sequences — with grouped-query attention over
// a `PagedKVCache` addressed by block id and per-sequence block tables. `Sampler` turns logits into
// tokens (greedy, temperature, top-k, top-p, min-p) with randomness derived from (seed, position).
// The transformer knows blocks and positions, nothing of scheduling.
