/// An `a=extmap` value (RFC 8285 §8): `<id>[/<direction>] <uri> [<attributes>]`.
public struct ExtMap: Hashable, Sendable {
    /// The largest id RFC 8285 allows (two-byte header form); one-byte headers use 1…14.
    public static let maximumID = 255

    /// The local identifier used in RTP packets, 1…255.
    public var id: Int
    /// The direction restriction, if written (`a=extmap:2/recvonly …`).
    public var direction: MediaDirection?
    /// The extension URI.
    public var uri: String
    /// Extension attributes after the URI, if any, kept as written.
    public var extensionAttributes: String?

    /// Makes a mapping from its parts.
    public init(id: Int, direction: MediaDirection? = nil, uri: String, extensionAttributes: String? = nil) {
        self.id = id
        self.direction = direction
        self.uri = uri
        self.extensionAttributes = extensionAttributes
    }

    /// Parses an attribute value; nil when the id, direction or URI is malformed.
    public init?(attributeValue: String) {
        let (head, rest) = attributeValue.sdpSplit(once: " ")
        let (idText, directionText) = head.sdpSplit(once: "/")
        guard let id = idText.sdpNumber(Int.self), (1...Self.maximumID).contains(id), let rest else { return nil }
        var direction: MediaDirection?
        if let directionText {
            guard let parsed = MediaDirection(rawValue: String(directionText)) else { return nil }
            direction = parsed
        }
        let (uri, attributes) = rest.sdpTrimmed.sdpSplit(once: " ")
        guard !uri.isEmpty else { return nil }
        self.init(id: id, direction: direction, uri: String(uri), extensionAttributes: attributes.map(String.init))
    }

    /// The attribute value.
    public var attributeValue: String {
        var text = String(id)
        if let direction { text += "/\(direction)" }
        text += " \(uri)"
        if let extensionAttributes { text += " \(extensionAttributes)" }
        return text
    }
}
