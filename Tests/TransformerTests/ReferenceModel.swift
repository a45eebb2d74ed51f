import Foundation
import ModelFiles
@testable import Transformer

/// A deliberately naive forward pass for checking `ForwardPass`: weights dequantized with the
/// ModelFiles reference dequantizer, every sum in Double, the whole sequence recomputed, no
/// cache, no batching, no tiling.
struct ReferenceModel {
    let hyper: LlamaHyperparameters
    let weights: [String: [Float]]

    init(file: GGUFFile, hyper: LlamaHyperparameters) throws {
        self.hyper = hyper
        var weights: [String: [Float]] = [:]
        for name in file.tensorNames { weights[name] = try file.dequantizedTensor(name) }
        self.weights = weights
    }

    /// Logits at every position of `tokens`.
    func logits(_ tokens: [Int32]) -> [[Float]] {
        let h = hyper, d = h.embeddingLength, hd = h.headDimension
        var x = tokens.map { Array(weights["token_embd.weight"]![Int($0) * d..<(Int($0) + 1) * d]) }
        for layer in 0..<h.layerCount {
            let p = "blk.\(layer)."
            let normed = x.map { norm($0, p + "attn_norm.weight") }
            let q = normed.enumerated().map { rope(multiply(p + "attn_q.weight", $0.element), position: $0.offset) }
            let k = normed.enumerated().map { rope(multiply(p + "attn_k.weight", $0.element), position: $0.offset) }
            let v = normed.map { multiply(p + "attn_v.weight", $0) }
            for position in x.indices {
                var attended = [Float](repeating: 0, count: h.headCount * hd)
                for head in 0..<h.headCount {
                    let kvHead = head / h.groupSize
                    var scores = (0...position).map { j in
                        (0..<hd).reduce(0.0) { $0 + Double(q[position][head * hd + $1]) * Double(k[j][kvHead * hd + $1]) } / Double(hd).squareRoot()
                    }
                    let top = scores.max()!
                    scores = scores.map { exp($0 - top) }
                    let total = scores.reduce(0, +)
                    for i in 0..<hd {
                        attended[head * hd + i] = Float((0...position).reduce(0.0) { $0 + scores[$1] / total * Double(v[$1][kvHead * hd + i]) })
                    }
                }
                x[position] = zip(x[position], multiply(p + "attn_output.weight", attended)).map { $0 + $1 }
            }
            for position in x.indices {
                let n = norm(x[position], p + "ffn_norm.weight")
                let gate = multiply(p + "ffn_gate.weight", n), up = multiply(p + "ffn_up.weight", n)
                let hidden = zip(gate, up).map { g, u in Float(Double(g) / (1 + exp(-Double(g))) * Double(u)) }
                x[position] = zip(x[position], multiply(p + "ffn_down.weight", hidden)).map { $0 + $1 }
            }
        }
        let head = weights["output.weight"] != nil ? "output.weight" : "token_embd.weight"
        return x.map { multiply(head, norm($0, "output_norm.weight")) }
    }

    private func multiply(_ name: String, _ input: [Float]) -> [Float] {
        let w = weights[name]!, columns = input.count
        return (0..<w.count / columns).map { row in
            Float((0..<columns).reduce(0.0) { $0 + Double(w[row * columns + $1]) * Double(input[$1]) })
        }
    }

    private func norm(_ x: [Float], _ name: String) -> [Float] {
        let mean = x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(x.count)
        let scale = 1 / (mean + Double(hyper.rmsEpsilon)).squareRoot()
        return zip(x, weights[name]!).map { Float(Double($0) * scale * Double($1)) }
    }

    private func rope(_ v: [Float], position: Int) -> [Float] {
        var out = v
        let hd = hyper.headDimension
        for start in stride(from: 0, to: v.count, by: hd) {
            for i in 0..<hd / 2 {
                let angle = Double(position) * pow(Double(hyper.ropeBase), -2 * Double(i) / Double(hd))
                let a = Double(v[start + 2 * i]), b = Double(v[start + 2 * i + 1])
                out[start + 2 * i] = Float(a * cos(angle) - b * sin(angle))
                out[start + 2 * i + 1] = Float(a * sin(angle) + b * cos(angle))
            }
        }
        return out
    }
}
