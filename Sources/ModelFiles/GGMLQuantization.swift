/// Reference conversions between `Float` and ggml's block formats.
///
/// The quantizers reproduce the layout and rounding of ggml's `quantize_row_*_ref` functions
/// (so files written by tests look like files written by llama.cpp's tools), and the
/// dequantizers are exact: each value is computed as ggml defines it, in `Float`, without fused
/// multiply-add, so results are bit-identical to gguf-py's `dequantize`. They favour clarity over
/// speed; the transformer has its own SIMD kernels.
public enum GGMLQuantization {
    /// Types `quantize(_:to:)` can produce.
    public static let quantizableTypes: [GGMLType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1]
    /// Types `dequantize(_:type:count:)` can read.
    public static let dequantizableTypes: [GGMLType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1]

    /// `Float` → IEEE half bits, rounding to nearest even (as ggml's `GGML_FP32_TO_FP16`).
    public static func halfBits(_ value: Float) -> UInt16 { Float16(value).bitPattern }

    /// IEEE half bits → `Float` (exact).
    public static func float(fromHalfBits bits: UInt16) -> Float { Float(Float16(bitPattern: bits)) }

    /// `Float` → bfloat16 bits, rounding to nearest even and keeping NaN a (quiet) NaN, as ggml's
    /// `ggml_compute_fp32_to_bf16`.
    public static func bfloat16Bits(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if bits & 0x7fff_ffff > 0x7f80_0000 { return UInt16(truncatingIfNeeded: bits >> 16) | 64 }
        let rounded = bits &+ (0x7fff &+ ((bits >> 16) & 1))
        return UInt16(truncatingIfNeeded: rounded >> 16)
    }

    /// bfloat16 bits → `Float` (exact).
    public static func float(fromBFloat16Bits bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }
}
