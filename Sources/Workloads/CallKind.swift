/// Which external call intercepts a segment: the tool's name. Predictors keep their per-tool
/// statistics under it, so two calls of the same kind are expected to behave alike.
public struct CallKind: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The tool's name as the dataset's segment table spells it (`calculator`, `wikipedia`, …).
    public let name: String

    /// A kind with the given tool name.
    public init(_ name: String) { self.name = name }

    public var description: String { name }

    /// GSM8K-XL math: a calculator answering in microseconds.
    public static let calculator = CallKind("calculator")
    /// Multi-hop QA: a Wikipedia lookup.
    public static let wikipedia = CallKind("wikipedia")
    /// ALFWorld: one step of the embodied environment.
    public static let alfworldEnvironment = CallKind("alfworld_env")
    /// A human's next message in a chat (think time up to a minute).
    public static let humanFollowup = CallKind("human_followup")
    /// Bark text-to-speech.
    public static let barkTTS = CallKind("bark_tts")
    /// Stable Diffusion image generation.
    public static let stableDiffusion = CallKind("stable_diffusion")

    /// Every kind of the InferCept mixture.
    public static let inferCeptKinds: [CallKind] = [
        .calculator, .wikipedia, .alfworldEnvironment, .humanFollowup, .barkTTS, .stableDiffusion,
    ]
}
