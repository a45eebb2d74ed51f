import Testing
@testable import Tokenization

@Suite("ChatML template")
struct ChatTemplateTests {
    @Test("renders each message and the generation prompt, with the default system prompt")
    func render() {
        let text = ChatTemplate.chatML.render(messages: [ChatMessage(role: .user, content: "Hi")], addGenerationPrompt: true)
        #expect(text == "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
            + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
    }

    @Test("an explicit system message replaces the default; an empty conversation gets none")
    func systemMessage() {
        let messages = [ChatMessage(role: .system, content: "Be brief."), ChatMessage(role: .user, content: "Hi")]
        #expect(ChatTemplate.chatML.render(messages: messages, addGenerationPrompt: false)
            == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n")
        #expect(ChatTemplate.chatML.render(messages: [], addGenerationPrompt: true) == "<|im_start|>assistant\n")
        #expect(ChatTemplate.chatML(defaultSystemPrompt: nil).render(messages: [ChatMessage(role: .user, content: "x")], addGenerationPrompt: false)
            == "<|im_start|>user\nx<|im_end|>\n")
    }

    @Test("rendering the golden conversations gives exactly the reference ids",
          .enabled(if: TestSupport.installedModelPath != nil, TestSupport.modelMissingNote))
    func goldenConversations() throws {
        let tokenizer = try #require(TestSupport.smolLM)
        let golden = try #require(TestSupport.golden)
        let conversation = ChatTemplate.chatML.render(messages: [
            ChatMessage(role: .user, content: "What is 2+2?"),
            ChatMessage(role: .assistant, content: "2+2 equals 4."),
            ChatMessage(role: .user, content: "And 10*10?"),
        ], addGenerationPrompt: true)
        #expect(tokenizer.encode(conversation, parseSpecial: true) == golden.perPositionCase.ids)

        let colors = ChatTemplate.chatML.render(
            messages: [ChatMessage(role: .user, content: "List the three primary colors.")], addGenerationPrompt: true)
        let colorsCase = try #require(golden.greedyCases.first { $0.name == "chatml_colors" })
        #expect(tokenizer.encode(colors, parseSpecial: true) == colorsCase.promptIds)

        // The reference "capital" prompt has no system message.
        let capital = ChatTemplate.chatML(defaultSystemPrompt: nil).render(
            messages: [ChatMessage(role: .user, content: "What is the capital of France?")], addGenerationPrompt: true)
        let capitalCase = try #require(golden.greedyCases.first { $0.name == "chatml_capital" })
        #expect(tokenizer.encode(capital, parseSpecial: true) == capitalCase.promptIds)
    }

    @Test("the model file's Jinja template is recognised as ChatML with SmolLM's default prompt",
          .enabled(if: TestSupport.installedModelPath != nil, TestSupport.modelMissingNote))
    func fromGGUF() throws {
        let source = try #require(TestSupport.modelMetadata).string("tokenizer.chat_template")
        #expect(ChatTemplate(ggufTemplateSource: source) == ChatTemplate.chatML)
        #expect(ChatTemplate(ggufTemplateSource: "{{ bos_token }}[INST]") == nil)
    }
}
