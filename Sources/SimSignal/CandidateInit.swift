import Foundation

/// `TrickleRequest.candidateInit`: a JSON `RTCIceCandidateInit` (`{"candidate","sdpMid","sdpMLineIndex","usernameFragment"}`).
enum CandidateInit {
    /// The candidate line from a client's `candidateInit` JSON; nil if it is not such an object. An empty
    /// candidate (end of candidates) comes back as "".
    static func candidate(fromJSON text: String) -> String? {
        guard let data = text.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["candidate"] as? String ?? ""
    }

    /// The JSON for one of our candidates.
    static func json(candidate: String, sdpMid: String, sdpMLineIndex: Int) -> String {
        let object: [String: Any] = ["candidate": candidate, "sdpMid": sdpMid, "sdpMLineIndex": sdpMLineIndex]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
