import Foundation
import ModelFiles

/// One decoder block's weights.
public struct LayerWeights: Sendable {
    public let attentionNorm: [Float]
    public let query: WeightMatrix
    public let key: WeightMatrix
    public let value: WeightMatrix
    public let output: WeightMatrix
    public let feedForwardNorm: [Float]
    public let gate: WeightMatrix
    public let up: WeightMatrix
    public let down: WeightMatrix

    /// The seven matrices, in the order a token's pass streams them.
    public var matrices: [WeightMatrix] { [query, key, value, output, gate, up, down] }
}

/// A Llama-family model loaded from a GGUF file. The architecture comes from the metadata; every
/// tensor's presence, shape and type is checked here, so a forward pass never meets a bad one.
/// The matrices stay quantized (Q4_1, Q8_0, F16 or F32 as stored) but are repacked into a
/// `WeightArena` in the kernels' four-row interleaved order; the file's pages are released as
/// each tensor is packed, so the resident size stays about the file's size.
///
/// `@unchecked Sendable`: every stored property is immutable after `init`; the weight matrices
/// point into `arena`, which this object keeps alive and nothing writes after packing.
public final class LlamaModel: @unchecked Sendable {
    /// The opened file (metadata, tokenizer data).
    public let file: GGUFFile
    public let hyperparameters: LlamaHyperparameters
    public let tokenEmbedding: WeightMatrix
    public let outputNorm: [Float]
    /// The LM head: `output.weight`, or the token embedding when the embeddings are tied.
    public let outputHead: WeightMatrix
    public let layers: [LayerWeights]
    /// Owns the packed weights every `WeightMatrix` above points into.
    let arena: WeightArena

    /// Maps, checks and packs the model at `path`.
    public convenience init(path: String) throws(TransformerError) {
        let file: GGUFFile
        do { file = try GGUFFile(path: path) } catch { throw .file(error) }
        try self.init(file: file)
    }

    /// Checks an opened model file and packs its matrices (see `WeightMatrix`).
    public init(file: GGUFFile) throws(TransformerError) {
        self.file = file
        let embedding = try Self.info(file, "token_embd.weight")
        guard embedding.shape.count == 2 else {
            throw .tensorShape(tensor: embedding.name, expected: [embedding.rowLength, embedding.rowCount], found: embedding.shape)
        }
        let hyper = try LlamaHyperparameters(metadata: file.metadata, vocabularySize: embedding.rowCount)
        hyperparameters = hyper
        let untied = file.tensors["output.weight"] != nil
        var specs = [MatrixSpec(name: "token_embd.weight", columns: hyper.embeddingLength, rows: hyper.vocabularySize)]
        if untied { specs.append(MatrixSpec(name: "output.weight", columns: hyper.embeddingLength, rows: hyper.vocabularySize)) }
        for index in 0..<hyper.layerCount { specs += Self.layerSpecs(index, hyper) }
        var infos: [GGUFTensorInfo] = []
        for spec in specs { infos.append(try Self.checkedInfo(file, spec)) }
        outputNorm = try Self.vector(file, "output_norm.weight", length: hyper.embeddingLength)
        var norms: [([Float], [Float])] = []
        for index in 0..<hyper.layerCount {
            let p = "blk.\(index)."
            norms.append((
                try Self.vector(file, p + "attn_norm.weight", length: hyper.embeddingLength),
                try Self.vector(file, p + "ffn_norm.weight", length: hyper.embeddingLength)))
        }
        let sizes = infos.map { WeightMatrix.packedByteCount(rows: $0.rowCount, columns: $0.rowLength, type: $0.type) }
        arena = try WeightArena(byteCount: WeightArena.size(for: sizes))
        var matrices: [WeightMatrix] = []
        for info in infos { matrices.append(try Self.pack(file, info, into: arena)) }
        tokenEmbedding = matrices[0]
        outputHead = untied ? matrices[1] : matrices[0]
        let first = untied ? 2 : 1
        layers = (0..<hyper.layerCount).map { index in
            let m = Array(matrices[first + 7 * index..<first + 7 * (index + 1)])
            return LayerWeights(
                attentionNorm: norms[index].0, query: m[0], key: m[1], value: m[2], output: m[3],
                feedForwardNorm: norms[index].1, gate: m[4], up: m[5], down: m[6])
        }
    }

