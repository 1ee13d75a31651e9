import SimCore

/// An access token that passed `TokenVerifier.verify`: signature, algorithm, key and validity window checked.
public struct VerifiedToken: Hashable, Sendable {
    /// The API key (`iss`) whose secret signed the token.
    public var apiKey: APIKey
    /// The decoded claims.
    public var claims: AccessTokenClaims
    /// The participant identity (`sub`, else `jti`); `nil` when the token names none.
    public var identity: Identity?
    /// The token exactly as received.
    public var token: String

    /// Wraps verified parts; only the verifier and tests should need this.
    public init(apiKey: APIKey, claims: AccessTokenClaims, identity: Identity?, token: String) {
        self.apiKey = apiKey
        self.claims = claims
        self.identity = identity
        self.token = token
    }

    /// The `video` grant, if the token carries one.
    public var video: VideoGrant? { claims.video }
}
