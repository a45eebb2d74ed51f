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

/// A Llama-family model mapped from a GGUF file. The architecture comes from the metadata; the
/// weights stay quantized in the memory map (only the norm vectors are copied out), and every
/// tensor's presence, shape and type is checked here, so a forward pass never meets a bad one.
///
/// `@unchecked Sendable`: every stored property is immutable after `init`; the weight matrices
/// point into `file`'s read-only memory map, which this object keeps alive.
public final class LlamaModel: @unchecked Sendable {
    /// The mapped file (kept alive for the weight views).
    public let file: GGUFFile
    public let hyperparameters: LlamaHyperparameters
    public let tokenEmbedding: WeightMatrix
    public let outputNorm: [Float]
    /// The LM head: `output.weight`, or the token embedding when the embeddings are tied.
    public let outputHead: WeightMatrix
    public let layers: [LayerWeights]

    /// Maps and checks the model at `path`.
    public convenience init(path: String) throws(TransformerError) {
        let file: GGUFFile
        do { file = try GGUFFile(path: path) } catch { throw .file(error) }
        try self.init(file: file)
    }

    /// Checks and wraps an opened model file.
    public init(file: GGUFFile) throws(TransformerError) {
        self.file = file
        let embedding = try Self.matrix(file, "token_embd.weight", columns: nil, rows: nil)
        let hyper = try LlamaHyperparameters(metadata: file.metadata, vocabularySize: embedding.rows)
        guard embedding.columns == hyper.embeddingLength else {
            throw .tensorShape(
                tensor: "token_embd.weight", expected: [hyper.embeddingLength, embedding.rows],
                found: [embedding.columns, embedding.rows])
        }
        hyperparameters = hyper
        tokenEmbedding = embedding
        outputNorm = try Self.vector(file, "output_norm.weight", length: hyper.embeddingLength)
        if file.tensors["output.weight"] != nil {
            outputHead = try Self.matrix(file, "output.weight", columns: hyper.embeddingLength, rows: hyper.vocabularySize)
        } else {
            outputHead = embedding
        }
        layers = try (0..<hyper.layerCount).map { index throws(TransformerError) in try Self.layer(file, index, hyper) }
    }

    private static func layer(_ file: GGUFFile, _ index: Int, _ h: LlamaHyperparameters) throws(TransformerError) -> LayerWeights {
        let p = "blk.\(index)."
        let d = h.embeddingLength
        return LayerWeights(
            attentionNorm: try vector(file, p + "attn_norm.weight", length: d),
            query: try matrix(file, p + "attn_q.weight", columns: d, rows: h.headCount * h.headDimension),
            key: try matrix(file, p + "attn_k.weight", columns: d, rows: h.kvDimension),
            value: try matrix(file, p + "attn_v.weight", columns: d, rows: h.kvDimension),
            output: try matrix(file, p + "attn_output.weight", columns: h.headCount * h.headDimension, rows: d),
            feedForwardNorm: try vector(file, p + "ffn_norm.weight", length: d),
            gate: try matrix(file, p + "ffn_gate.weight", columns: d, rows: h.feedForwardLength),
            up: try matrix(file, p + "ffn_up.weight", columns: d, rows: h.feedForwardLength),
            down: try matrix(file, p + "ffn_down.weight", columns: h.feedForwardLength, rows: d))
    }

    static func matrix(_ file: GGUFFile, _ name: String, columns: Int?, rows: Int?) throws(TransformerError) -> WeightMatrix {
        let info: GGUFTensorInfo
        let data: UnsafeRawBufferPointer
        do {
            info = try file.tensor(name)
            data = try file.tensorData(name)
        } catch { throw .file(error) }
        let expected = [columns ?? info.rowLength, rows ?? info.rowCount]
        guard info.shape.count == 2, info.shape == expected, let base = data.baseAddress else {
            throw .tensorShape(tensor: name, expected: expected, found: info.shape)
        }
        return try WeightMatrix(name: name, rows: info.rowCount, columns: info.rowLength, type: info.type, base: base)
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
