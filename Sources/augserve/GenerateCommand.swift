import ArgumentParser
import Foundation
import ModelFiles
import Tokenization
import Transformer

struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text with the CPU transformer, streamed to stdout.",
        discussion: """
            Runs the default model (SmolLM2-135M-Instruct) on the CPU. With --chat the prompt is \
            wrapped as a user turn of the model's ChatML template and generation stops at the end of \
            the assistant's turn (unless --ignore-eos). --stop ends the output before the first \
            occurrence of a given text. Temperature 0 (the default) is greedy decoding.
            Example: augserve generate --chat --prompt "What is the capital of France?"
            """)

    @Option(help: "The prompt text.")
    var prompt: String

    @Flag(help: "Wrap the prompt in the ChatML template as a user message.")
    var chat = false

    @Option(help: "With --chat, a system message (default: none; the model's built-in default with --default-system).")
    var system: String?

    @Flag(help: "With --chat and no --system: insert the model's default system prompt.")
    var defaultSystem = false

    @Option(help: "Most tokens to generate.")
    var maxTokens: Int = 128

    @Option(help: "Sampling temperature (0 = greedy).")
    var temperature: Float = 0

    @Option(help: "Keep only the k most likely tokens (0 = off).")
    var topK: Int = 0

    @Option(help: "Keep the smallest set of tokens whose probability reaches p (1 = off).")
    var topP: Float = 1

    @Option(help: "Drop tokens less likely than min-p × the most likely one (0 = off).")
    var minP: Float = 0

    @Option(help: "Seed of the sampling randomness.")
    var seed: UInt64 = 0

    @Option(name: .customLong("stop"), help: "Stop before this text (repeatable); it is not printed.")
    var stops: [String] = []

    @Flag(help: "Do not stop at the end-of-sequence token (or, with --chat, at the end of the turn).")
    var ignoreEOS = false

    @Option(help: "CPU threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "GGUF model file (default: ~/.cache/augserve/models/\(DefaultModel.fileName)).")
    var model: String?

    func run() async throws {
        guard maxTokens > 0 else { throw ValidationError("invalid --max-tokens \(maxTokens): must be > 0") }
        guard maxTokens <= Self.maxTokenLimit else {
            throw ValidationError("invalid --max-tokens \(maxTokens): must be in 1...\(Self.maxTokenLimit)")
        }
        guard threads > 0 else { throw ValidationError("invalid --threads \(threads): must be > 0") }
        guard threads <= Self.maxThreads else { throw ValidationError("invalid --threads \(threads): must be in 1...\(Self.maxThreads)") }
        let settings = SamplerSettings(temperature: temperature, topK: topK, topP: topP, minP: minP, seed: seed)
        if let reason = settings.invalidReason { throw ValidationError("invalid sampling option: \(reason)") }
        let (llama, tokenizer) = try ModelLoading.load(model)
        let text = chat ? renderChat(prompt) : prompt
        let promptIDs = tokenizer.encode(text, parseSpecial: chat)
        guard !promptIDs.isEmpty else { throw ValidationError("the prompt is empty") }
        let context = llama.hyperparameters.contextLength
        guard promptIDs.count < context else {
            throw ValidationError("the prompt has \(promptIDs.count) tokens; this model's context length is \(context)")
        }
        let stop = ignoreEOS ? [] : Set([tokenizer.specialTokenIDs.eos].compactMap { $0 })
        var filter = StopStringFilter(stops: stops)
        let pool = WorkerPool(threadCount: threads)
        var stream = try TokenStream(model: llama, promptIDs: promptIDs, maxTokens: min(maxTokens, context), pool: pool)
        var decoder = StreamingDecoder(tokenizer: tokenizer, skipSpecial: true)
        while let token = try stream.next(settings) {
            if stop.contains(token) { break }
            write(filter.feed(try decoder.append(token)))
            if filter.stopped { break }
        }
        write(filter.feed(decoder.finish()) + filter.finish() + "\n")
    }

    /// Far above any context length (generation stops at the context anyway); bounded so the
    /// token arithmetic cannot overflow.
    static let maxTokenLimit = 1 << 20
    /// The most worker threads (as `serve --threads`).
    static let maxThreads = 256

    private func renderChat(_ text: String) -> String {
        var messages: [ChatMessage] = []
        if let system { messages.append(ChatMessage(role: .system, content: system)) }
        messages.append(ChatMessage(role: .user, content: text))
        let template = ChatTemplate.chatML(defaultSystemPrompt: defaultSystem ? ChatTemplate.smolLMSystemPrompt : nil)
        return template.render(messages: messages, addGenerationPrompt: true)
    }

    private func write(_ text: String) {
        guard !text.isEmpty else { return }
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
