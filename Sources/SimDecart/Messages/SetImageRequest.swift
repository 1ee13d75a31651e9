/// `set_image{image_data?, image_ref?, prompt?, enhance_prompt?}` (reference §2), with nulls kept as sent.
///
/// `{image_data:null, prompt:null}` (JS/iOS) and `{image_data:null}` (Android) are the "passthrough bootstrap".
public struct SetImageRequest: Sendable, Equatable {
    /// `image_data`: standard base64 without a `data:` prefix, `null` to clear the image, or absent.
    public var imageData: JSONField<String>
    /// `image_ref` (`file_…`, JS ≥ v0.1.1), exclusive with a non-null `image_data`; `null` is treated as absent.
    public var imageRef: String?
    /// `prompt`: text, `null`, or absent.
    public var prompt: JSONField<PromptText>
    /// `enhance_prompt`, if sent (not `null`).
    public var enhancePrompt: Bool?

    /// A request with the given fields.
    public init(imageData: JSONField<String> = .absent, imageRef: String? = nil, prompt: JSONField<PromptText> = .absent, enhancePrompt: Bool? = nil) {
        self.imageData = imageData
        self.imageRef = imageRef
        self.prompt = prompt
        self.enhancePrompt = enhancePrompt
    }

    /// Whether this is a bootstrap: no image and no prompt, only nulls or nothing.
    public var isBootstrap: Bool { imageData.wrapped == nil && imageRef == nil && prompt.wrapped == nil }
}
