import SimCore

/// Why an access token was refused; `httpMessage` is the plain-text 401 body LiveKit sends.
public enum TokenError: Error, Hashable, Sendable {
    /// Not a well-formed HS256 JWS/JWT (bad structure, base64url, JSON or claim types); the detail is short and lowercase.
    case malformed(String)
    /// The header's `alg` is not `HS256` (the value as sent, empty when absent).
    case unsupportedAlgorithm(String)
    /// No secret is configured for the token's `iss` (empty when `iss` is absent).
    case unknownAPIKey(APIKey)
    /// The HMAC-SHA256 signature does not match.
    case badSignature
    /// `exp` is more than the leeway in the past.
    case expired
    /// `nbf` is more than the leeway in the future.
    case notYetValid
    /// The token has no `exp` claim, which LiveKit requires.
    case missingExpiry

    /// LiveKit's response body for this refusal (`pkg/service/auth.go`): `invalid API key` for an unknown
    /// key, otherwise `invalid authorization token` with a short detail.
    public var httpMessage: String {
        switch self {
        case .unknownAPIKey: "invalid API key"
        case .malformed(let detail): "invalid authorization token: \(detail)"
        case .unsupportedAlgorithm: "invalid authorization token: unsupported algorithm"
        case .badSignature: "invalid authorization token: invalid signature"
        case .expired: "invalid authorization token: token is expired (exp)"
        case .notYetValid: "invalid authorization token: token not valid yet (nbf)"
        case .missingExpiry: "invalid authorization token: missing expiry (exp)"
        }
    }

    /// The HTTP refusal for this error: always 401 with `httpMessage`.
    public var rejection: AuthRejection {
        AuthRejection(status: AuthRejection.unauthorizedStatus, message: httpMessage)
    }
}
