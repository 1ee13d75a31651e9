/// A `set_image` or `prompt` message: what a client sends as its initial state (inside a bundled join, or as a
/// separate frame) and at runtime (reference §2).
public enum DecartStateMessage: Sendable, Equatable {
    /// `set_image`.
    case setImage(SetImageRequest)
    /// `prompt`.
    case prompt(PromptRequest)

    /// The wire `type`.
    public var type: String {
        switch self {
        case .setImage: "set_image"
        case .prompt: "prompt"
        }
    }
}
