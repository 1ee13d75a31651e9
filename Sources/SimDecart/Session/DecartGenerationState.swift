/// What the generator should produce from, merged from the initial state and later `set_image`/`prompt` updates.
///
/// Merge rules (reference §2): an absent field keeps the previous value; `image_data:null` clears the image;
/// `prompt:null` clears the prompt; `image_ref` replaces the image.
public struct DecartGenerationState: Sendable, Equatable {
    /// The reference image.
    public enum Image: Sendable, Equatable {
        /// Base64 image data and its decoded size.
        case data(base64: String, byteCount: Int)
        /// An uploaded file reference (`file_…`).
        case reference(String)
    }

    /// The image, if any.
    public var image: Image?
    /// The prompt, if any.
    public var prompt: String?
    /// Whether the prompt should be enhanced.
    public var enhancePrompt: Bool

    /// A state.
    public init(image: Image? = nil, prompt: String? = nil, enhancePrompt: Bool = true) {
        self.image = image
        self.prompt = prompt
        self.enhancePrompt = enhancePrompt
    }

    /// Whether there is nothing to style with (passthrough).
    public var isEmpty: Bool { image == nil && prompt == nil }
}