    /// A matrix the model needs: its name and the shape the hyperparameters imply.
    private struct MatrixSpec {
        let name: String
        let columns: Int
        let rows: Int
    }

    private static func layerSpecs(_ index: Int, _ h: LlamaHyperparameters) -> [MatrixSpec] {
        let p = "blk.\(index).", d = h.embeddingLength, q = h.headCount * h.headDimension
        return [
            MatrixSpec(name: p + "attn_q.weight", columns: d, rows: q),
            MatrixSpec(name: p + "attn_k.weight", columns: d, rows: h.kvDimension),
            MatrixSpec(name: p + "attn_v.weight", columns: d, rows: h.kvDimension),
            MatrixSpec(name: p + "attn_output.weight", columns: q, rows: d),
            MatrixSpec(name: p + "ffn_gate.weight", columns: d, rows: h.feedForwardLength),
            MatrixSpec(name: p + "ffn_up.weight", columns: d, rows: h.feedForwardLength),
            MatrixSpec(name: p + "ffn_down.weight", columns: h.feedForwardLength, rows: d),
        ]
    }

    private static func info(_ file: GGUFFile, _ name: String) throws(TransformerError) -> GGUFTensorInfo {
        do { return try file.tensor(name) } catch { throw .file(error) }
    }

    private static func checkedInfo(_ file: GGUFFile, _ spec: MatrixSpec) throws(TransformerError) -> GGUFTensorInfo {
        let info = try info(file, spec.name)
        guard info.shape == [spec.columns, spec.rows] else {
            throw .tensorShape(tensor: spec.name, expected: [spec.columns, spec.rows], found: info.shape)
        }
        try WeightMatrix.validate(name: spec.name, rows: spec.rows, columns: spec.columns, type: info.type)
        return info
    }

    /// Packs one matrix into the arena, then lets the kernel drop the file pages it came from.
    private static func pack(_ file: GGUFFile, _ info: GGUFTensorInfo, into arena: WeightArena) throws(TransformerError) -> WeightMatrix {
        let data: UnsafeRawBufferPointer
        do { data = try file.tensorData(info.name) } catch { throw .file(error) }
        let size = WeightMatrix.packedByteCount(rows: info.rowCount, columns: info.rowLength, type: info.type)
        guard let source = data.baseAddress, data.count >= info.rowCount * info.rowByteCount,
            let destination = arena.take(size)
        else {
            throw .tensorShape(tensor: info.name, expected: [info.rowLength, info.rowCount], found: info.shape)
        }
        let matrix = WeightMatrix(
            name: info.name, rows: info.rowCount, columns: info.rowLength, type: info.type, source: source,
            destination: destination)
        WeightArena.releasePages(of: data)
        return matrix
    }

    static func vector(_ file: GGUFFile, _ name: String, length: Int) throws(TransformerError) -> [Float] {
        let values: [Float]
        let info: GGUFTensorInfo
        do {
            info = try file.tensor(name)
            values = try file.dequantizedTensor(name)
        } catch { throw .file(error) }
        guard info.shape == [length], values.count == length else {
            throw .tensorShape(tensor: name, expected: [length], found: info.shape)
        }
        return values
    }

    /// Bytes of weights one token's forward pass streams (every matrix once, plus the LM head).
    public var weightBytesPerToken: Int {
        layers.reduce(outputHead.byteCount) { total, layer in total + layer.matrices.reduce(0) { $0 + $1.byteCount } }
    }

    /// Multiply-adds of one token's pass through the matrices (attention over the context excluded).
    public var weightMultiplyAddsPerToken: Int {
        layers.reduce(outputHead.rows * outputHead.columns) { total, layer in
            total + layer.matrices.reduce(0) { $0 + $1.rows * $1.columns }
        }
    }
}
