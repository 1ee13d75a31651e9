/// The SDKs' "permanent error" markers (reference §7.1) and a way to keep them out of texts that must not stop a
/// client from retrying.
///
/// JS, Android and iOS stop retrying when the lower-cased error text *contains* a marker, so a byte count of
/// 40 100 000 or an echoed client string such as `"unauthorized"` would make an ordinary protocol error permanent.
public enum DecartErrorText {
    /// Substrings JS/Android (`permission denied`, `not allowed`, `invalid session`, `401`, `invalid api key`,
    /// `unauthorized`) and iOS (adds `403`, `session expired`) treat as permanent.
    public static let permanentMarkers = [
        "permission denied", "not allowed", "invalid session", "401", "403", "invalid api key", "unauthorized", "session expired",
    ]

    /// Whether an SDK would treat `text` as a permanent failure.
    public static func isPermanent(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return permanentMarkers.contains { lowered.contains($0) }
    }

    /// `text` with a zero-width space (U+200B) after the first character of every marker occurrence, so no marker
    /// matches; unchanged when it holds none.
    public static func neutralized(_ text: String) -> String {
        guard isPermanent(text) else { return text }
        let scalars = Array(text.unicodeScalars)
        let markers = permanentMarkers.map { Array($0.unicodeScalars) }
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if markers.contains(where: { matches($0, scalars, at: index) }) {
                out.append(scalars[index])
                out.append("\u{200B}")
            } else {
                out.append(scalars[index])
            }
            index += 1
        }
        return String(out)
    }

    /// At most `limit` characters of client-supplied text for an error message, with an ellipsis when cut.
    public static func excerpt(_ text: String, limit: Int = 64) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }

    /// Whether `marker` occurs at `index`, ASCII case-insensitively.
    static func matches(_ marker: [Unicode.Scalar], _ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        guard scalars.count - index >= marker.count else { return false }
        for offset in 0..<marker.count {
            let scalar = scalars[index + offset]
            let lowered = (0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(scalar.value + 0x20)! : scalar
            if lowered != marker[offset] { return false }
        }
        return true
    }
}
