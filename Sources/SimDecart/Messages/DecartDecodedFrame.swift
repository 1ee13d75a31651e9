/// A decoded control frame: the message plus what the decoder ignored, for the event log.
public struct DecartDecodedFrame: Sendable, Equatable {
    /// The message.
    public var message: DecartClientMessage
    /// Top-level keys the message type does not define (e.g. `enhance` from JS-PR119, reference §8 R6), in order.
    public var ignoredKeys: [String]
    /// The frame's size in bytes.
    public var byteCount: Int

    /// A decoded frame.
    public init(message: DecartClientMessage, ignoredKeys: [String] = [], byteCount: Int = 0) {
        self.message = message
        self.ignoredKeys = ignoredKeys
        self.byteCount = byteCount
    }
}
