import ArgumentParser
import Foundation
import ModelFiles
import Tokenization
import Transformer

/// Loads the model and tokenizer for `generate` and `bench-model`, turning every failure into a
/// one-line error that says how to install the default model.
enum ModelLoading {
    static func resolvePath(_ option: String?) -> String {
        let environment = ProcessInfo.processInfo.environment
        return option.map { DefaultModel.expandingTilde($0, environment: environment) } ?? DefaultModel.path(environment: environment)
    }

    static func load(_ option: String?) throws -> (LlamaModel, Tokenizer) {
        let path = resolvePath(option)
        do {
            let file = try GGUFFile(path: path)
            return (try LlamaModel(file: file), try Tokenizer(file: file))
        } catch {
            throw ValidationError("cannot load the model: \(error); \(DefaultModel.installHint)")
        }
    }
}
