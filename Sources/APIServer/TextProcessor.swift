import EngineRuntime
import ServingCore
import Tokenization

/// The server's `OutputProcessor`: detokenizes as tokens arrive (never half a character) and ends
/// the request at the first stop string, which is never emitted. Runs on the engine thread.
final class TextProcessor: OutputProcessor {
    private var decoder: StreamingDecoder
    private var filter: StopStringFilter

    init(tokenizer: Tokenizer, stops: [String]) {
        decoder = StreamingDecoder(tokenizer: tokenizer, skipSpecial: true)
        filter = StopStringFilter(stops: stops)
    }

    func process(_ token: TokenID) -> (text: String, action: OutputAction) {
        let piece = (try? decoder.append(token)) ?? ""
        let text = filter.feed(piece)
        return (text, filter.stopped ? .finish(.stop) : .proceed)
    }

    func finish(reason: FinishReason) -> String {
        guard !filter.stopped else { return "" }
        return filter.feed(decoder.finish()) + filter.finish()
    }
}

struct TextProcessorFactory: OutputProcessorFactory {
    let tokenizer: Tokenizer
    let stops: [String]

    func makeProcessor() -> any OutputProcessor { TextProcessor(tokenizer: tokenizer, stops: stops) }
}
