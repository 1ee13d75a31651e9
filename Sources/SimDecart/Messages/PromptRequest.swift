/// `prompt{prompt, enhance_prompt}` (reference §2).
public struct PromptRequest: Sendable, Equatable {
    /// The prompt, kept exactly as written for the ack.
    public var prompt: PromptText
    /// `enhance_prompt`; **true** when absent or `null` (the JS/Android/Python default, reference §2 and §8 R6).
    public var enhancePrompt: Bool
    /// Whether the client sent `enhance_prompt` at all (JS-PR119 sent `enhance` instead, §8 R6).
    public var enhancePromptSent: Bool

    /// A request.
    public init(prompt: PromptText, enhancePrompt: Bool = true, enhancePromptSent: Bool = true) {
        self.prompt = prompt
        self.enhancePrompt = enhancePrompt
        self.enhancePromptSent = enhancePromptSent
    }
}
