/// The result of answering an offer: the answer description and a summary per media section.
public struct SDPAnswer: Hashable, Sendable {
    /// The answer.
    public var sessionDescription: SessionDescription
    /// One summary per offered section, in section order.
    public var sections: [AnsweredSection]

    /// Makes an answer from its parts.
    public init(sessionDescription: SessionDescription, sections: [AnsweredSection]) {
        self.sessionDescription = sessionDescription
        self.sections = sections
    }

    /// The answer as SDP text (CRLF).
    public var sdp: String { sessionDescription.serialized() }

    /// The summary for `mid`.
    public func section(_ mid: MediaID) -> AnsweredSection? {
        sections.first { $0.mid == mid }
    }
}
