import Foundation
import SimCore

/// Builds a signed access token for tests and the CLI, like the SDKs' `AccessToken` (default TTL 6 h).
///
/// ```swift
/// var builder = AccessTokenBuilder(apiKey: DevCredentials.apiKey, secret: DevCredentials.secret)
/// builder.identity = "alice"
/// builder.video = .join("room-1")
/// let jwt = builder.jwt(now: now)
/// ```
public struct AccessTokenBuilder: Sendable {
    /// The LiveKit SDKs' default token lifetime: 6 hours.
    public static let defaultTTL: Duration = .seconds(6 * 60 * 60)

    /// The API key (`iss`).
    public var apiKey: APIKey
    /// The API secret used to sign.
    public var secret: String
    /// The participant identity (`sub`); omitted when `nil`.
    public var identity: Identity?
    /// The display name.
    public var name: String?
    /// The participant metadata.
    public var metadata: String?
    /// The participant attributes.
    public var attributes: [String: String]?
    /// The participant kind (`standard`, `agent`, …).
    public var kind: String?
    /// How long the token is valid from `now` (whole seconds; sub-second parts are dropped).
    public var ttl: Duration
    /// The room grant.
    public var video: VideoGrant?

    /// Creates a builder with no identity, no grant and the default TTL.
    public init(apiKey: APIKey, secret: String, ttl: Duration = AccessTokenBuilder.defaultTTL) {
        self.apiKey = apiKey
        self.secret = secret
        self.ttl = ttl
    }

    /// The claims this builder signs: `nbf` = `iat` = `now`, `exp` = `now` + `ttl` (whole seconds).
    public func claims(now: Date) -> AccessTokenClaims {
        let issued = Self.wholeSeconds(now.timeIntervalSince1970)
        let (expiry, overflow) = issued.addingReportingOverflow(ttl.components.seconds)
        return AccessTokenClaims(
            iss: apiKey,
            sub: identity?.rawValue,
            nbf: issued,
            exp: overflow ? (ttl < .zero ? Int64.min : Int64.max) : expiry,
            iat: issued,
            name: name,
            metadata: metadata,
            attributes: attributes,
            kind: kind,
            video: video
        )
    }

    /// The signed token, valid from `now` for `ttl`.
    public func jwt(now: Date) -> String {
        TokenMinter.mint(claims: claims(now: now), apiKey: apiKey, secret: secret)
    }

    /// Seconds since 1970 rounded down, clamped to `Int64` (NaN becomes 0).
    private static func wholeSeconds(_ seconds: Double) -> Int64 {
        guard !seconds.isNaN else { return 0 }
        let floored = seconds.rounded(.down)
        if floored >= 0x1p63 { return .max }
        if floored < -0x1p63 { return .min }
        return Int64(floored)
    }
}
