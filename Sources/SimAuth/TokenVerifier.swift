import Crypto
import Foundation
import SimCore

/// Verifies LiveKit access tokens (`protocol/auth/verifier.go`, reference §4 and §8 item 12).
///
/// HS256 only; the secret is looked up by `iss`; the HMAC is compared in constant time; `exp` is required
/// and `nbf`/`exp` are checked with a 60 s leeway (go-jose `DefaultLeeway`). `iat` is not checked. Pure:
/// the time is passed in, and no input — however long, malformed or mistyped — can trap.
public struct TokenVerifier: Sendable {
    /// The longest token accepted, in UTF-8 bytes; longer input is refused before any decoding.
    public static let maxTokenLength = 64 * 1024
    /// Allowed clock skew on `nbf` and `exp` (go-jose `jwt.DefaultLeeway`).
    public static let leeway: Duration = .seconds(60)

    /// The signing secret of each API key. A key mapped to an empty secret counts as unknown, as in LiveKit.
    public var keys: [APIKey: String]

    /// Creates a verifier for a key table.
    public init(keys: [APIKey: String]) {
        self.keys = keys
    }

    /// Checks `jwt` and returns its claims.
    /// - Parameters:
    ///   - jwt: the compact JWS `header.payload.signature` (base64url; trailing `=` tolerated).
    ///   - now: the current time.
    /// - Throws: `TokenError`, whose `httpMessage` is the 401 body to send.
    public func verify(_ jwt: String, now: Date) throws(TokenError) -> VerifiedToken {
        let bytes = Array(jwt.utf8)
        guard bytes.count <= Self.maxTokenLength else { throw .malformed("token too long") }

        // RFC 7515 §7.1: exactly three dot-separated parts.
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("expected 3 segments") }

        guard let headerJSON = Base64URL.decode(parts[0]) else { throw .malformed("bad header encoding") }
        guard let header = try? JSONDecoder().decode(JOSEHeader.self, from: Data(headerJSON)) else {
            throw .malformed("bad header")
        }
        guard header.alg == "HS256" else { throw .unsupportedAlgorithm(header.alg ?? "") }

        guard let payloadJSON = Base64URL.decode(parts[1]) else { throw .malformed("bad payload encoding") }
        guard let claims = try? JSONDecoder().decode(AccessTokenClaims.self, from: Data(payloadJSON)) else {
            throw .malformed("bad claims")
        }
        guard let signature = Base64URL.decode(parts[2]) else { throw .malformed("bad signature encoding") }

        // The verifier's key is the token's own `iss`, so "iss equals the key" holds by construction.
        guard let apiKey = claims.iss, let secret = keys[apiKey], !secret.isEmpty else {
            throw .unknownAPIKey(claims.iss ?? APIKey(""))
        }

        // RFC 7515 §5.2: the signing input is the first two segments as transmitted, with their dot.
        let signingInput = bytes[..<(parts[1].endIndex)]
        let key = SymmetricKey(data: Data(secret.utf8))
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signingInput, using: key) else {
            throw .badSignature
        }

        guard let exp = claims.exp else { throw .missingExpiry }
        let seconds = now.timeIntervalSince1970
        let leewaySeconds = Double(Self.leeway.components.seconds)
        if seconds - leewaySeconds > Double(exp) { throw .expired }
        if let nbf = claims.nbf, seconds + leewaySeconds < Double(nbf) { throw .notYetValid }

        return VerifiedToken(apiKey: apiKey, claims: claims, identity: claims.identity, token: jwt)
    }
}

/// The JOSE header fields this verifier reads (RFC 7515 §4.1); others are ignored.
private struct JOSEHeader: Decodable {
    /// The signature algorithm; only `HS256` is accepted.
    var alg: String?
    /// The media type, conventionally `JWT`; optional and not checked.
    var typ: String?
}
