// Module ModelFiles
//
// Reads and writes GGUF (format version 3), the single-file container llama.cpp uses for model
// weights and tokenizer data. `GGUFFile` memory-maps a file read-only, parses its header, its
// typed key/value metadata (`GGUFMetadata`, with accessors that name the key on any error) and its
// tensor directory (`GGUFTensorInfo`: name, shape with `ne0` first, `GGMLType`, offset), checks
// every length and offset against the file size, and hands out zero-copy views of tensor bytes.
// `GGUFWriter` produces valid files (tests use it to write tiny seeded random-weight models), and
// `GGMLQuantization` holds reference quantizers and exact dequantizers for the block formats the
// CPU transformer consumes (F32, F16, BF16, Q8_0, Q4_0, Q4_1). Fast kernels live in `Transformer`;
// this module is the format's ground truth. Every failure is a `GGUFError` naming the file and the
// field; nothing a file contains can crash the process.
