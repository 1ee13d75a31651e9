/// An `a=simulcast` value (RFC 8853 §5.1), such as `send q;h;f` or `send 1;~2 recv 3`.
///
/// Each direction is a `;`-separated list of streams; each stream is a `,`-separated list of alternative rids,
/// each optionally prefixed by `~` (paused). Firefox's older draft form (`a=simulcast: send rid=q;h;f`) is
/// accepted when parsing.
public struct SimulcastDescription: Hashable, Sendable {
    /// One rid in a simulcast list.
    public struct Layer: Hashable, Sendable {
        /// The stream id.
        public var rid: RID
        /// Whether the layer is listed as paused (`~`).
        public var isPaused: Bool

        /// Makes a layer from its parts.
        public init(rid: RID, isPaused: Bool = false) {
            self.rid = rid
            self.isPaused = isPaused
        }
    }

    /// The streams the author sends; each inner list holds alternatives for one stream.
    public var send: [[Layer]]
    /// The streams the author receives; each inner list holds alternatives for one stream.
    public var receive: [[Layer]]

    /// Makes a simulcast description from its parts.
    public init(send: [[Layer]] = [], receive: [[Layer]] = []) {
        self.send = send
        self.receive = receive
    }

    /// Parses an attribute value; nil when it has no valid direction/list pair.
    public init?(attributeValue: String) {
        let fields = attributeValue.sdpTokens
        guard !fields.isEmpty, fields.count.isMultiple(of: 2) else { return nil }
        var send: [[Layer]] = []
        var receive: [[Layer]] = []
        var index = 0
        while index + 1 < fields.count {
            guard let list = Self.parseList(fields[index + 1]) else { return nil }
            switch fields[index] {
            case "send": send = list
            case "recv": receive = list
            default: return nil
            }
            index += 2
        }
        self.init(send: send, receive: receive)
    }

    /// The attribute value: `send …` and/or `recv …`.
    public var attributeValue: String {
        var parts: [String] = []
        if !send.isEmpty { parts.append("send " + Self.format(send)) }
        if !receive.isEmpty { parts.append("recv " + Self.format(receive)) }
        return parts.joined(separator: " ")
    }

    /// Every rid in the send list, alternatives flattened, in order.
    public var sendRIDs: [RID] { send.flatMap { $0.map(\.rid) } }

    /// Every rid in the receive list, alternatives flattened, in order.
    public var receiveRIDs: [RID] { receive.flatMap { $0.map(\.rid) } }

    private static func parseList(_ text: Substring) -> [[Layer]]? {
        // draft-ietf-mmusic-sdp-simulcast-03 (old Firefox) prefixes the list with `rid=`.
        let body = text.hasPrefix("rid=") ? text.dropFirst(4) : text
        var streams: [[Layer]] = []
        for stream in body.split(separator: ";", omittingEmptySubsequences: false) {
            var alternatives: [Layer] = []
            for alternative in stream.split(separator: ",", omittingEmptySubsequences: false) {
                let isPaused = alternative.hasPrefix("~")
                let id = isPaused ? alternative.dropFirst() : alternative
                guard !id.isEmpty else { return nil }
                alternatives.append(Layer(rid: RID(String(id)), isPaused: isPaused))
            }
            streams.append(alternatives)
        }
        return streams
    }

    private static func format(_ list: [[Layer]]) -> String {
        list.map { stream in
            stream.map { ($0.isPaused ? "~" : "") + $0.rid.rawValue }.joined(separator: ",")
        }.joined(separator: ";")
    }
}
