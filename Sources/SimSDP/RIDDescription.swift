/// An `a=rid` value (RFC 8851 §4): `<rid-id> <send|recv> [<restrictions>]`, such as `q send` or
/// `f send max-width=1280;max-height=720`.
public struct RIDDescription: Hashable, Sendable {
    /// Which way the RTP stream flows, from the description author's point of view.
    public enum Direction: String, Hashable, Sendable, CaseIterable {
        /// The author sends this stream.
        case send
        /// The author receives this stream.
        case recv
    }

    /// The stream id.
    public var id: RID
    /// The stream's direction.
    public var direction: Direction
    /// The restriction list (`pt=…;max-width=…`), kept as written, if any.
    public var restrictions: String?

    /// Makes a rid description from its parts.
    public init(id: RID, direction: Direction, restrictions: String? = nil) {
        self.id = id
        self.direction = direction
        self.restrictions = restrictions
    }

    /// Parses an attribute value; nil when the id or the direction is missing or malformed.
    public init?(attributeValue: String) {
        let fields = attributeValue.sdpTokens
        guard (2...3).contains(fields.count), let direction = Direction(rawValue: String(fields[1])) else {
            return nil
        }
        let restrictions = fields.count == 3 ? String(fields[2]) : nil
        self.init(id: RID(String(fields[0])), direction: direction, restrictions: restrictions)
    }

    /// The attribute value.
    public var attributeValue: String {
        let base = "\(id) \(direction.rawValue)"
        guard let restrictions else { return base }
        return base + " " + restrictions
    }
}
