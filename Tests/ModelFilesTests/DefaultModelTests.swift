import Testing
import ModelFiles

@Suite("Default model location")
struct DefaultModelTests {
    @Test("HOME-based default, AUGSERVE_MODEL_DIR override, tilde expansion")
    func paths() {
        #expect(DefaultModel.path(environment: ["HOME": "/home/u"])
            == "/home/u/.cache/augserve/models/SmolLM2-135M-Instruct.Q4_1.gguf")
        #expect(DefaultModel.path(environment: ["HOME": "/home/u", "AUGSERVE_MODEL_DIR": "/models"])
            == "/models/SmolLM2-135M-Instruct.Q4_1.gguf")
        #expect(DefaultModel.expandingTilde("~/m.gguf", environment: ["HOME": "/home/u"]) == "/home/u/m.gguf")
        #expect(DefaultModel.expandingTilde("/abs/m.gguf", environment: ["HOME": "/home/u"]) == "/abs/m.gguf")
        #expect(DefaultModel.installHint.contains("scripts/setup.sh"))
    }
}
