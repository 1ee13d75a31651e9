import SimCore

/// The credentials of `livekit-server --dev` (reference §4): key `devkey`, secret `secret`.
public enum DevCredentials {
    /// The dev-mode API key.
    public static let apiKey: APIKey = "devkey"
    /// The dev-mode API secret (shorter than the 32 characters LiveKit recommends outside dev mode).
    public static let secret = "secret"
    /// A key table holding only the dev credentials.
    public static var keys: [APIKey: String] { [apiKey: secret] }
}
