/// Why a `set_image`/`prompt` was refused: its text goes into the ack's `error`.
public struct DecartStateRefusal: Error, Sendable, Equatable {
    /// The ack's `error` text.
    public var text: String

    /// A refusal.
    public init(_ text: String) { self.text = text }
}
