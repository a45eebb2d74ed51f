import ArgumentParser
import Foundation
import Simulation

/// Loads a user's hardware facts (a `HardwarePreset` as JSON) and lists the built-in presets.
enum HardwareFile {
    static func load(_ path: String) throws -> HardwarePreset {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ValidationError("cannot read hardware file \(path): \(error.localizedDescription)")
        }
        let preset: HardwarePreset
        do { preset = try JSONDecoder().decode(HardwarePreset.self, from: data) } catch let error as DecodingError {
            throw ValidationError("malformed hardware file \(path): \(describe(error))")
        }
        do { try preset.validate() } catch { throw ValidationError("hardware file \(path): \(error)") }
        return preset
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            "missing field \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case .dataCorrupted(let context):
            context.codingPath.isEmpty ? "not valid JSON" : "bad value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        @unknown default: "cannot decode"
        }
    }
}

enum PresetListing {
    static func text() -> String {
        var lines = ["| preset | model | accelerator | TP | c (ms) | a (ms/token) | k (µs/ctx token) | KV tokens | host swap tokens | swap budget (tokens/iteration) |", "|---|---|---|---|---|---|---|---|---|---|"]
        for preset in HardwarePreset.all {
            let hardware = preset.derive()
            let cost = hardware.cost
            lines.append(
                "| \(preset.name) | \(preset.model.name) | \(preset.accelerator.name) | \(preset.tensorParallelism) | "
                    + String(format: "%.2f | %.4f | %.3f", cost.fixed.seconds * 1e3, cost.perToken.seconds * 1e3, cost.perContextToken.seconds * 1e6)
                    + " | \(hardware.kvCapacityTokenCount) | \(hardware.hostSwapTokenCount) | \(swapBudgetCell(preset, hardware)) |")
        }
        return lines.joined(separator: "\n")
            + "\n\nSwap budget: swap-in + swap-out tokens per iteration at InferCept's 384-token chunk, sized to what the host link "
            + "moves during that iteration (published: InferCept's fit a = 0.00462, b = 109)."
    }

    /// "1494 (b = 555.2)" or "605 (published, b = 109)".
    static func swapBudgetCell(_ preset: HardwarePreset, _ hardware: SimulatedHardware) -> String {
        let b = String(format: "%.1f", hardware.swapBudget.b)
        return "\(hardware.swapTokensPerIteration) (\(preset.publishedSwapBudget != nil ? "published, " : "")b = \(b))"
    }
}
